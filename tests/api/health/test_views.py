from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz_names_the_failed_part(client: TestClient) -> None:
    # The database is up, Redis is not configured, and no dialogue engine runs in this test.
    r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["failed"] == ["dialogue_engine"]
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True, "configured": False}


def test_readyz_checks_configured_redis(app_factory, redis_url: str) -> None:
    app = app_factory(redis_url=redis_url)
    with TestClient(app) as c:
        body = c.get("/readyz").json()
    assert body["checks"]["redis"] == {"ok": True, "configured": True}


def test_readyz_reports_unreachable_redis(app_factory) -> None:
    app = app_factory(redis_url="redis://127.0.0.1:9/0")
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503
    assert "redis" in r.json()["failed"]
