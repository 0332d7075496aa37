"""Reply moves per dimension and quality level, with the label each level earns.

Each table maps a level to ``(label, templates)``. Templates may use the situation's clauses
(``{issue}``, ``{impact}``, ``{action}``, ``{step}``, ``{question}``, ``{refusal}``...), which is
what makes a move specific. Stock phrases ("I understand your frustration") appear inside strong
moves too, so no keyword alone predicts a level: the specifics around it do.
"""

from __future__ import annotations

Move = tuple[float, tuple[str, ...]]

FEELING_LEADS: dict[str, tuple[str, ...]] = {
    "anger": (
        "I can see why you're frustrated that",
        "It's genuinely maddening that",
        "I'd be annoyed too if",
        "I understand your frustration — it isn't okay that",
    ),
    "fear": (
        "I can hear how worrying it is that",
        "It's really unsettling that",
        "I can imagine how stressful it is that",
    ),
    "disappointment": (
        "It's a real letdown that",
        "I can tell how disappointing it is that",
        "I completely understand how you feel — it's disappointing that",
    ),
    "confusion": (
        "I can see why it's confusing that",
        "It's no wonder this is confusing when",
        "It's hard to make sense of it when",
    ),
    "neutral": (
        "Thanks for flagging that",
        "I can see exactly what's happened:",
        "Thank you for explaining that",
    ),
    "positive": (
        "It's lovely to hear that",
        "You've made our day — it's great that",
        "Thank you so much for telling us that",
    ),
}
# A named feeling that does not match the customer's: specific, but it misreads them.
MISNAMED_LEADS: dict[str, tuple[str, ...]] = {
    "anger": ("I'm glad you reached out, it sounds like you're a little unsure now that",),
    "fear": ("I can see you're annoyed that", "I get that it's a bit irritating that"),
    "disappointment": ("I can see this is confusing now that", "I hear you're worried that"),
    "confusion": ("I can tell you're angry that", "I'm sorry you're so upset that"),
    "neutral": ("I can hear how devastating it is that", "I know you must be furious that"),
    "positive": ("I'm sorry you're upset that", "I can see why you're worried that"),
}

ACKNOWLEDGMENT: dict[str, Move] = {
    "specific": (1.0, (
        "{lead} {issue}, especially when {impact}.",
        "{lead} {issue} — and {impact}.",
    )),
    "factual": (0.65, (
        "I can see that {issue}.",
        "So {issue}.",
        "From what you've said, {issue}.",
        "I understand — {issue}.",
    )),
    "misnamed": (0.4, ("{lead} {issue}.",)),
    "generic": (0.45, (
        "I can see things haven't gone smoothly with {generic_object}.",
        "It sounds like {generic_object} hasn't gone the way you hoped.",
        "I can tell this has been a real hassle for you.",
        "That isn't the experience you should have had with us.",
        "I can see that things with {generic_object} have not gone as smoothly as you would have "
        "liked, and that this has been a frustrating experience from start to finish.",
    )),
    "stock": (0.2, (
        "I understand your frustration.",
        "I completely understand how you feel.",
        "I hear you.",
        "I understand your concern.",
        "We understand how important this is to you.",
        "I know how frustrating this must be.",
        "Your feelings are valid and we hear you.",
        "I completely understand how frustrating and upsetting this whole situation must be for "
        "you, and I want you to know that your feelings are valid and that we hear you.",
        "Please know that we truly understand your concerns and we recognise how important this "
        "matter is to you and your family.",
    )),
    "none": (0.0, ()),
}
VULNERABILITY_ACKNOWLEDGMENT: tuple[str, ...] = (
    "I'm so sorry to hear {vulnerability} — I'll keep this as simple for you as I can.",
    "Thank you for telling me {vulnerability}; I'll make this as easy on you as possible.",
    "I'm really sorry to hear {vulnerability}, and I'll handle the legwork so you don't have to.",
)

