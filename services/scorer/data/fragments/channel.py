"""Registers a reply can be written in, and which register each channel expects.

A register is a greeting and a sign-off wrapped around the same moves. "letter" is the formal
email register; in chat or SMS it reads stiff. "bare" has no greeting at all: fine in SMS, curt as
the answer to a formal email complaint. "voice" is a call transcript.
"""

from __future__ import annotations

GREETINGS: dict[str, tuple[str, ...]] = {
    "letter": (
        "Dear {name},\n\nThank you for your message regarding {generic_object}.",
        "Dear {name} {family},\n\nI am writing in response to your recent message.",
        "Dear {name},",
    ),
    "conversational": ("Hi {name},", "Hi {name}!", "Hello {name},", "Hey {name},"),
    "bare": ("",),
    "voice": ("Okay, thanks for holding, {name}.", "Right, {name}, thanks for bearing with me.",
              "Mm-hm, okay, {name}."),
    "social": ("Hi {name},", "Hey {name},", "@{handle}"),
}
SIGN_OFFS: dict[str, tuple[str, ...]] = {
    "letter": (
        "Kind regards,\n{agent}\n{company} Customer Care",
        "Yours sincerely,\n{agent}\nCustomer Relations, {company}",
    ),
    "conversational": ("Thanks, {agent}", "", "Best, {agent}", ""),
    "bare": ("",),
    "voice": ("Is there anything else I can help with today?", "Okay, thanks for calling."),
    "social": ("^{initials}", "", "— {agent}"),
}
# (register, probability) per channel; the off-norm registers make the channel-mismatch cases.
CHANNEL_REGISTERS: dict[str, tuple[tuple[str, float], ...]] = {
    "email": (("letter", 0.5), ("conversational", 0.38), ("bare", 0.12)),
    "web_form": (("letter", 0.5), ("conversational", 0.38), ("bare", 0.12)),
    "chat": (("conversational", 0.6), ("bare", 0.25), ("letter", 0.15)),
    "messaging": (("conversational", 0.6), ("bare", 0.25), ("letter", 0.15)),
    "sms": (("bare", 0.6), ("conversational", 0.3), ("letter", 0.1)),
    "social": (("social", 0.75), ("bare", 0.13), ("letter", 0.12)),
    "voice": (("voice", 0.85), ("letter", 0.15)),
    "other": (("conversational", 0.5), ("letter", 0.25), ("bare", 0.25)),
}
CHANNEL_WEIGHTS: dict[str, float] = {
    "email": 0.22, "chat": 0.22, "messaging": 0.07, "voice": 0.14, "social": 0.11, "sms": 0.12,
    "web_form": 0.07, "other": 0.05,
}
SHORT_CHANNELS = frozenset({"sms", "social"})
CONVERSATIONAL_CHANNELS = frozenset({"chat", "messaging", "sms", "social"})
FORMAL_CHANNELS = frozenset({"email", "web_form"})

# Spoken agents fill pauses; transcripts keep them. They never change a label.
VOICE_FILLERS: tuple[str, ...] = ("okay, so", "right, um,", "so, yeah,", "um,", "okay,")
