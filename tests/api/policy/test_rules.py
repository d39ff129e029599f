"""GET /v1/rules/{region}?on=: the rules in force with their citations."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import DEV_AUTH


def _rules(client: TestClient, region: str, on: str) -> dict[str, dict]:  # type: ignore[type-arg]
    resp = client.get(f"/v1/rules/{region}", params={"on": on}, headers=DEV_AUTH)
    assert resp.status_code == 200, resp.text
    return {r["key"]: r for r in resp.json()["rules"]}


def test_tianjin_before_and_after_its_notice(client: TestClient) -> None:
    before = _rules(client, "120000", "2025-12-31")
    after = _rules(client, "天津", "2026-01-01")
    assert before["risk.short_term"]["region_code"] == "CN"
    assert "risk.short_term_local" not in before
    # Tianjin's own short-term check adds to the national one (60号 七), it does not replace it.
    assert after["risk.short_term"]["region_code"] == "CN"
    assert after["risk.short_term_local"]["region_code"] == "120000"
    assert after["stop.events"]["replaces"] == "CN:stop.events"
    assert after["monthly.window"]["value"] == {"start_day": 5, "end_day": 25}
    assert "monthly.window" not in before
    for rule in after.values():
        assert rule["citations"] and all(c["quote"] for c in rule["citations"])


def test_chongqing_review_days(client: TestClient) -> None:
    assert _rules(client, "500000", "2025-07-31")["review.working_days"]["value"] == 10
    assert _rules(client, "重庆", "2025-08-01")["review.working_days"]["value"] == 7


def test_a_city_resolves_to_its_layer(client: TestClient) -> None:
    resp = client.get("/v1/rules/沈阳", params={"on": "2026-03-01"}, headers=DEV_AUTH)
    assert resp.json()["region"]["code"] == "210000"


def test_auth_and_errors(client: TestClient) -> None:
    assert client.get("/v1/rules/120000", params={"on": "2026-03-01"}).status_code == 401
    unknown = client.get("/v1/rules/不存在的地方", params={"on": "2026-03-01"}, headers=DEV_AUTH)
    assert unknown.status_code == 422 and "region" in unknown.json()["error"]["fields"]
    bad_date = client.get("/v1/rules/120000", params={"on": "2026-02-30"}, headers=DEV_AUTH)
    assert bad_date.status_code == 422 and "on" in bad_date.json()["error"]["fields"]
