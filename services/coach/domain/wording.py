"""How the coach names channels to people: "an email drill", "a web form drill", "an SMS drill".

Channel values are identifiers ("web_form", "sms"); shown to an agent they read as code, and a
fixed "a {channel}" gets the article wrong for "email" and "SMS".
"""

from __future__ import annotations

# Each with the article it takes when spoken: by sound, not by letter ("an SMS").
_CHANNELS: dict[str, tuple[str, str]] = {
    "email": ("an", "email"),
    "chat": ("a", "chat"),
    "messaging": ("a", "messaging"),
    "voice": ("a", "phone call"),
    "social": ("a", "social media"),
    "sms": ("an", "SMS"),
    "web_form": ("a", "web form"),
    "other": ("an", "other-channel"),
}


def channel_name(channel: str) -> str:
    """The channel as people say it ("web form", "SMS"), for any value, known or not."""
    known = _CHANNELS.get(str(channel))
    return known[1] if known else str(channel).replace("_", " ")


def channel_drill(channel: str) -> str:
    """The drill with its article: "an email drill", "a web form drill"."""
    known = _CHANNELS.get(str(channel))
    if known:
        article, name = known
    else:
        name = channel_name(channel)
        article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name} drill"
