"""Salesforce Service Cloud: Outbound Messages (SOAP 1.1), answered with ``<Ack>true</Ack>``.

Salesforce signs nothing. A delivery is accepted when its ``OrganizationId`` is on the
allow-list (``RAPPORT_INGEST_SALESFORCE_ORG_IDS``) and the endpoint URL's ``?token=`` matches
``RAPPORT_WEBHOOK_SECRET_SALESFORCE`` (the URL is the only thing an outbound message lets an
admin choose). One request carries up to 100 notifications; each dedupes on its ``Id``, which
Salesforce keeps across its retries. Anything but the acknowledgement makes Salesforce retry.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from functools import partial

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, InvalidPayload, MalformedBody
from services.ingest.providers.base import (
    Delivery,
    Ignored,
    Normalised,
    Outcome,
    ParseResult,
    Reply,
)
from services.ingest.providers.building import (
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.pseudonyms import Pseudonyms
from services.ingest.signatures import SignatureRejected, check_token
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "salesforce"
OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
ACK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soapenv:Body>"
    b'<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
    b"<Ack>true</Ack>"
    b"</notificationsResponse>"
    b"</soapenv:Body>"
    b"</soapenv:Envelope>"
)
ACTOR_ROLES: dict[str, AuthorRole] = {
    "agent": AuthorRole.AGENT, "supervisor": AuthorRole.AGENT, "bot": AuthorRole.BOT,
    "chatbot": AuthorRole.BOT, "enduser": AuthorRole.CUSTOMER, "system": AuthorRole.SYSTEM,
}
# Entity expansion and external entities have no place in an outbound message.
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def org_matches(org_id: str, allowed: tuple[str, ...]) -> bool:
    """Salesforce ids come as 15 (case-sensitive) or 18 characters; the first 15 identify."""
    return any(org_id[:15] == candidate[:15] for candidate in allowed if len(candidate) >= 15)


class SalesforceProvider:
    name = NAME
    success_reply: Reply | None = Reply(ACK, "text/xml; charset=utf-8")

    def __init__(self, allowed_org_ids: tuple[str, ...], pseudonyms: Pseudonyms) -> None:
        self.allowed_org_ids = allowed_org_ids
        self.pseudonyms = pseudonyms

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        token = delivery.query.get("token")
        if not token:
            raise SignatureRejected("missing ?token= in the endpoint URL")
        check_token(secret, token)
        if not self.allowed_org_ids:
            raise SignatureRejected("no organisation is allowed: set "
                                    "RAPPORT_INGEST_SALESFORCE_ORG_IDS")
        try:
            org_id = _organization_id(_notifications(delivery.body))
        except (MalformedBody, InvalidPayload):
            raise SignatureRejected("no OrganizationId to check against the allow-list") from None
        if not org_matches(org_id, self.allowed_org_ids):
            raise SignatureRejected("OrganizationId is not on the allow-list")

    def parse(self, delivery: Delivery) -> ParseResult:
        notifications = _notifications(delivery.body)
        org_id = _organization_id(notifications)
        outcomes: list[Outcome] = []
        for index, notification in enumerate(notifications.iter(f"{{{OUTBOUND_NS}}}Notification")):
            outcomes.append(_notification(notification, index, org_id, delivery,
                                          self.pseudonyms))
        return outcomes or [Ignored("the message holds no notifications")]


def _notifications(body: bytes) -> ElementTree.Element:
    if _DTD.search(body):
        raise MalformedBody("document type declarations are not accepted")
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, LookupError, ValueError):
        # LookupError / ValueError: an unknown or multi-byte encoding in the XML declaration.
        raise MalformedBody("body is not valid XML") from None
    found = root.find(f".//{{{OUTBOUND_NS}}}notifications")
    if found is None:
        raise InvalidPayload("notifications", "no outbound-message notifications element")
    return found


def _organization_id(notifications: ElementTree.Element) -> str:
    fields = Fields({"OrganizationId": _text(notifications, "OrganizationId")}, "notifications")
    return fields.ident("OrganizationId")


def _text(element: ElementTree.Element, local_name: str) -> str | None:
    child = element.find(f"{{{OUTBOUND_NS}}}{local_name}")
    return child.text if child is not None else None


def _sobject_fields(sobject: ElementTree.Element, path: str) -> Fields:
    """The record's fields by local name (the enterprise and partner WSDLs differ in prefix)."""
    values = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in sobject}
    return Fields(values, path)


