"""The set-up guide shows the body templates the parsers expect, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.ingest.providers import PROVIDER_NAMES
from services.ingest.providers.freshdesk import BODY_TEMPLATE as FRESHDESK
from services.ingest.providers.gorgias import BODY_TEMPLATE as GORGIAS
from services.ingest.providers.zendesk_trigger import TRIGGER_TEMPLATE as ZENDESK
from services.ingest.settings import secret_variable

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "ingest" / "setup.md"


@pytest.mark.parametrize("template", [ZENDESK, FRESHDESK, GORGIAS])
def test_the_guide_shows_each_template_as_the_parser_expects_it(template: object) -> None:
    assert json.dumps(template, indent=2) in GUIDE.read_text()


def test_the_guide_names_every_provider_and_its_secret_variable() -> None:
    guide = GUIDE.read_text()
    for provider in PROVIDER_NAMES:
        assert f"/webhooks/{provider}" in guide
        assert secret_variable(provider) in guide
