"""The scorer's API against its OpenAPI document: no 5xx, every answer as documented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.core.parameters import ParameterLocation

from services.scorer.app import create_app
from services.scorer.settings import ScorerSettings
from shared.events.interactions import Channel
from shared.settings import KafkaSettings
from tests.contract.support import (
    CHECKS,
    end_lifespans,
    load_schema,
    module_kafka,
    negative_at,
)
from tests.scorer_service.fakes import FakeScorer
from tests.scorer_service.streaming import scorer_settings

pytestmark = pytest.mark.kafka

TOKEN = "scorer-api-token-for-contract-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def build(kafka: KafkaSettings, folder: Path) -> FastAPI:
    settings: ScorerSettings = scorer_settings(kafka, folder, "contract-scorer", api_token=TOKEN)
    return create_app(settings, scorer=FakeScorer())


schema, under_test = load_schema(build(KafkaSettings(), Path("unused")))


@pytest.fixture(scope="module")
def scorer_app(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    under_test.app = build(module_kafka(kafka_bootstrap), tmp_path_factory.mktemp("scorer"))
    yield
    end_lifespans()
    under_test.app = None


@schema.hook
def flatmap_case(_context: HookContext, case: Case) -> st.SearchStrategy[Case]:
    """Most positive scoring requests name a channel the model knows: any text fits the
    document's string, but only those get past the model's own check to a score."""
    if not isinstance(case.body, dict) or "channel" not in case.body \
            or negative_at(case, ParameterLocation.BODY):
        return st.just(case)
    return st.sampled_from([case.body["channel"], *Channel]).map(
        lambda channel: _with_channel(case, channel))


def _with_channel(case: Case, channel: str) -> Case:
    case.body["channel"] = str(channel)
    return case


@schema.parametrize()
@pytest.mark.usefixtures("scorer_app")
def test_every_scorer_operation_answers_as_documented(case: Case) -> None:
    case.call_and_validate(headers=AUTH, checks=CHECKS)