APOLOGY: dict[str, Move] = {
    "specific": (1.0, (
        "I'm sorry — {impact}, and we let you down.",
        "I'm really sorry: {impact}, and that's on us.",
        "I apologise that {issue} when {impact}.",
        "Sorry — {impact}.",
    )),
    "plain": (0.5, (
        "I'm really sorry about this.",
        "I'm sorry this happened.",
        "I apologise — this shouldn't have happened.",
    )),
    "grovel": (0.3, (
        "I am so, so sorry. I sincerely apologise, truly, and I'm deeply sorry again for "
        "everything.",
        "We are terribly sorry. Please accept our deepest, most sincere apologies. Sorry again, "
        "really, so sorry.",
        "I can't apologise enough. I'm so sorry, I'm mortified, I'm sorry, I'm sorry.",
    )),
    "stock": (0.25, (
        "Sorry for any inconvenience caused.",
        "We apologise for any inconvenience.",
        "Apologies for the trouble.",
        "We're sorry for any inconvenience this may have caused.",
        "Sorry about that.",
        "We would like to sincerely apologise for any inconvenience or frustration that this "
        "situation may have caused you and your household.",
    )),
    "none": (0.0, ()),
}

OWNERSHIP: dict[str, Move] = {
    "owns": (1.0, (
        "I'll take this on myself and {action}.",
        "I'm going to {action} myself, so you don't have to chase anyone.",
        "Leave this with me — I'll {action}.",
        "I'll {action}.",
        "I've taken this case on personally and I will {action}.",
    )),
    "owns_generic": (0.75, (
        "I'll take care of this for you.",
        "Leave it with me.",
        "I'm handling this personally from here.",
    )),
    "passive": (0.35, (
        "Your case will be passed to the relevant team.",
        "This has been forwarded to the appropriate department.",
        "A ticket has been raised with the team concerned.",
        "Your case has been carefully logged and forwarded to the relevant specialist team, who "
        "will review all of the details you have provided in due course.",
    )),
    "deflect": (0.1, (
        "You'll need to contact {third_party} directly about this.",
        "That's not something our team handles, so please reach out to {third_party}.",
        "Unfortunately this is {third_party}'s responsibility, not ours.",
    )),
    "blame": (0.0, (
        "Looking at this, the problem is on your side.",
        "This happened because the information you gave us was wrong.",
        "If you had read the terms, this wouldn't have happened.",
    )),
    "none": (0.2, ()),
}

NEXT_STEPS: dict[str, Move] = {
    "concrete": (1.0, ("{step}",)),
    "partial": (0.5, (
        "The next step is to {action}.",
        "We'll {action}.",
        "The plan is to {action}.",
    )),
    "vague": (0.15, (
        "We'll look into it and get back to you.",
        "Someone will be in touch.",
        "We're working on it.",
        "We'll do our best to resolve this as soon as possible.",
        "This should be resolved soon.",
        "Rest assured that the appropriate team will be looking into this matter and will be in "
        "touch with an update as soon as they possibly can.",
        "We are currently investigating this and will update you in due course, once we have "
        "more information to share with you.",
    )),
    "none": (0.0, ()),
}

EXPLORATION: dict[str, Move] = {
    "open": (1.0, ("{question}", "So I can get this right first time: {question_inline}")),
    "closed": (0.45, ("{closed_question}",)),
    "generic": (0.3, (
        "Is there anything else you can tell me?",
        "Can you provide more details?",
        "Could you give us more information?",
        "Could you please provide us with any further details, screenshots or reference numbers "
        "that you think may be relevant to this matter?",
        "Could you tell us a bit more?",
    )),
    "interrogation": (0.15, ("{interrogation}",)),
    "none": (0.0, ()),
}
INTERROGATION_QUESTIONS: tuple[str, ...] = (
    "What is your account number?",
    "When did this start?",
    "What is your postcode?",
    "Have you tried turning it off and on again?",
    "Did you check your spam folder?",
    "What device are you using?",
    "Which browser?",
    "Have you contacted us before?",
    "What is your date of birth?",
)