def _notification(notification: ElementTree.Element, index: int, org_id: str,
                  delivery: Delivery, pseudonyms: Pseudonyms) -> Outcome:
    path = f"Notification[{index}]"
    notification_id = Fields({"Id": _text(notification, "Id")}, path).ident("Id")
    sobject = notification.find(f"{{{OUTBOUND_NS}}}sObject")
    if sobject is None:
        raise InvalidPayload(f"{path}.sObject", "required record is missing")
    record_type = (sobject.get(XSI_TYPE) or "").rsplit(":", 1)[-1]
    record = _sobject_fields(sobject, f"{path}.sObject")
    builders: dict[str, Callable[[Fields, str], Built]] = {
        "EmailMessage": partial(_email_message, pseudonyms=pseudonyms),
        "ConversationEntry": _conversation_entry, "CaseComment": _case_comment}
    builder = builders.get(record_type)
    if builder is None:
        return Ignored(f"{record_type or 'untyped'} records carry no conversation content")
    built = builder(record, org_id)
    if built is None:
        return Ignored(f"the {record_type} has no text")
    conversation, message = built
    return Normalised(InteractionEvent(
        event_id=event_key(NAME, org_id, notification_id), provider=NAME, account=org_id,
        event_type=f"outbound_message.{record_type}", occurred_at=message.created_at,
        received_at=delivery.received_at, conversation=conversation, messages=(message,),
    ))


Built = tuple[Conversation, Message] | None


def _email_message(record: Fields, org_id: str, *, pseudonyms: Pseudonyms) -> Built:
    html, text = record.opt_text("HtmlBody"), record.opt_text("TextBody")
    body = body_text(text, html=False) if text else body_text(html or "", html=True)
    if not body:
        return None
    case_id = record.ident("ParentId")
    incoming = (record.opt_text("Incoming") or "").lower() == "true"
    sender = record.opt_text("FromAddress")
    author = (pseudonyms(sender) if sender else None) if incoming else \
        record.opt_ident("CreatedById")
    return (
        Conversation(conversation_id=case_id, channel=Channel.EMAIL,
                     subject=record.opt_text("Subject") or None),
        Message(message_id=message_key(NAME, org_id, case_id, record.ident("Id")),
                author_role=AuthorRole.CUSTOMER if incoming else AuthorRole.AGENT,
                author_id=qualified_user(NAME, org_id, author), body=body, public=True,
                created_at=record.opt_time("MessageDate") or record.time("CreatedDate")),
    )


def _conversation_entry(record: Fields, org_id: str) -> Built:
    body = body_text(record.opt_text("Message") or "", html=False)
    if not body:
        return None
    conversation_id = record.ident("ConversationId")
    role = ACTOR_ROLES.get((record.opt_text("ActorType") or "").lower(), AuthorRole.SYSTEM)
    return (
        Conversation(conversation_id=conversation_id, channel=Channel.MESSAGING),
        Message(message_id=message_key(NAME, org_id, conversation_id, record.ident("Id")),
                author_role=role,
                author_id=qualified_user(NAME, org_id, record.opt_ident("ActorId"))
                if role in (AuthorRole.AGENT, AuthorRole.CUSTOMER) else None,
                body=body, public=True,
                created_at=record.opt_time("EntryTime") or record.time("CreatedDate")),
    )


def _case_comment(record: Fields, org_id: str) -> Built:
    body = body_text(record.opt_text("CommentBody") or "", html=False)
    if not body:
        return None
    case_id = record.ident("ParentId")
    return (
        Conversation(conversation_id=case_id, channel=Channel.OTHER),
        Message(message_id=message_key(NAME, org_id, case_id, record.ident("Id")),
                author_role=AuthorRole.AGENT,
                author_id=qualified_user(NAME, org_id, record.opt_ident("CreatedById")),
                body=body,
                public=(record.opt_text("IsPublished") or "").lower() == "true",
                created_at=record.time("CreatedDate")),
    )
