"""The monthly reminder run: every claim that has not checked in for the month gets one SMS.

Claims are read in keyset-paginated batches (``WHERE id > :last ORDER BY id LIMIT n``),
so memory does not grow with the number of claims; each batch commits on its own, so
an interrupted run resumes where it stopped. A reminder's dedup_key
(``reminder:claim-<id>:<month>``) is unique in the outbox: a re-run sends nothing twice.

Who is reminded, for month M as of date D (rules from the rule base for the claim's
region and month M):
- the region has a monthly duty (按月申领 / 资格核验, or the configured default);
- M is inside the claim's benefit period and before any stop;
- no check-in for M yet, and M's window has not closed on D (Tianjin: the 25th);
- with ``lead_days``, only within that many days before the window closes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Row, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.claims.enums import ClaimStatus
from api.claims.models import Checkin, Claim, Claimant
from api.notify import SmsProvider
from api.reminders.sending import Outgoing, send_batch
from policy_kb import RuleBase
from policy_kb.benefits.duties import ClaimsPolicy, MonthPolicy
from policy_kb.benefits.explain import DUTY_ZH, month_zh
from policy_kb.benefits.ledger import build_ledger, month_index, month_text

TEMPLATE = "CHECKIN_REMINDER"
# id, region_code, start_month, benefit_months, stop_from_month, phone
ClaimRow = Row[int, str, str, int, str | None, str]


@dataclass
class ReminderReport:
    month: str
    as_of: date
    claims_seen: int = 0
    due: int = 0  # claims that should be reminded
    sent: int = 0
    already_sent: int = 0
    batches: int = 0
    seconds: float = 0.0
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "claims_seen": self.claims_seen,
            "due": self.due,
            "sent": self.sent,
            "already_sent": self.already_sent,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
            "skipped": dict(self.skipped),
        }

    def line(self) -> str:
        skipped = "，".join(f"{k} {v}" for k, v in sorted(self.skipped.items())) or "无"
        return (
            f"{self.month} 按月申领提醒（{self.as_of.isoformat()}）：检查 {self.claims_seen} 件，"
            f"应提醒 {self.due} 件，本次发送 {self.sent} 条，此前已发 {self.already_sent} 条；"
            f"不需提醒：{skipped}；用时 {self.seconds:.1f} 秒"
        )


def run_reminders(
    *,
    factory: sessionmaker[Session] | Engine,
    rule_base: RuleBase,
    provider: SmsProvider,
    month: str,
    as_of: date,
    batch_size: int = 2000,
    default_region: str | None = None,
    lead_days: int | None = None,
) -> ReminderReport:
    """Send the month's check-in reminders; safe to run again (and again)."""
    sessions = factory if isinstance(factory, sessionmaker) else sessionmaker(bind=factory, expire_on_commit=False)
    policy = ClaimsPolicy(rule_base, default_region)
    report = ReminderReport(month=month, as_of=as_of)
    index = month_index(month)
    started = time.perf_counter()
    last_id = 0
    while True:
        with sessions() as session, session.begin():
            rows = session.execute(
                select(
                    Claim.id,
                    Claim.region_code,
                    Claim.start_month,
                    Claim.benefit_months,
                    Claim.stop_from_month,
                    Claimant.phone,
                )
                .join(Claimant, Claimant.id == Claim.claimant_id)
                .where(Claim.id > last_id, Claim.status == ClaimStatus.active.value, Claim.start_month <= month)
                .order_by(Claim.id)
                .limit(batch_size)
            ).all()
            if not rows:
                break
            last_id = rows[-1].id
            report.batches += 1
            report.claims_seen += len(rows)
            checkins = _checkins(session, rows[0].id, last_id)
            outgoing = []
            for row in rows:
                reason = _skip_reason(row, index, as_of, checkins.get(row.id, ()), policy, lead_days)
                if reason is not None:
                    report.skipped[reason] += 1
                    continue
                outgoing.append(_message(row.id, row.phone, index, policy.month(row.region_code, index)))
            report.due += len(outgoing)
            sent = send_batch(session, provider, outgoing)
            report.sent += sent
            report.already_sent += len(outgoing) - sent
    report.seconds = time.perf_counter() - started
    return report


def _checkins(session: Session, low: int, high: int) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    stmt = select(Checkin.claim_id, Checkin.month).where(Checkin.claim_id.between(low, high))
    for claim_id, month in session.execute(stmt):
        out[claim_id].add(month_index(month))
    return out


def _skip_reason(
    row: ClaimRow, index: int, as_of: date, checked: set[int] | tuple[()], policy: ClaimsPolicy, lead_days: int | None
) -> str | None:
    region: str = row.region_code
    rules = policy.month(region, index).rules
    if not rules.has_duty:
        return "本地区无需每月办理"
    if index in checked:
        return "已办理"
    stop: str | None = row.stop_from_month
    if stop is not None and index >= month_index(stop):
        return "已停发"
    _, window_end = rules.window(index)
    if as_of > window_end:
        return "办理时间已过"
    if lead_days is not None and as_of < window_end - timedelta(days=lead_days):
        return "未到提醒时间"
    start = month_index(row.start_month)
    months: int = row.benefit_months
    if index > start + months - 1:
        # Past the nominal end: only a period extended by suspensions (Chongqing) still runs.
        ledger = build_ledger(
            start=start,
            benefit_months=months,
            checked_in=checked,
            as_of=as_of,
            rules_for=policy.rules_for(region),
            stop_from=month_index(stop) if stop else None,
        )
        if index > ledger.period_end:
            return "领取期限已满"
    return None


def _message(claim_id: int, phone: str, index: int, month_policy: MonthPolicy) -> Outgoing:
    rules = month_policy.rules
    _, window_end = rules.window(index)
    return Outgoing(
        phone=phone,
        template_code=TEMPLATE,
        params={
            "month": month_zh(index),
            "duty": DUTY_ZH[rules.duty],
            "deadline": f"{window_end.month}月{window_end.day}日",
        },
        dedup_key=f"reminder:claim-{claim_id}:{month_text(index)}",
    )
