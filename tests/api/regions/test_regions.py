"""GET /v1/regions: public list of the rule sets and their documents."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_lists_every_rule_set_without_auth(client: TestClient) -> None:
    resp = client.get("/v1/regions")
    assert resp.status_code == 200
    body = resp.json()
    by_code = {r["code"]: r for r in body["regions"]}
    assert set(by_code) == {"CN", "120000", "210000", "500000", "370000", "371500", "150000"}
    assert by_code["371500"]["parent"] == "370000" and by_code["371500"]["inherits"] == ["370000", "CN"]
    tianjin = by_code["120000"]["documents"][0]
    assert (tianjin["effective_from"], tianjin["effective_to"]) == ("2026-01-01", "2028-12-31")
    assert by_code["500000"]["documents"][0]["document"] == "渝人社办〔2025〕112号"
    assert "当地规定可能不同" in body["note"]
    assert body["rule_base_version"]
