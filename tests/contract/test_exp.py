from __future__ import annotations
from pathlib import Path
import pytest
import schemathesis
from services.scorer.app import create_app
from tests.scorer_service.fakes import FakeScorer
from tests.scorer_service.streaming import scorer_settings
from shared.settings import KafkaSettings

TOKEN = "scorer-token-0123456789"

@pytest.fixture
def scorer_schema(kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str):
    app = create_app(scorer_settings(kafka_settings, tmp_path, f"s-{unique_name}", api_token=TOKEN), scorer=FakeScorer())
    config = schemathesis.Config.from_dict({"generation": {"max-examples": 30}})
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

schema = schemathesis.pytest.from_fixture("scorer_schema")

@schema.parametrize()
def test_scorer(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