BOUNDARIES: dict[str, Move] = {
    "kind_alternative": (1.0, (
        "I'm not able to {refusal}, because {reason}. What I can do is {alternative}.",
        "I can't {refusal} — {reason} — but I'm happy to {alternative}.",
        "I wish I could {refusal}, but {reason}; I can {alternative}, though.",
        "Because {reason}, I can't {refusal}. Here's what I can do: {alternative}.",
        "The answer on that one has to be no, since {reason}; the good news is I can "
        "{alternative}.",
        "I'll be straight with you: {reason}, so that's a no — but let me {alternative}.",
    )),
    "kind_no_alternative": (0.6, (
        "I'm sorry, but I'm not able to {refusal}, because {reason}.",
        "I can't {refusal}, I'm afraid, as {reason}.",
        "I can't {refusal}, I'm afraid, as {reason}. I know that isn't what you hoped to hear.",
        "I have to be straight with you: the answer is no, because {reason}.",
        "I'm sorry to say no here — {reason}, and that applies to everyone.",
    )),
    "bare": (0.2, (
        "We can't do that.",
        "That's not possible.",
        "No, that's against policy.",
        "Request denied.",
        "Unfortunately that is not something we can do under our policy, and there are no other "
        "options or alternatives available in this case.",
        "The answer is no.",
        "No. That's final.",
    )),
    "waffle": (0.25, (
        "I'm not sure whether we can {refusal} — maybe, possibly, I'd have to check, I can't "
        "promise anything either way.",
        "It might be possible to {refusal}, or it might not, it's hard to say really.",
        "I'll see what I can do — maybe, but it might not be possible, we'll have to wait and see "
        "I suppose.",
        "Normally the answer would be no because {reason}, but then again maybe not, I'd have to "
        "ask around and I can't really say.",
    )),
    "cave": (0.1, (
        "I'll make an exception this time and {cave}.",
        "Fine, I'll {cave}.",
        "Okay, just this once I'll {cave} instead of following the usual policy.",
        "Even though {reason}, I don't want you upset, so I'll {cave}.",
    )),
    "ignore": (0.05, ()),
}

# Personalization on its own: a sentence that only shows the agent has the customer's details.
# Each comes with a generic twin of the same shape, so the pair differs only in the specific.
DETAIL_ECHO: tuple[tuple[str, str], ...] = (
    ("I've got {detail} open in front of me.", "I've got your details open in front of me."),
    ("I'm looking at {detail} right now.", "I'm looking at your file right now."),
    ("I've pulled up {detail}.", "I've pulled up your records."),
    ("I have {detail} here with me.", "I have everything here with me."),
)

# Tone is carried by one sentence placed where that register shows: a cold opener, a defensive
# or sarcastic aside in the middle, a warm or robotic close.
TONE: dict[str, Move] = {
    "warm": (0.9, (
        "I'll keep an eye on this until it's sorted, {name}.",
        "Thanks for bearing with us — I'm here if anything else comes up.",
        "Thank you for giving us the chance to put this right.",
        "Take care, and I'm glad you got in touch.",
    )),
    "neutral": (0.6, (
        "Your reference number is {ref}.",
        "Please quote this reference in future correspondence: {ref}.",
        "This case is now logged.",
    )),
    "cold": (0.35, ("Noted.", "Please refer to our terms and conditions.",
                    "That is all the information we have.")),
    "defensive": (0.2, (
        "As I already explained, this is our standard policy.",
        "We followed the correct procedure here.",
        "To be clear, we did nothing wrong.",
    )),
    # No sentence of its own: the reply reads as warm as its other moves (see labels.py).
    "unmarked": (0.8, ()),
    "sarcastic": (0.05, (
        "Maybe reading the confirmation email would have helped.",
        "Well, congratulations on finding the one thing that went wrong.",
        "I'm sure you'll survive a few more days.",
    )),
}
TONE_POSITION: dict[str, str] = {
    "warm": "end", "neutral": "end", "cold": "start", "defensive": "middle", "sarcastic": "middle",
    "unmarked": "end",
}
UNMARKED_TONE_WITHOUT_WARM_MOVES = 0.6
BLAME_TONE_CAP = 0.3

