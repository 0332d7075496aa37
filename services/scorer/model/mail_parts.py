"""The words a person actually wrote in an email: no quoted earlier mail, signature or footer.

An agent's email reply often carries the customer's earlier mail below it ("On Mon, ... wrote:"
and ">" lines), a signature block and a legal footer; a customer's email quotes the agent's last
answer. None of that is the writer's own words for this message: scoring it would credit an
agent with the customer's specifics and a company's boilerplate. ``mail-parser-reply`` (a
maintained reply parser) finds the latest reply's body; the rubric then sees only that.

Only email and web-form text is parsed: chat, SMS and social messages carry no quoted mail, and
a chat line such as "Thanks," must not be taken for a sign-off.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from mailparser_reply import EmailReplyParser

from services.scorer.model.schema import ScoreRequest

MAIL_CHANNELS = frozenset({"email", "web_form"})
# The parser's header and sign-off patterns per language; support mail in Rapport's markets.
_LANGUAGES = ["en", "de", "fr", "es", "nl"]


@lru_cache(maxsize=1)
def _parser() -> EmailReplyParser:
    return EmailReplyParser(languages=_LANGUAGES)


def own_text(text: str) -> str:
    """The latest message's body; the text unchanged when nothing of it would remain."""
    replies = _parser().read(text).replies
    body = replies[0].body.strip() if replies else ""
    return body or text


def own_words(request: ScoreRequest) -> ScoreRequest:
    """The request with its reply and latest customer message cut to their writers' words."""
    if request.channel not in MAIL_CHANNELS:
        return request
    reply, customer = own_text(request.reply), own_text(request.customer)
    if reply == request.reply and customer == request.customer:
        return request
    return replace(request, reply=reply, customer=customer)
