"""One module per helpdesk, each implementing ``Provider`` (verify, then parse)."""

from __future__ import annotations

from services.ingest.providers.base import Provider
from services.ingest.providers.chatwoot import ChatwootProvider
from services.ingest.providers.freshdesk import FreshdeskProvider
from services.ingest.providers.front import FrontProvider
from services.ingest.providers.generic import GenericProvider
from services.ingest.providers.gorgias import GorgiasProvider
from services.ingest.providers.helpscout import HelpScoutProvider
from services.ingest.providers.hubspot import HubSpotProvider
from services.ingest.providers.intercom import IntercomProvider
from services.ingest.providers.salesforce import SalesforceProvider
from services.ingest.providers.zammad import ZammadProvider
from services.ingest.providers.zendesk import ZendeskProvider
from services.ingest.pseudonyms import Pseudonyms

PROVIDER_NAMES: tuple[str, ...] = (
    "zendesk", "intercom", "front", "helpscout", "chatwoot", "zammad", "hubspot", "freshdesk",
    "gorgias", "salesforce", "generic",
)


def build_providers(*, salesforce_org_ids: tuple[str, ...] = (),
                    pseudonyms: Pseudonyms | None = None) -> dict[str, Provider]:
    """``pseudonyms``: keyed with ``RAPPORT_INGEST_PSEUDONYM_KEY`` (the development key if
    None), for the platforms that name a customer only by an address."""
    keyed = pseudonyms or Pseudonyms()
    providers: list[Provider] = [
        ZendeskProvider(), IntercomProvider(), FrontProvider(keyed), HelpScoutProvider(),
        ChatwootProvider(), ZammadProvider(), HubSpotProvider(), FreshdeskProvider(keyed),
        GorgiasProvider(), SalesforceProvider(salesforce_org_ids, keyed), GenericProvider(),
    ]
    return {provider.name: provider for provider in providers}