# Empty filler: polite, long, and about nothing. Labels never change when it is added.
FILLER: tuple[str, ...] = (
    "Thank you for contacting {company} customer support.",
    "We value you as a customer.",
    "Your satisfaction is our top priority.",
    "We appreciate your patience while we review matters of this kind.",
    "Please do not hesitate to contact us again if you have any further questions.",
    "Have a great day!",
    "We are always here to help.",
    "Thank you for choosing {company}.",
    "Our team works hard to provide the best possible service to all of our customers.",
    "Customer feedback like yours helps us improve.",
)

# A wider pool of content-free pleasantries, used only to pad training replies (see
# ``generate.padded_twins``): with ten filler sentences the model could learn those ten as
# neutral; with many it learns that politeness without content adds nothing.
TRAINING_FILLER: tuple[str, ...] = (
    "We are grateful for the opportunity to assist you.",
    "At {company}, we strive for excellence in everything we do.",
    "Your message is important to us.",
    "It is always a pleasure to hear from our valued customers.",
    "We are committed to delivering an outstanding experience.",
    "Thank you for being part of the {company} family.",
    "We hope this message finds you well.",
    "Our dedicated team is passionate about service.",
    "We truly appreciate your business.",
    "Serving customers like you is what we love to do.",
    "We take great pride in the service we offer.",
    "Thanks again for reaching out to {company}.",
    "We wish you a wonderful day ahead.",
    "Quality and customer care are at the core of our values.",
    "We are here for you every step of the way.",
    "Thank you for your understanding and cooperation.",
    "We always welcome feedback from our customers.",
    "Warm regards from all of us at {company}.",
    "We look forward to continuing to serve you.",
    "Your trust means a great deal to us.",
    "We are always happy to hear from you.",
    "Please know that we care about every customer.",
    "Thank you for writing in.",
    "Kind regards and best wishes.",
    "We hope you continue to enjoy {company}.",
    "It has been a pleasure assisting you today.",
    "We are proud to have you with us.",
    "Customer happiness is our mission.",
    "All the best from the {company} support team.",
    "Thanks so much for getting in touch.",
)


def _combined_pleasantries() -> tuple[str, ...]:
    """Hundreds more pleasantries from interchangeable parts, so that padding in training never
    repeats often enough to be memorised as neutral (the padding test's filler, in
    tests/scorer/test_anti_gaming.py, is deliberately none of these)."""
    appreciation = [
        f"{who} {feel} {what}."
        for who in ("We", "Our team", "Everyone at {company}", "All of us here", "The whole team")
        for feel in ("truly appreciate", "really value", "are grateful for", "always welcome",
                     "sincerely appreciate")
        for what in ("your business", "your patience", "customers like you", "your kind words",
                     "the chance to help", "your feedback", "every message we receive",
                     "your custom")
    ]
    thanks = [
        f"{thank} for {how}{when}."
        for thank in ("Thank you", "Thanks", "Many thanks")
        for how in ("reaching out", "contacting us", "your message", "choosing {company}")
        for when in ("", " today", " this week")
    ]
    wishes = [
        f"We wish you a {kind} {span}."
        for kind in ("great", "lovely", "wonderful", "relaxing")
        for span in ("day", "weekend", "evening", "afternoon")
    ]
    values = [
        f"{value} {is_what}."
        for value in ("Customer care", "Your satisfaction", "Excellent service",
                      "Going the extra mile")
        for is_what in ("matters enormously to us", "is what drives our team",
                        "is something we never compromise on")
    ]
    # Compound pleasantries, the way long letters string them together.
    compounds = [
        f"{first}, and {second}."
        for first in ("We hope you enjoy the rest of your day", "We hope this helps",
                      "It was good to hear from you", "We are always glad to assist")
        for second in ("we look forward to hearing from you again",
                       "we remain at your service", "we thank you for your trust in us",
                       "we hope to see you again soon")
    ]
    return tuple(appreciation + thanks + wishes + values + compounds)


# dict.fromkeys: drop the few combinations that repeat a hand-written line, keeping the order.
TRAINING_FILLER = tuple(dict.fromkeys(TRAINING_FILLER + _combined_pleasantries()))
