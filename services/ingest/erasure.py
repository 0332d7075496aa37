"""``python -m services.ingest erase``: ingest stores nothing about a person to remove.

The delivery ledger is keyed by the helpdesks' delivery ids (``zendesk:<webhook id>``, or a hash
of the content for helpdesks that send none) and the backfill cursors by helpdesk account; no
agent or customer id is written to either (``tests/ingest/test_erasure.py`` checks it after real
deliveries). The command still answers, so an erasure runbook is the same for every service.
What ingest published lives on in Kafka until the topics' retention removes it.
"""

from __future__ import annotations

from services.ingest.backfill.cursors import cursors
from services.ingest.deliveries import deliveries
from shared.erasure import ErasureStep, Person

NO_PERSON_IDS = "holds no agent or customer ids"


def erasure_steps(_person: Person) -> list[ErasureStep]:
    return [ErasureStep(deliveries.name, None, NO_PERSON_IDS),
            ErasureStep(cursors.name, None, NO_PERSON_IDS)]
