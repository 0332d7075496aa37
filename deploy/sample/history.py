"""Replay six weeks of dated chat history for the sample team, so an experiment has data.

    python -m deploy.sample.history [--url http://127.0.0.1:8001] [--secrets-from-env]
                                    [--weeks-ago-start 6]

The deliveries are made here, dated relative to today (UTC): eight agents of the sample chat
team (``generic:sample-chat-team``, agents ``agent-41`` to ``agent-48``), three conversations
each per week for the six ISO weeks before this one. They go through the real pipeline: signed
and POSTed to ingest like any sender's (``deploy.sample.replay``), scored by the scorer, applied
by the coach, so every score on the team page was made by the model. Ingest accepts past
timestamps (only the future is refused, ``services/ingest/plausibility.py``).

The story, told by the replies themselves: agents 41 to 44 practised acknowledgment from three
weeks ago (their replies before jump straight to procedure; after, they name the customer's
situation first); agents 45 to 48 did not (the same kind of procedural replies throughout).
Every conversation carries the customer's satisfaction rating, and without the practice the
first conversation of each agent's week is reopened by the customer the next day: the
experiment's helpdesk outcomes. (These outcome figures are written into the sample to show the
page; the skill scores are the model's.)
The command prints the experiment that measures it: cohort, baseline window, practice window.
Replaying again in the same week changes nothing (the event ids repeat); a later week adds
conversations dated relative to that week.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from deploy.sample.replay import ingest_settings, replay
from services.ingest.delivery_files import RecordedDelivery, encode_body

ACCOUNT = "sample-chat-team"
TEAM = f"generic:{ACCOUNT}"
COHORT = ("agent-41", "agent-42", "agent-43", "agent-44")
COMPARISON = ("agent-45", "agent-46", "agent-47", "agent-48")
WEEKS = 6  # the first three the baseline, the last three the practice window
PER_WEEK = 3  # conversations per agent and week
# The customers' ratings by conversation slot, without practice (with it: the first two rate
# top marks); and without practice the first conversation of each week is reopened next day.
RATINGS = (("bad", 0.25), ("neutral", 0.5), ("good", 0.75))


@dataclass(frozen=True)
class Situation:
    customer: str
    procedural: str  # straight to procedure: nothing of what the customer said
    acknowledging: str  # names the situation and the feeling first, then the same step


SITUATIONS = (
    Situation("My parcel says delivered but it is not here and it was my son's birthday "
              "present.",
              "Please check with your neighbours and send me the order number.",
              "A birthday present that says delivered but never arrived is so disappointing, "
              "especially with your son waiting. Send me the order number and I'll trace it "
              "with the courier now."),
    Situation("I was charged twice for the same order and now I can't pay my rent on time.",
              "Duplicate charges are reversed within 5 to 7 working days.",
              "Being charged twice right before rent is due is really stressful, I'm sorry. "
              "I'll start the refund of the second charge now and tell you the exact date it "
              "lands."),
    Situation("This is the third time I'm writing about my broken heater and it's freezing "
              "in here.",
              "Please provide your booking reference so we can log the fault.",
              "Writing a third time while your home is freezing is exhausting, and you "
              "shouldn't have had to. I'll book the engineer myself today: what's your "
              "booking reference?"),
    Situation("My flight was cancelled and nobody told me, I'm stuck at the airport with two "
              "kids.",
              "Cancelled flights can be rebooked on the website under Manage booking.",
              "Being stranded at the airport with two kids and no warning is awful. I'll look "
              "for the next seats for the three of you right now, stay with me."),
    Situation("I've been locked out of my account for two days and my payroll runs tomorrow.",
              "Use the reset link on the sign-in page to regain access.",
              "Two days locked out with payroll due tomorrow must feel urgent, and it is. I'll "
              "unlock it with you now, it takes two minutes."),
    Situation("The sofa arrived with a big tear in it and we have guests this weekend.",
              "Damage claims need photos sent to the returns address.",
              "A torn sofa right before your guests arrive is such a letdown. I'll arrange a "
              "replacement for Friday; could you send me a photo of the tear?"),
)


def history_deliveries(today: date, *, weeks: int = WEEKS) -> list[RecordedDelivery]:
    """The sample team's conversations of the ``weeks`` ISO weeks before ``today``'s."""
    this_monday = today - timedelta(days=today.weekday())
    deliveries = []
    for week_back in range(weeks, 0, -1):
        monday = this_monday - timedelta(weeks=week_back)
        practised = week_back <= weeks // 2
        for number, agent in enumerate(COHORT + COMPARISON):
            for slot in range(PER_WEEK):
                situation = SITUATIONS[(number + slot + week_back) % len(SITUATIONS)]
                acknowledges = practised and agent in COHORT
                at = datetime.combine(monday + timedelta(days=(slot * 2 + number) % 5),
                                      time(9 + number, 10 * slot), tzinfo=UTC)
                reply = situation.acknowledging if acknowledges else situation.procedural
                rating = (("good", 1.0) if acknowledges and slot < 2 else
                          RATINGS[slot])
                deliveries.append(_delivery(agent, monday, slot, situation.customer, reply, at,
                                            rating))
                if slot == 0 and not acknowledges:  # the customer comes back the next day
                    deliveries.append(_reopened(agent, monday, slot, at + timedelta(days=1)))
    return deliveries


def windows(today: date, *, weeks: int = WEEKS) -> dict[str, date]:
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(weeks=weeks)
    middle = this_monday - timedelta(weeks=weeks // 2)
    return {"baseline_from": start, "baseline_to": middle - timedelta(days=1),
            "practice_from": middle, "practice_to": this_monday - timedelta(days=1)}


def _conversation(agent: str, monday: date, slot: int) -> tuple[str, str]:
    week = f"{monday.isocalendar().year}-w{monday.isocalendar().week:02d}"
    return week, f"hist-{week}-{agent}-{slot}"


def _reopened(agent: str, monday: date, slot: int, at: datetime) -> RecordedDelivery:
    week, conversation = _conversation(agent, monday, slot)
    body: dict[str, Any] = {
        "schema": "rapport.delivery/v1", "event_id": f"{conversation}-reopened",
        "account": ACCOUNT, "event_type": "chat.reopened", "occurred_at": _iso(at),
        "conversation": {"id": conversation, "channel": "chat", "subject": "Chat",
                         "status": "open", "assignee_id": agent,
                         "customer_id": f"cust-{conversation}", "tags": []},
        "messages": [{"id": f"{conversation}-c2", "author_role": "customer",
                      "author_id": f"cust-{conversation}", "body": "It still isn't sorted.",
                      "created_at": _iso(at)}]}
    return RecordedDelivery(provider="generic", body=encode_body(body),
                            description=f"history {week}: {agent} reopened",
                            source=f"{conversation}-reopened")


def _delivery(agent: str, monday: date, slot: int, customer: str, reply: str,
              at: datetime, rating: tuple[str, float]) -> RecordedDelivery:
    week, conversation = _conversation(agent, monday, slot)
    body: dict[str, Any] = {
        "schema": "rapport.delivery/v1", "event_id": f"{conversation}-transcript",
        "account": ACCOUNT, "event_type": "chat.closed",
        "occurred_at": _iso(at + timedelta(minutes=3)),
        "conversation": {"id": conversation, "channel": "chat", "subject": "Chat",
                         "status": "closed", "assignee_id": agent,
                         "customer_id": f"cust-{conversation}", "tags": [],
                         "satisfaction": {"rating": rating[0], "score": rating[1]}},
        "messages": [
            {"id": f"{conversation}-c1", "author_role": "customer", "body": customer,
             "author_id": f"cust-{conversation}", "created_at": _iso(at)},
            {"id": f"{conversation}-a1", "author_role": "agent", "author_id": agent,
             "body": reply, "created_at": _iso(at + timedelta(minutes=2))},
        ]}
    return RecordedDelivery(provider="generic", body=encode_body(body),
                            description=f"history {week}: {agent}", source=conversation)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.sample.history", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="ingest service base URL (default: "
                                                    "http://127.0.0.1:<RAPPORT_INGEST_PORT>)")
    parser.add_argument("--secrets-from-env", action="store_true",
                        help="require RAPPORT_WEBHOOK_SECRET_GENERIC in the environment")
    args = parser.parse_args(argv)
    today = datetime.now(UTC).date()
    settings = ingest_settings(from_env_only=args.secrets_from_env)
    url = args.url or f"http://127.0.0.1:{settings.port}"
    deliveries = history_deliveries(today)
    try:
        summary = replay(deliveries, url, from_env_only=args.secrets_from_env,
                         settings=settings)
    except httpx.TransportError as exc:
        print(f"error: cannot reach {url}: {exc}", file=sys.stderr)
        return 1
    counts = summary.get("generic")
    sent = ", ".join(f"{n} {outcome}" for outcome, n in sorted((counts or {}).items()))
    print(f"history    {len(deliveries):>3} sent: {sent}")
    spans = windows(today)
    print(f"Experiment to try on the team page of {TEAM}: skill acknowledgment, cohort "
          f"{', '.join(f'{TEAM}:{a}' for a in COHORT)}; baseline {spans['baseline_from']} to "
          f"{spans['baseline_to']}, practice {spans['practice_from']} to "
          f"{spans['practice_to']}.")
    return 1 if counts is None or counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
