"""Migration 0011 rewrites the tickets' old hotline spelling `phone` to `hotline`, and back on downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, text

from api.claims.models import Checkin, Claim, Claimant
from api.db import make_engine
from api.migrate import alembic_config, upgrade
from api.tickets.models import Ticket
from tests.security.private_db import empty_postgres_schema, postgres_base, schema_url

BEFORE = "0010_web_chat_history"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated to the revision before 0011."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'before.db'}"
        command.upgrade(alembic_config(url=url), BEFORE)
        yield url
        return
    base = postgres_base()
    with empty_postgres_schema(base, prefix="mig") as schema:
        url = schema_url(base, schema)
        command.upgrade(alembic_config(url=url), BEFORE)
        yield url


def _ticket(ticket_id: int, channel: str) -> dict[str, object]:
    return {
        "id": ticket_id,
        "number": f"GD{ticket_id:04d}",
        "category": "help",
        "urgency": "normal",
        "channel": channel,
        "region_code": "120000",
        "region_name": "天津市",
        "summary": "查询进度",
        "transcript": [],
        "status": "received",
        "owner_unit": "12333热线服务中心",
        "created_by": "test",
        "created_at": NOW,
        "accept_by": NOW,
        "respond_by": NOW,
        "resolve_by": NOW,
    }


def _checkin(checkin_id: int, month: str, channel: str) -> dict[str, object]:
    return {
        **{"id": checkin_id, "claim_id": 1, "month": month, "at": NOW, "channel": channel, "answers": {}},
        **{"recorded_at": NOW, "recorded_by": "test"},
    }


def _channels(url: str) -> tuple[dict[int, str], dict[int, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tickets = dict(conn.execute(text("SELECT id, channel FROM tickets ORDER BY id")).all())
            checkins = dict(conn.execute(text("SELECT id, channel FROM claim_checkins ORDER BY id")).all())
    finally:
        engine.dispose()
    return tickets, checkins


def test_old_rows_are_rewritten_and_restored(url_before: str) -> None:
    engine = make_engine(url_before)
    with engine.begin() as conn:
        conn.execute(insert(Ticket.__table__), [_ticket(1, "phone"), _ticket(2, "web"), _ticket(3, "wechat")])
        conn.execute(
            insert(Claimant.__table__).values(
                id=1, name="甲", id_hash="h1", id_masked="1201**********0001", phone="13800000001", created_at=NOW
            )
        )
        conn.execute(
            insert(Claim.__table__).values(
                id=1,
                claimant_id=1,
                region_code="120000",
                region_matched_code="120000",
                start_month="2026-01",
                benefit_months=12,
                status="active",
                created_at=NOW,
                created_by="test",
                updated_at=NOW,
            )
        )
        conn.execute(insert(Checkin.__table__), [_checkin(1, "2026-02", "hotline"), _checkin(2, "2026-03", "sms")])
    engine.dispose()

    upgrade(url=url_before)
    assert _channels(url_before) == ({1: "hotline", 2: "web", 3: "wechat"}, {1: "hotline", 2: "sms"})

    command.downgrade(alembic_config(url=url_before), BEFORE)
    assert _channels(url_before) == ({1: "phone", 2: "web", 3: "wechat"}, {1: "hotline", 2: "sms"})
