"""Concrete, kind suggestions for the weak dimensions of one reply.

One suggestion per applicable dimension scoring under ``WEAK_SCORE``, weakest first. Each names the
move and its framework — NURSE (Name, Understand, Respect, Support, Explore), L.A.S.T. (Listen,
Apologise, Solve, Thank) or Nonviolent Communication (observation, feeling, need, request) — and
shows the agent where the move belongs by quoting what the customer actually wrote.

Every sentence here is written whole. The customer's words appear only inside quotation marks,
as evidence next to the advice, never slotted into our grammar: "I'm sorry about $38.50" or
"what you will do about flight home" is what slot-filling produces. Which of the customer's
sentences is quoted depends on the move (the complaint for an apology, the request for
ownership, the unclear part for a question), so two tips on one reply quote what each is about.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from services.scorer.model.disclosures import customer_mentions
from services.scorer.model.schema import ScoreRequest, Suggestion
from services.scorer.model.specifics import (
    CustomerSentence,
    CustomerSpecifics,
    customer_specifics,
    shorten,
)

WEAK_SCORE = 0.5
POOR_CHANNEL_FIT = 0.8

# NURSE advises naming a feeling one notch less intense than the customer's own words. Each is a
# whole sentence the agent could say, so no adjective is fitted into a frame ("really a hassle").
FEELING_EXAMPLES: dict[str, str] = {
    "anger": "That sounds really frustrating, and I can see why.",
    "fear": "That sounds worrying, and it makes sense that you want it settled.",
    "disappointment": "That's disappointing, and I can see why it matters to you.",
    "confusion": "I can see why that's confusing.",
    "neutral": "That sounds like a real hassle.",
    "positive": "That's lovely to hear, thank you for telling me.",
}
# How the tone should carry the feeling (NVC: feeling), per customer emotion.
TONE_FEELINGS: dict[str, str] = {
    "anger": "Let your words show that you would find it frustrating too.",
    "fear": "Let your words show that you understand why it is worrying.",
    "disappointment": "Let your words show that you understand the disappointment.",
    "confusion": "Let your words show that you understand why it is confusing.",
    "neutral": "Keep the words plain and warm.",
    "positive": "Match their warmth.",
}
# Used only when the scorer reports the disclosure (the ``vulnerability`` argument).
VULNERABILITY_WORDS: dict[str, str] = {
    "health": "their health",
    "financial_strain": "money being tight",
    "safety": "not feeling safe",
    "bereavement": "their bereavement",
}
CHANNEL_NORMS: dict[str, str] = {
    "email": "An email complaint deserves a greeting, an acknowledgment and a full answer, "
             "not two lines.",
    "web_form": "A complaint sent through a web form deserves a greeting, an acknowledgment and "
                "a full answer.",
    "chat": "Chat reads best in short, warm turns, so drop the letter-style greeting and "
            "sign-off.",
    "messaging": "Messaging reads best in short, warm turns without letter formalities.",
    "sms": "A text message needs two or three short sentences at most, so move the detail to a "
           "link or a call.",
    "social": "A public reply should be brief and warm, with the details moved to a private "
              "message.",
    "voice": "On a call, speak plainly and conversationally rather than reading out a formal "
             "script.",
    "other": "Match the length and formality of the customer's own message.",
}

# What makes a customer sentence the one to quote for a move.
_FEELING = re.compile(
    r"!|\b(?:annoy|angry|anger|furious|fuming|livid|upset|worr|scared|afraid|panic|nervous|"
    r"anxious|disappoint|frustrat|confus|ridiculous|unacceptable|fed up|sick of|joke|disgust|"
    r"stress|gutted|devastat|let down|shocked|embarrass|awful|terrible|horrible|hate|"
    r"third time|again|still|no one|nobody|ignored)\w*",
    re.IGNORECASE,
)
_SHOUTED = re.compile(r"\b[A-Z]{3,}\b")
_PROBLEM = re.compile(
    r"\b(?:wrong|broken|broke|crack|damag|late|delay|never|missing|lost|charg|twice|double|"
    r"still|cancel|error|mistake|fail|expired|gone|stuck|refus|overcharg|declin|frozen|blocked|"
    r"outage|down|without|no longer|stopped|ruined|left|waiting|waited|hasn't|haven't|didn't|"
    r"doesn't|won't|wasn't|isn't|not|nothing|no response|no reply|no one|nobody)\w*",
    re.IGNORECASE,
)
_REQUEST = re.compile(
    r"\?|\b(?:can you|could you|can i|could i|can we|would you|will you|please|pls|i need|"
    r"i want|i'd like|i would like|i expect|need|want|refund|replace|fix|sort|help|waive|"
    r"cancel|send|reinstate|compensat|explain|when will|how long)\b",
    re.IGNORECASE,
)
_UNCLEAR = re.compile(
    r"\?|\b(?:why|how|what|which|don't understand|do not understand|not sure|no idea|confus|"
    r"unclear|doesn't make sense|makes no sense|explain|apparently|supposedly|somehow)\b",
    re.IGNORECASE,
)
_CLOSING_MARKS = ".!?…"


def suggestions_for(
    request: ScoreRequest,
    scores: dict[str, float | None],
    emotion: str,
    vulnerability: str | None,
    channel_fit: float,
) -> list[Suggestion]:
    specifics = customer_specifics(request)
    weak = sorted(
        (score, dim) for dim, score in scores.items() if score is not None and score < WEAK_SCORE
    )
    context = _Context(request, specifics, emotion, vulnerability, channel_fit)
    return [_WRITERS[dim](context) for _, dim in weak]


class _Context:
    def __init__(
        self,
        request: ScoreRequest,
        specifics: CustomerSpecifics,
        emotion: str,
        vulnerability: str | None,
        channel_fit: float,
    ) -> None:
        self.request = request
        self.specifics = specifics
        self.emotion = emotion if emotion in FEELING_EXAMPLES else "neutral"
        self.vulnerability = vulnerability if vulnerability in VULNERABILITY_WORDS else None
        self.channel_fit = channel_fit
        # A disclosure the scorer did not report is never shown (see ``specifics._SENSITIVE``).
        disclosed = self.vulnerability is not None
        self.candidates = specifics.content_sentences(allow_sensitive=disclosed)

    def quote(self, *patterns: re.Pattern[str]) -> str | None:
        """The customer's sentence that best shows where this move belongs, ready to quote."""
        if not self.candidates:
            return None
        best = max(self.candidates, key=lambda s: _weight(s, patterns))
        return _quotable(best.text)

    def disclosure(self) -> str | None:
        """The sentence holding the reported disclosure, ready to quote."""
        if self.vulnerability is None:
            return None
        for sentence in self.specifics.sentences:
            if customer_mentions(self.vulnerability, sentence.text):
                return _quotable(sentence.text)
        return None

    def details(self) -> list[str]:
        allowed = {s.text for s in self.candidates}
        found: list[str] = []
        for sentence in self.specifics.sentences:
            if sentence.text not in allowed:
                continue
            found.extend(ref for ref in sentence.references if ref not in found)
        return [_quotable(ref) for ref in found[:3]]


