"""What Zendesk webhooks and the Zendesk backfill share: names, channel and role maps."""

from __future__ import annotations

from shared.events import Channel

NAME = "zendesk"
# Zendesk's "system" user (automations, merges) is -1.
SYSTEM_USER = "-1"

# ``via.channel`` (and the trigger placeholder ``{{ticket.via}}``, lower-cased, spaces to _).
CHANNELS: dict[str, Channel] = {
    "email": Channel.EMAIL, "mail": Channel.EMAIL,
    "web": Channel.WEB_FORM, "web_form": Channel.WEB_FORM, "help_center": Channel.WEB_FORM,
    "chat": Channel.CHAT, "chat_transcript": Channel.CHAT,
    "native_messaging": Channel.MESSAGING, "messaging": Channel.MESSAGING,
    "whatsapp": Channel.MESSAGING, "line": Channel.MESSAGING, "wechat": Channel.MESSAGING,
    "facebook_message": Channel.MESSAGING, "instagram_dm": Channel.MESSAGING,
    "mobile_sdk": Channel.MESSAGING, "sunshine_conversations_facebook_messenger": Channel.MESSAGING,
    "twitter": Channel.SOCIAL, "twitter_dm": Channel.SOCIAL, "twitter_favorite": Channel.SOCIAL,
    "facebook_post": Channel.SOCIAL, "facebook": Channel.SOCIAL, "any_channel": Channel.SOCIAL,
    "voice": Channel.VOICE, "voicemail": Channel.VOICE, "phone_call_inbound": Channel.VOICE,
    "phone_call_outbound": Channel.VOICE, "phone": Channel.VOICE,
    "sms": Channel.SMS, "text": Channel.SMS,
}
