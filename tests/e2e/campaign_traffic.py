"""Realistic webhook traffic for the fault campaign, grown from recorded deliveries.

The recorded conversations (``tests/ingest/fixtures/<provider>/`` and the sample in
``deploy/sample/traffic/``) are the templates. Each copy of a template is a new conversation: every
id the platform put in it (conversation, message, event, customer) gets a variant unique to the
copy, agents are spread over a small pool per recorded agent (so profiles collect enough scores
for drills), and the free text is varied with a few word swaps. Ids are replaced where a platform
writes them: a whole JSON value, the tail of a value such as ``zen:ticket:51001``, or (in the
Salesforce XML) a whole token.

Every generated delivery is parsed with ingest's own providers before anything is sent: the copy
must give the template's outcomes, and every event id and message id must be new. Those parsed
event ids are what a 2xx answer to the delivery stands for in the accounting.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from services.ingest.delivery_files import RecordedDelivery, encode_body, load_deliveries
from services.ingest.providers import build_providers
from services.ingest.providers.base import Challenge, Deferred, Normalised, Provider
from shared.events import InteractionEvent
from tests.ingest.support import FIXTURES, SALESFORCE_ORG, delivery_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "deploy" / "sample" / "traffic"
# HubSpot events carry no message text (ingest fetches it from HubSpot's API): left out here.
LEFT_OUT = frozenset({"hubspot"})
AGENT_POOL = 4

# Word swaps for the free text; whole words, case as written.
SWAPS: dict[str, tuple[str, ...]] = {
    "Hi": ("Hi", "Hello", "Hey"),
    "really": ("really", "truly", "honestly"),
    "today": ("today", "this morning", "right away"),
    "sorry": ("sorry", "so sorry", "very sorry"),
    "Thanks": ("Thanks", "Thank you", "Many thanks"),
    "order": ("order", "purchase", "order"),
    "please": ("please", "kindly", "please"),
    "Friday": ("Friday", "Monday", "Thursday"),
    "Tuesday": ("Tuesday", "Wednesday", "Saturday"),
    "twice": ("twice", "two times", "twice over"),
    "help": ("help", "assist", "help"),
    "app": ("app", "mobile app", "application"),
}
_SWAP_WORDS = re.compile(r"(?<![A-Za-z])(" + "|".join(SWAPS) + r")(?![A-Za-z])")
# The Salesforce XML's free text: only inside these elements (numbers elsewhere are namespaces).
_XML_TEXT = re.compile(r"(<sf:(?:TextBody|HtmlBody|Subject)>)(.*?)(</sf:\w+>)", re.DOTALL)
_NUMBER_IN_TEXT = re.compile(r"(?<![\w.+-])\d{4}(?![\w.-])")


@dataclass(frozen=True)
class Delivery:
    recorded: RecordedDelivery
    event_ids: tuple[str, ...]  # what a 2xx answer to this delivery stands for


@dataclass(frozen=True)
class Conversation:
    provider: str
    template: str
    deliveries: tuple[Delivery, ...]


@dataclass(frozen=True)
class Template:
    name: str
    provider: str
    deliveries: tuple[RecordedDelivery, ...]
    event_counts: tuple[int, ...]  # events each delivery gives
    tokens: frozenset[str]  # ids that vary per copy
    agent_tokens: frozenset[str]  # ids of agents: varied over the agent pool


def campaign_traffic(conversations: int, *, seed: int = 7) -> list[Conversation]:
    """``conversations`` new conversations, round-robin over the templates, checked as above."""
    providers = build_providers(salesforce_org_ids=(SALESFORCE_ORG,))
    templates = load_templates(providers)
    rng = random.Random(seed)
    traffic: list[Conversation] = []
    seen_events: set[str] = set()
    seen_messages: set[str] = set()
    for copy in range(conversations):
        template = templates[copy % len(templates)]
        deliveries = []
        for recorded, expected in zip(_copy(template, copy, rng), template.event_counts,
                                      strict=True):
            events = _events(providers, recorded)
            fresh = [event.event_id for event in events]
            messages = [m.message_id for event in events for m in event.messages]
            if len(events) != expected:
                raise AssertionError(f"{template.name} copy {copy}: {recorded.source} gives "
                                     f"{len(events)} events, the recording {expected}")
            if seen_events.intersection(fresh) or len(set(fresh)) != len(fresh):
                raise AssertionError(f"{template.name} copy {copy}: event ids repeat: {fresh}")
            if seen_messages.intersection(messages):
                raise AssertionError(f"{template.name} copy {copy}: message ids repeat")
            seen_events.update(fresh)
            seen_messages.update(messages)
            deliveries.append(Delivery(recorded, tuple(fresh)))
        traffic.append(Conversation(template.provider, template.name, tuple(deliveries)))
    return traffic


def load_templates(providers: dict[str, Provider]) -> list[Template]:
    folders = [path for path in sorted(FIXTURES.iterdir())
               if path.is_dir() and path.name in providers and path.name not in LEFT_OUT]
    templates: list[Template] = []
    for folder in [*folders, SAMPLE]:
        templates.extend(_templates_in(folder, providers))
    return templates


def _templates_in(folder: Path, providers: dict[str, Provider]) -> Iterator[Template]:
    """The folder's deliveries grouped by conversation, in message order; a delivery with no
    content (a status change, a ping) stays with its provider's conversation before it."""
    groups: dict[str, list[tuple[RecordedDelivery, list[InteractionEvent]]]] = {}
    last: dict[str, str] = {}
    for recorded in load_deliveries(folder):
        if recorded.provider in LEFT_OUT:
            continue
        parsed = providers[recorded.provider].parse(delivery_of(recorded))
        if isinstance(parsed, Challenge):
            continue
        events = [o.event for o in parsed if isinstance(o, Normalised)]
        if events:
            key = f"{folder.name}/{events[0].kafka_key()}"
        elif recorded.provider in last:
            key = last[recorded.provider]
        else:
            continue
        last[recorded.provider] = key
        groups.setdefault(key, []).append((recorded, events))
    for name, members in groups.items():
        ordered = _chronological(members)
        tokens: set[str] = set()
        agents: set[str] = set()
        for _recorded, events in ordered:
            for event in events:
                tokens.add(_tail(event.kafka_key()))
                tokens.add(_tail(event.event_id))
                for message in event.messages:
                    tokens.add(_tail(message.message_id))
                    if message.author_id and message.author_role.value == "agent":
                        agents.add(_tail(message.author_id))
                    elif message.author_id:
                        tokens.add(_tail(message.author_id))
        yield Template(name=name, provider=ordered[0][0].provider,
                       deliveries=tuple(recorded for recorded, _ in ordered),
                       event_counts=tuple(len(events) for _, events in ordered),
                       tokens=frozenset(tokens - agents), agent_tokens=frozenset(agents))


