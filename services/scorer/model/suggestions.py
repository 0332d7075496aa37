"""Concrete, kind suggestions for the weak dimensions of one reply.

One suggestion per applicable dimension scoring under ``WEAK_SCORE``, weakest first. Each names the
move from NURSE (Name, Understand, Respect, Support, Explore), L.A.S.T. (Listen, Apologise, Solve,
Thank) or Nonviolent Communication (observation, feeling, need, request), and quotes what the
customer actually wrote so the agent can see where the move belongs.
"""

from __future__ import annotations

from collections.abc import Callable

from services.scorer.model.schema import ScoreRequest, Suggestion
from services.scorer.model.specifics import CustomerSpecifics, customer_specifics

WEAK_SCORE = 0.5
POOR_CHANNEL_FIT = 0.8

# NURSE advises naming a feeling one notch less intense than the customer's own words.
FEELING_WORDS: dict[str, str] = {
    "anger": "frustrating",
    "fear": "worrying",
    "disappointment": "disappointing",
    "confusion": "confusing",
    "neutral": "a hassle",
    "positive": "lovely to hear",
}
VULNERABILITY_WORDS: dict[str, str] = {
    "health": "their health",
    "financial_strain": "money being tight",
    "safety": "not feeling safe",
    "bereavement": "their bereavement",
}
CHANNEL_NORMS: dict[str, str] = {
    "email": "an email complaint deserves a greeting, an acknowledgment and a full answer, "
             "not two lines",
    "web_form": "a written complaint deserves a greeting, an acknowledgment and a full answer",
    "chat": "chat reads best in short, warm turns; drop the letter-style greeting and sign-off",
    "messaging": "messaging reads best in short, warm turns without letter formalities",
    "sms": "SMS needs two or three short sentences at most; move the detail to a link or a call",
    "social": "a public reply should be brief and warm, with details moved to a private message",
    "voice": "on a call, speak plainly and conversationally rather than reading a formal script",
    "other": "match the length and formality of the customer's own message",
}


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
        self.quote = specifics.quote or request.customer.strip()[:120]
        self.reference = specifics.main_reference
        self.references = specifics.references
        self.feeling = FEELING_WORDS.get(emotion, "a hassle")
        self.vulnerability = vulnerability
        self.channel_fit = channel_fit

    @property
    def about(self) -> str:
        return f"about {self.what}"

    @property
    def what(self) -> str:
        return self.reference or "what they described"


def _acknowledgment(c: _Context) -> Suggestion:
    text = (
        f'Name what happened and how it feels before fixing it. They wrote: "{c.quote}" — '
        f'reflect that in your own words, e.g. "That sounds really {c.feeling}, and I can see '
        f'why." A stock "I understand your frustration" does not show you read it.'
    )
    if c.vulnerability:
        text += (
            f" They also mentioned {VULNERABILITY_WORDS[c.vulnerability]}; acknowledge it "
            "directly and offer to make things easier (NURSE: Support)."
        )
    return Suggestion("acknowledgment", "NURSE (Name, Understand)", text)


def _apology(c: _Context) -> Suggestion:
    return Suggestion(
        "apology",
        "L.A.S.T. (Apologise)",
        f'Apologise once, for the specific impact rather than "any inconvenience": they wrote '
        f'"{c.quote}". For example: "I\'m sorry {c.about} — that isn\'t the service you should '
        f'get." One sincere sentence beats several sorries.',
    )


def _ownership(c: _Context) -> Suggestion:
    return Suggestion(
        "ownership",
        "L.A.S.T. (Solve)",
        f'Take the case yourself: say "I will…" and what you will do {c.about}, instead of '
        f"passing it to another team or pointing at the customer.",
    )


def _next_steps(c: _Context) -> Suggestion:
    target = c.reference or "their request"
    return Suggestion(
        "next_steps",
        "L.A.S.T. (Solve)",
        f"Spell out what happens next for {target}: who does what, and by when (a day or time), "
        f'and how they will hear — "we\'ll look into it" leaves them waiting.',
    )


def _exploration(c: _Context) -> Suggestion:
    return Suggestion(
        "exploration",
        "NURSE (Explore)",
        f'Ask one open question that moves this forward, tied to what they said ("{c.quote}"), '
        f'e.g. "Could you tell me a bit more about what happened {c.about}?" One or two focused '
        f"questions work better than a checklist.",
    )


def _tone(c: _Context) -> Suggestion:
    channel = c.request.channel
    if c.channel_fit < POOR_CHANNEL_FIT:
        return Suggestion(
            "tone",
            "NVC (observation)",
            f"Fit the channel: {CHANNEL_NORMS[channel]}. Keep the specifics they gave "
            f'("{c.quote}").',
        )
    return Suggestion(
        "tone",
        "NVC (observation, feeling)",
        f'Describe what happened without judging the customer — "I can see {c.what} went wrong" '
        f'rather than "as I already explained" — and let your words show you would find it '
        f"{c.feeling} too.",
    )


def _boundaries(c: _Context) -> Suggestion:
    return Suggestion(
        "boundaries",
        "NVC (need, request)",
        f'Give a clear, kind no with the reason, then what you can do instead. Acknowledge the '
        f'request ("{c.quote}"), then: "I can\'t do that because…; what I can do is…". Avoid '
        f"both a bare no and giving in.",
    )


def _personalization(c: _Context) -> Suggestion:
    if c.references:
        details = ", ".join(c.references[:3])
        text = (
            f"Use their specifics ({details}) so the reply could only have been written to this "
            "customer."
        )
    else:
        text = (
            f'Refer to what they actually told you ("{c.quote}") so the reply could only have '
            "been written to this customer."
        )
    return Suggestion("personalization", "NURSE (Understand)", text)


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
