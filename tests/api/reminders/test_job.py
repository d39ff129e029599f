"""The monthly reminder run on committed data (it opens its own sessions, batch by batch)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.claims.models import Claim
from api.notify import OutboxProvider, SendResult
from api.reminders.job import run_reminders
from policy_kb import default_rule_base
from tests.api.reminders.helpers import make, reminders


class CountingProvider(OutboxProvider):
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult:
        self.sent.append(phone)
        return super().send(phone=phone, template_code=template_code, params=params, text=text)


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield sessionmaker(bind=engine, expire_on_commit=False)


def test_reminds_exactly_the_claims_due_and_never_twice(factory: sessionmaker[Session]) -> None:
    due_tj = make(factory, "120000", "2026-01", 12, (("2026-01", date(2026, 1, 10)),))
    done = make(factory, "120000", "2026-01", 12, (("2026-03", date(2026, 3, 6)),))
    stopped = make(factory, "120000", "2026-01", 12, (("2026-02", date(2026, 2, 6)),), reemployed=True)
    ended = make(factory, "120000", "2025-03", 12)  # period 2025-03 … 2026-02
    no_duty = make(factory, "210000", "2026-01", 12)
    due_cq = make(factory, "500000", "2026-01", 12)
    # Chongqing: suspended months keep the entitlement, so a 3-month claim from 2025-11, suspended
    # since January, still runs in March (and one that ran out in January does not).
    extended = make(factory, "500000", "2025-11", 3, (("2025-11", date(2025, 11, 10)),))
    ran_out = make(factory, "500000", "2025-12", 2, (("2025-12", date(2025, 12, 10)),))
    later = make(factory, "120000", "2026-04", 12)
    mine = [due_tj, done, stopped, ended, no_duty, due_cq, extended, ran_out, later]
    provider = CountingProvider()
    report = run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=provider,
        month="2026-03",
        as_of=date(2026, 3, 20),
        batch_size=3,
    )
    sent = reminders(factory, mine, "2026-03")
    assert set(sent) == {due_tj, due_cq, extended}
    assert "按月申领尚未办理，请于3月25日前办理" in sent[due_tj]
    assert "资格核验尚未办理，请于3月31日前办理" in sent[due_cq]
    assert report.batches >= 3  # read in batches of 3
    assert report.sent >= 3 and len(provider.sent) == report.sent
    again = run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=provider,
        month="2026-03",
        as_of=date(2026, 3, 21),
        batch_size=3,
    )
    assert again.sent == 0 and again.already_sent == report.due
    assert len(provider.sent) == report.sent  # the provider was not called again


def test_no_reminder_after_the_window_closed_or_before_the_lead_time(factory: sessionmaker[Session]) -> None:
    claim_id = make(factory, "120000", "2026-01", 12)
    closed = run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=OutboxProvider(),
        month="2026-05",
        as_of=date(2026, 5, 26),
    )
    assert closed.skipped["办理时间已过"] >= 1
    early = run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=OutboxProvider(),
        month="2026-05",
        as_of=date(2026, 5, 10),
        lead_days=5,
    )
    assert early.skipped["未到提醒时间"] >= 1
    assert reminders(factory, [claim_id], "2026-05") == {}
    run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=OutboxProvider(),
        month="2026-05",
        as_of=date(2026, 5, 20),
        lead_days=5,
    )
    assert list(reminders(factory, [claim_id], "2026-05")) == [claim_id]


def test_default_region_setting_brings_reminders_where_no_duty_is_set(factory: sessionmaker[Session]) -> None:
    claim_id = make(factory, "210000", "2026-01", 12)
    run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=OutboxProvider(),
        month="2026-06",
        as_of=date(2026, 6, 10),
    )
    assert reminders(factory, [claim_id], "2026-06") == {}
    run_reminders(
        factory=factory,
        rule_base=default_rule_base(),
        provider=OutboxProvider(),
        month="2026-06",
        as_of=date(2026, 6, 10),
        default_region="500000",
    )
    assert "资格核验" in reminders(factory, [claim_id], "2026-06")[claim_id]
    with factory() as session:
        assert session.get(Claim, claim_id) is not None
