"""How customers sound: emotion frames around the facts, disclosures, follow-ups.

Frames are (opener, closer) pairs per emotion and intensity. Some are written the way people with
English as a second language or in informal registers write, so the customer side is not all
textbook English; the labels do not depend on that register.
"""

from __future__ import annotations

Frame = tuple[str, str]

EMOTION_FRAMES: dict[str, dict[str, tuple[Frame, ...]]] = {
    "anger": {
        "low": (
            ("I'm not happy about this.", "Please sort it out."),
            ("This is annoying, to be honest.", "I'd like it fixed."),
            ("Not impressed.", "Can you fix this please."),
            ("I am not satisfied with this service.", "Kindly resolve it."),
        ),
        "mid": (
            ("I'm really frustrated.", "I expect this to be fixed properly this time."),
            ("This is the third time I've had to chase this.", "Sort it out."),
            ("Honestly this is getting ridiculous.", "I want an answer today."),
            ("I am very angry, this is not acceptable.", "Kindly solve this urgently."),
            ("seriously??", "fix it pls"),
        ),
        "high": (
            ("I am absolutely furious.", "If this isn't fixed today I'm cancelling everything."),
            ("This is UNACCEPTABLE.", "I want a manager. NOW."),
            ("I've had enough of your useless service!!", "Fix this or I'm going public."),
            ("What a joke of a company.", "Don't send me another copy-paste reply."),
            ("I am extremely angry since many days, nobody is helping!!", "Solve it immediately."),
        ),
    },
    "fear": {
        "low": (
            ("I'm a bit worried about this.", "Could you let me know what happens now?"),
            ("Slightly concerned here.", "Is this going to be okay?"),
        ),
        "mid": (
            ("I'm really worried.", "Please tell me this can be sorted."),
            ("I'm quite anxious about this, to be honest.",
             "What happens if it isn't fixed in time?"),
            ("I am very much worried about this situation.", "Please help me fast."),
            ("kind of panicking a bit", "what do i do??"),
        ),
        "high": (
            ("I'm honestly panicking.", "Please, I need help as soon as possible."),
            ("I'm scared this is going to go really wrong.",
             "Please call me back, I can't sleep over this."),
            ("I am so scared, I don't know what to do.", "Please somebody help me today."),
        ),
    },
    "disappointment": {
        "low": (
            ("Bit of a letdown, this.", "Hope you can help."),
            ("I expected a little better.", "Thanks."),
        ),
        "mid": (
            ("I'm honestly really disappointed.", "I expected better from you."),
            ("I've been a loyal customer for years and this is a real letdown.",
             "Not what I expected."),
            ("I am very disappointed with this experience.", "I was expecting more."),
        ),
        "high": (
            ("I'm gutted.", "I've always recommended you to friends — not any more."),
            ("I can't tell you how disappointed I am.", "You've really let me down."),
        ),
    },
    "confusion": {
        "low": (
            ("Quick question, I'm a bit confused.", "Can you explain?"),
            ("I don't quite follow what's happened here.", "Thanks in advance."),
            ("hi, not sure what's going on", "can u explain"),
        ),
        "mid": (
            ("I'm really confused.", "Can someone explain what's going on?"),
            ("I don't understand this at all.", "Which is it?"),
            ("I am not understanding why this happened.", "Kindly explain me."),
        ),
        "high": (
            ("I'm completely lost and nobody is giving me a straight answer.",
             "What is actually going on??"),
            ("I've been told three different things by three different people.",
             "I just want one clear answer."),
        ),
    },
    "neutral": {
        "low": (
            ("Hello,", "Thanks."),
            ("Hi there.", "Regards."),
            ("", "Thank you."),
            ("Good morning.", "Kind regards."),
            ("hey", "thx"),
        ),
    },
    "positive": {
        "low": (
            ("Hi! Hope you're well.", "Thanks so much!"),
            ("Just wanted to say a quick thank you.", "Cheers!"),
        ),
        "mid": (
            ("I have to say, you lot have been brilliant.", "Thanks again, really!"),
            ("Honestly, great service so far!", "Keep it up."),
            ("Thank you very much for the kind help.", "Have a nice day."),
        ),
    },
}

INTENSITY_VALUE: dict[str, float] = {"low": 0.25, "mid": 0.55, "high": 0.85}
NEUTRAL_INTENSITY = 0.1

# (what the customer writes, the clause an attentive agent echoes after "I'm so sorry to hear").
VULNERABILITY_DISCLOSURES: dict[str, tuple[tuple[str, str], ...]] = {
    "health": (
        ("I've just come out of hospital after surgery and can't get about much.",
         "you've just come out of hospital after surgery"),
        ("I'm undergoing chemo at the moment so I really don't have the energy for this.",
         "you're going through chemo right now"),
        ("I have MS and long phone calls wipe me out.", "long calls are exhausting with your MS"),
        ("I'm seven months pregnant and on bed rest.", "you're on bed rest, seven months pregnant"),
    ),
    "financial_strain": (
        ("I lost my job last month and every penny counts right now.",
         "money is tight since you lost your job"),
        ("That money was meant for my rent and I'm already behind.",
         "that money was meant for your rent"),
        ("I'm on a pension and this has left me short for the week.",
         "this has left you short on your pension this week"),
    ),
    "safety": (
        ("My ex-partner knows my old details and I'm frightened he's been getting into my account.",
         "you're frightened your ex-partner has been getting into your account"),
        ("Someone has been following me and I don't want my address showing anywhere.",
         "you don't feel safe with your address showing anywhere"),
        ("I'm staying at a refuge at the moment so please don't send anything to my old address.",
         "you're staying at a refuge and can't use your old address"),
    ),
    "bereavement": (
        ("My husband passed away three weeks ago and the account was in his name.",
         "your husband passed away so recently"),
        ("My mum died last month and I'm trying to sort out her things.",
         "you lost your mum last month"),
        ("We lost our son in March and I'm dealing with all his accounts.",
         "you lost your son in March"),
    ),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "anger": (
        "It's been {days} days since I first wrote and nothing has happened.",
        "I was told someone would get back to me. Nobody has.",
        "Still waiting. Again.",
    ),
    "fear": (
        "I still haven't heard anything and I'm getting really worried.",
        "Is anyone looking at this? Time is running out.",
    ),
    "disappointment": (
        "I wrote {days} days ago and I'm still waiting, which is disappointing.",
        "I hoped this would be sorted by now.",
    ),
    "confusion": (
        "I got a reply but I still don't understand what's happening.",
        "Your last message didn't really answer my question.",
    ),
    "neutral": ("Just following up on this.", "Any update on the below?"),
    "positive": ("Thanks for getting back to me so quickly!",),
}

EARLIER_AGENT_REPLIES: tuple[str, ...] = (
    "Thanks for contacting us. We'll look into it and get back to you.",
    "We have passed this to the relevant team.",
    "Thank you for your patience. Your ticket is in the queue.",
    "Sorry for any inconvenience. Someone will be in touch.",
)

VOICE_OPENERS: tuple[str, ...] = (
    "yeah hi, um,", "hi, so, um,", "hello, yeah,", "right, so", "um, hi,",
)