def _weight(sentence: CustomerSentence, patterns: tuple[re.Pattern[str], ...]) -> float:
    """The first pattern is what the move is about; the others break ties."""
    score = 0.0
    for pattern, weight in zip(patterns, (4.0, 1.5, 1.0), strict=False):
        hits = len(pattern.findall(sentence.text))
        if pattern is _FEELING:
            hits += len(_SHOUTED.findall(sentence.text))
        score += weight * min(hits, 3)
    return (
        score
        + 2.0 * min(len(sentence.references), 2)
        + 0.3 * min(sentence.words, 12)
        + (6.0 if sentence.latest else 0.0)
    )


def _quotable(text: str) -> str:
    """The customer's words as they can stand inside our double quotation marks."""
    text = shorten(text.replace('"', "'").replace("\u201c", "\u2018").replace("\u201d", "\u2019"))
    return text.strip().rstrip(",;:-–—").strip()


def _evidence(lead: str, quote: str | None) -> str:
    """``lead: "quote"`` as one whole sentence, or a plain pointer when there is nothing to show."""
    if not quote:
        return "Reread their latest message and start from the part that matters most to them."
    end = "" if quote[-1] in _CLOSING_MARKS else "."
    return f'{lead}: "{quote}"{end}'


def _listing(items: list[str]) -> str:
    quoted = [f'"{item}"' for item in items]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _acknowledgment(c: _Context) -> Suggestion:
    quoted = c.quote(_FEELING, _PROBLEM)
    parts = [
        "Before fixing anything, say what happened and how it feels (NURSE: Name and "
        "Understand).",
        _evidence("They wrote", quoted),
        "Reflect that back in your own words, naming the feeling a notch gentler than theirs, "
        f'for example: "{FEELING_EXAMPLES[c.emotion]}" A stock "I understand your frustration" '
        "does not show that you read it.",
    ]
    if c.vulnerability is not None:
        said = c.disclosure()
        topic = VULNERABILITY_WORDS[c.vulnerability]
        if said and said != quoted:
            parts.append(_evidence(f"They also told you about {topic}", said))
        else:
            parts.append(f"They also told you about {topic}.")
        parts.append("Acknowledge it directly and offer to make things easier for them "
                     "(NURSE: Support).")
    return Suggestion("acknowledgment", "NURSE (Name, Understand)", " ".join(parts))


