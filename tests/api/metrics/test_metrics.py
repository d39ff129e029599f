"""GET /metrics (METRICS_TOKEN), the request id's round trip, JSON logs, the worker's counters."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import generate_latest

from api.logs import JsonFormatter
from api.metrics import REGISTRY
from api.privacy import install_log_masking, mask_text
from api.request_id import accept_or_new, new_request_id
from api.settings import DEV_METRICS_TOKEN, SettingsError, load_settings
from devtools.fake_rasa import FakeRasa
from tests.production import PRODUCTION

METRICS_AUTH = {"Authorization": f"Bearer {DEV_METRICS_TOKEN}"}
NEW_ID = re.compile(r"[a-z2-7]{26}")


def sample(name: str, **labels: str) -> float:
    value = REGISTRY.get_sample_value(name, labels)
    return value or 0.0


@pytest.fixture
def chat(app_factory: Callable[..., FastAPI], rasa: FakeRasa) -> Callable[..., TestClient]:
    def build(**overrides: Any) -> TestClient:
        return TestClient(app_factory(**{"rasa_url": rasa.url, "outbound_sweep_seconds": 0, **overrides}))

    return build


def test_metrics_wants_its_token(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # An integration token is not the metrics token: operational data is for the scraper only.
    refused = client.get("/metrics", headers=auth_headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    answered = client.get("/metrics", headers=METRICS_AUTH)
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith("text/plain")
    assert 'outbound_queue_depth{status="queued"}' in answered.text


def test_production_refuses_the_development_metrics_token() -> None:
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        load_settings(**{**PRODUCTION, "metrics_token": DEV_METRICS_TOKEN})
    assert load_settings(**PRODUCTION).metrics_token == "m" * 40


def test_latency_is_labelled_by_the_route_template(client: TestClient, auth_headers: dict[str, str]) -> None:
    before = sample("api_request_duration_seconds_count", route="/v1/claims/{claim_id}", method="GET", status="4xx")
    assert client.get("/v1/claims/987654321", headers=auth_headers).status_code == 404
    client.get("/no/such/route/123456")
    text = client.get("/metrics", headers=METRICS_AUTH).text
    assert (
        sample("api_request_duration_seconds_count", route="/v1/claims/{claim_id}", method="GET", status="4xx")
        == before + 1
    )
    assert "987654321" not in text and "123456" not in text  # never the raw path: unbounded labels
    assert 'route="unmatched"' in text


def test_abstentions_are_counted(client: TestClient, auth_headers: dict[str, str]) -> None:
    answers, abstained = sample("answers_total"), sample("answers_abstained_total")
    body = client.post("/v1/answers", json={"message": "今天天气怎么样"}, headers=auth_headers).json()
    assert sample("answers_total") == answers + 1
    assert sample("answers_abstained_total") == abstained + (1 if body["abstained"] else 0)


def test_chat_turns_and_fallbacks_are_counted(chat: Callable[..., TestClient]) -> None:
    turns = sample("chat_turns_total", channel="web")
    down = sample("chat_fallbacks_total", channel="web", reason="unavailable")
    with chat() as client:
        client.post("/v1/chat", json={"sender": "web-m-0123456789ab", "message": "失业金怎么领"})
    with chat(rasa_url="http://127.0.0.1:9") as client:  # nothing listens: the engine is down
        client.post("/v1/chat", json={"sender": "web-m-0123456789ab", "message": "失业金怎么领"})
    assert sample("chat_turns_total", channel="web") == turns + 2
    assert sample("chat_fallbacks_total", channel="web", reason="unavailable") == down + 1


def test_request_id_is_echoed_logged_and_given_to_rasa(
    chat: Callable[..., TestClient], rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with chat() as client:
        given = client.post(
            "/v1/chat",
            json={"sender": "web-r-0123456789ab", "message": "你好"},
            headers={"X-Request-ID": "turn-42.a_b"},
        )
        bad = client.post(
            "/v1/chat", json={"sender": "web-r-0123456789ab", "message": "你好"}, headers={"X-Request-ID": "x" * 65}
        )
        none = client.get("/healthz")
    assert given.headers["x-request-id"] == "turn-42.a_b"
    assert NEW_ID.fullmatch(bad.headers["x-request-id"])
    assert NEW_ID.fullmatch(none.headers["x-request-id"])
    assert rasa.request_ids == ["turn-42.a_b", bad.headers["x-request-id"]]
    turn = [r for r in caplog.records if r.name == "api.chat.service" and "message from" in r.getMessage()]
    assert [getattr(r, "request_id", None) for r in turn] == ["turn-42.a_b", bad.headers["x-request-id"]]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("abc-DEF_1.2", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("a b", False),
        ("a\nb", False),
        ("", False),
        ("中文", False),
        (None, False),
    ],
)
def test_request_ids_are_checked(given: str | None, kept: bool) -> None:
    result = accept_or_new(given)
    assert (result == given) is kept
    if not kept:
        assert NEW_ID.fullmatch(result)


def test_json_logs_are_masked_and_carry_the_request_id() -> None:
    install_log_masking()
    record = logging.getLogger("api.test").makeRecord(
        "api.test", logging.INFO, __file__, 1, "claimant %s phone %s", ("110105199003071234", "13812345678"), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"ts", "level", "logger", "message", "request_id"}
    assert line["message"] == "claimant 1101**********1234 phone 138****5678"
    assert line["level"] == "INFO" and line["logger"] == "api.test" and line["request_id"] is None


def test_the_registry_exposes_only_our_metrics() -> None:
    names = {m.name for m in REGISTRY.collect()}
    assert "api_request_duration_seconds" in names and "outbound_queue_depth" in names
    assert not any(n.startswith(("python_", "process_")) for n in names)
    assert generate_latest(REGISTRY)


def test_new_request_ids_never_look_like_personal_data() -> None:
    ids = [new_request_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)
    assert [i for i in ids if mask_text(f"id {i} end") != f"id {i} end"] == []
