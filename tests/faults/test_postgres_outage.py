"""PostgreSQL goes away under the running API: 503 with a Chinese message, nothing half-written, recovery.

The API process talks to the real PostgreSQL through a TCP proxy this test cuts
(conftest.proxied_postgres); the shared server itself is never touched.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from devtools.stack import Stack
from tests.faults.conftest import ProxiedPostgres

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

AUTH = {"Authorization": "Bearer dev-token"}


def _ticket(tag: str) -> dict[str, Any]:
    return {"category": "help", "channel": "phone", "region": "120000", "summary": f"故障测试 {tag}"}


def _post_ticket(api: str, tag: str) -> httpx.Response:
    return httpx.post(f"{api}/v1/tickets", json=_ticket(tag), headers=AUTH, timeout=30)


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()["error"]
    assert body["code"] == "database_unavailable"
    assert "12333" in body["message"] and "稍后" in body["message"]


def _incomplete_tickets(pg: ProxiedPostgres) -> list[str]:
    """Tickets missing part of what creating one writes (final number, its first event, its audit row)."""
    with pg.admin.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.id, t.number,"
                " (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id),"
                " (SELECT count(*) FROM audit_events a WHERE a.entity_type = 'ticket'"
                "    AND a.entity_id = CAST(t.id AS VARCHAR) AND a.action = 'ticket.create')"
                " FROM tickets t"
            )
        ).all()
    return [f"ticket {i} {n}: events={e} audit={a}" for i, n, e, a in rows if n.startswith("tmp-") or e < 1 or a != 1]


def _stored_summaries(pg: ProxiedPostgres) -> set[str]:
    with pg.admin.connect() as conn:
        return {s for (s,) in conn.execute(text("SELECT summary FROM tickets"))}


def test_writes_answer_503_in_chinese_while_the_database_is_down_and_recover(
    api_on_proxied_postgres: Stack, proxied_postgres: ProxiedPostgres
) -> None:
    api, pg = api_on_proxied_postgres.api, proxied_postgres
    assert _post_ticket(api, "before").status_code == 201

    pg.proxy.cut()
    try:
        _assert_unavailable(_post_ticket(api, f"down-{uuid.uuid4().hex[:6]}"))
        _assert_unavailable(httpx.get(f"{api}/v1/tickets", headers=AUTH, timeout=30))
        ready = httpx.get(f"{api}/readyz", timeout=30)
        assert ready.status_code == 503 and "database" in ready.json()["failed"]
        assert httpx.get(f"{api}/healthz", timeout=5).status_code == 200  # the process itself lives on
    finally:
        pg.proxy.restore()

    # The pool's dead connections are replaced (pre-ping): the first request after recovery succeeds.
    assert _post_ticket(api, "after").status_code == 201
    assert _incomplete_tickets(pg) == []


def test_outage_in_the_middle_of_concurrent_writes_leaves_no_half_written_ticket(
    api_on_proxied_postgres: Stack, proxied_postgres: ProxiedPostgres
) -> None:
    api, pg = api_on_proxied_postgres.api, proxied_postgres
    run = uuid.uuid4().hex[:8]
    tags = [f"{run}-{i}" for i in range(40)]
    results: dict[str, int] = {}

    try:
        with ThreadPoolExecutor(20) as pool:
            futures = {pool.submit(_post_ticket, api, t): t for t in tags}
            for done, future in enumerate(as_completed(futures), 1):
                if done == 8:  # cut while the other requests are in flight
                    pg.proxy.cut()
                response = future.result()
                results[futures[future]] = response.status_code
                if response.status_code == 503:
                    _assert_unavailable(response)
    finally:
        pg.proxy.restore()

    assert set(results.values()) <= {201, 503}, results  # never a 500, never a hang
    assert 201 in results.values() and 503 in results.values(), results
    stored = _stored_summaries(pg)
    created = {t for t, code in results.items() if code == 201}
    assert {f"故障测试 {t}" for t in created} <= stored  # every 201 was durable
    assert _incomplete_tickets(pg) == []  # and every stored ticket is whole
    assert _post_ticket(api, f"{run}-after").status_code == 201