def _apology(c: _Context) -> Suggestion:
    return Suggestion("apology", "L.A.S.T. (Apologise)", " ".join([
        'Apologise once, for the specific impact rather than for "any inconvenience" '
        "(L.A.S.T.: Apologise).",
        _evidence("This is what went wrong for them", c.quote(_PROBLEM, _FEELING)),
        "Say sorry for that in one sincere sentence that names what it cost them, then move on "
        "to the fix. Several sorries in a row put the focus on you rather than on them.",
    ]))


def _ownership(c: _Context) -> Suggestion:
    return Suggestion("ownership", "L.A.S.T. (Solve)", " ".join([
        "Take the case yourself (L.A.S.T.: Solve).",
        _evidence("This is what they need from you", c.quote(_REQUEST, _PROBLEM)),
        'Answer it with "I will" and the action you are taking, instead of passing it to '
        "another team or pointing back at the customer.",
    ]))


def _next_steps(c: _Context) -> Suggestion:
    return Suggestion("next_steps", "L.A.S.T. (Solve)", " ".join([
        "Spell out what happens next: who does what, by when, and how they will hear about it "
        "(L.A.S.T.: Solve).",
        _evidence("They are waiting on this", c.quote(_REQUEST, _PROBLEM)),
        'A vague "we\'ll look into it" leaves them waiting, while a day or a time and a named '
        "person do not.",
    ]))


def _exploration(c: _Context) -> Suggestion:
    return Suggestion("exploration", "NURSE (Explore)", " ".join([
        "Ask one open question that moves this forward (NURSE: Explore).",
        _evidence("Start from what they wrote", c.quote(_UNCLEAR, _PROBLEM)),
        'Ask about that in their terms, for example: "Could you tell me a bit more about what '
        'happened?" One or two focused questions work better than a checklist.',
    ]))


def _tone(c: _Context) -> Suggestion:
    if c.channel_fit < POOR_CHANNEL_FIT:
        return Suggestion("tone", "NVC (observation)", " ".join([
            f"Fit the channel (Nonviolent Communication: observation). "
            f"{CHANNEL_NORMS.get(c.request.channel, CHANNEL_NORMS['other'])}",
            _evidence("Keep the specifics they gave you", c.quote(_PROBLEM, _REQUEST)),
        ]))
    return Suggestion("tone", "NVC (observation, feeling)", " ".join([
        "Describe what happened without judging the customer (Nonviolent Communication: "
        "observation, feeling).",
        _evidence("Start from what they told you", c.quote(_FEELING, _PROBLEM)),
        'Say plainly what you can see went wrong, rather than "as I already explained" or '
        f"quoting policy. {TONE_FEELINGS[c.emotion]}",
    ]))


def _boundaries(c: _Context) -> Suggestion:
    return Suggestion("boundaries", "NVC (need, request)", " ".join([
        "Give a clear, kind no with the reason, then what you can do instead (Nonviolent "
        "Communication: need, request).",
        _evidence("Acknowledge what they asked for", c.quote(_REQUEST)),
        "Then say, for example: \"I can't do that, because…; what I can do instead is…\" "
        "Avoid both a bare no and giving in.",
    ]))


def _personalization(c: _Context) -> Suggestion:
    lead = ("Use what this customer told you, so the reply could only have been written to them "
            "(NURSE: Understand).")
    details = c.details()
    if details:
        noun = "detail" if len(details) == 1 else "details"
        middle = (f"They gave you {noun} that a canned reply would leave out: "
                  f"{_listing(details)}.")
        tail = "Work them into your answer, along with what they need."
        if len(details) == 1:
            tail = "Work it into your answer, along with what they need."
        return Suggestion("personalization", "NURSE (Understand)", " ".join([lead, middle, tail]))
    return Suggestion("personalization", "NURSE (Understand)", " ".join([
        lead,
        _evidence("Pick up on this", c.quote(_PROBLEM, _REQUEST, _FEELING)),
    ]))


_WRITERS: dict[str, Callable[[_Context], Suggestion]] = {
    "acknowledgment": _acknowledgment,
    "apology": _apology,
    "ownership": _ownership,
    "next_steps": _next_steps,
    "exploration": _exploration,
    "tone": _tone,
    "boundaries": _boundaries,
    "personalization": _personalization,
}
