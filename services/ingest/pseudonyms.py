"""Pseudonyms for people known only by an address (e-mail, phone handle): keyed and versioned.

The current form is ``p-`` and 24 hex digits of HMAC-SHA256 under
``RAPPORT_INGEST_PSEUDONYM_KEY`` over the address in one canonical form (Unicode NFKC, edge
space trimmed, case folded). Without the key nobody can test a list of candidate addresses
against it. Redaction (e-mail-shaped ids and tags) and the providers (a requester's address as
customer id) use the same function, so one address gets one pseudonym whichever way it came in.

The prefix is the version. ``h-`` and 16 hex digits is the retired form: an unkeyed SHA-256 of
the lower-cased address, which the Freshdesk, Front and Salesforce normalisers wrote as customer
ids before this change. It is reversible by anyone with candidate addresses, so it is never
written again; ``legacy_pseudonym`` computes it only so an operator can find records stored
before the change (``python -m services.ingest pseudonyms ADDRESS``). Such records cannot be
rewritten without the address they came from and age out with the topics' and tables'
retention (docs/operations.md, "Pseudonyms").
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, field

KEYED_PREFIX = "p-"
LEGACY_PREFIX = "h-"
# Only development may use it: IngestSettings refuses the placeholder elsewhere.
DEVELOPMENT_KEY = b"changeme"


def canonical_address(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


@dataclass(frozen=True)
class Pseudonyms:
    """Turns an address into its keyed pseudonym: ``pseudonyms("dana@example.com")``."""

    key: bytes = field(default=DEVELOPMENT_KEY, repr=False)

    @classmethod
    def from_secret(cls, key: str | bytes | None) -> Pseudonyms:
        if not key:
            return cls()
        return cls(key.encode("utf-8") if isinstance(key, str) else key)

    def __call__(self, value: str) -> str:
        digest = hmac.new(self.key, canonical_address(value).encode("utf-8"), hashlib.sha256)
        return f"{KEYED_PREFIX}{digest.hexdigest()[:24]}"

    def forms(self, value: str) -> tuple[str, str]:
        """The current pseudonym and the retired one: what to look for in stored data."""
        return self(value), legacy_pseudonym(value)


def legacy_pseudonym(value: str) -> str:
    """The retired unkeyed form, for finding old records only; never write it."""
    digest = hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()
    return f"{LEGACY_PREFIX}{digest[:16]}"