def _chronological(members: list[tuple[RecordedDelivery, list[InteractionEvent]]]
                   ) -> list[tuple[RecordedDelivery, list[InteractionEvent]]]:
    """Sorted by their messages' time; one without messages keeps the time of the one before."""
    keyed: list[tuple[datetime | None, int]] = []
    previous: datetime | None = None
    for index, (_recorded, events) in enumerate(members):
        times = [m.created_at for e in events for m in e.messages]
        previous = min(times) if times else previous
        keyed.append((previous, index))
    floor = min((moment for moment, _ in keyed if moment is not None), default=None)
    order = sorted(keyed, key=lambda item: (item[0] or floor or datetime.min, item[1]))
    return [members[index] for _, index in order]


def _tail(qualified: str) -> str:
    return qualified.rsplit(":", 1)[-1]


def _copy(template: Template, copy: int, rng: random.Random) -> list[RecordedDelivery]:
    pool = rng.randrange(AGENT_POOL)
    mapping = {token: _variant(token, copy) for token in template.tokens}
    mapping |= {token: _agent_variant(token, pool) for token in template.agent_tokens}
    copied = []
    for recorded in template.deliveries:
        if recorded.body.lstrip().startswith(b"<"):  # Salesforce's SOAP XML
            text = recorded.body.decode("utf-8")
            for token, variant in mapping.items():
                text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(token)}(?![A-Za-z0-9])", variant, text)
            body = _XML_TEXT.sub(lambda m: m.group(1) + _vary_text(m.group(2), copy)
                                 + m.group(3), text).encode("utf-8")
        else:
            body = encode_body(_rewrite(json.loads(recorded.body), mapping, copy))
        copied.append(RecordedDelivery(provider=recorded.provider, body=body,
                                       headers={name: mapping.get(value, value) for name, value
                                                in recorded.headers.items()},
                                       query=recorded.query,
                                       description=recorded.description,
                                       source=f"{recorded.source}#{copy}"))
    return copied


def _variant(token: str, copy: int) -> str:
    return f"9{copy:05d}{token}" if token.isdigit() else f"{token}-c{copy:05d}"


def _agent_variant(token: str, pool: int) -> str:
    if pool == 0:
        return token
    return f"8{pool}{token}" if token.isdigit() else f"{token}-a{pool}"


def _rewrite(value: Any, mapping: dict[str, str], copy: int) -> Any:
    if isinstance(value, dict):
        return {key: _rewrite(item, mapping, copy) for key, item in value.items()}
    if isinstance(value, list):
        return [_rewrite(item, mapping, copy) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        variant = mapping.get(str(value))
        return int(variant) if variant is not None and variant.isdigit() else value
    if isinstance(value, str):
        if value in mapping:
            return mapping[value]
        for separator in (":", "/"):
            head, _, tail = value.rpartition(separator)
            if head and tail in mapping:
                return f"{head}{separator}{mapping[tail]}"
        if value.count(" ") >= 3:
            return _vary_text(value, copy)
    return value


def _vary_text(text: str, copy: int) -> str:
    text = _SWAP_WORDS.sub(lambda m: SWAPS[m.group(1)][copy % len(SWAPS[m.group(1)])], text)
    return _NUMBER_IN_TEXT.sub(lambda m: str(1000 + (int(m.group(0)) * 31 + copy) % 9000), text)


def _events(providers: dict[str, Provider], recorded: RecordedDelivery
            ) -> list[InteractionEvent]:
    parsed = providers[recorded.provider].parse(delivery_of(recorded))
    if isinstance(parsed, Challenge) or any(isinstance(o, Deferred) for o in parsed):
        raise AssertionError(f"{recorded.source} is no longer plain content")
    return [o.event for o in parsed if isinstance(o, Normalised)]
