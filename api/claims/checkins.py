"""Monthly check-ins (按月申领 / 资格核验): accepted, stop_reported, outside_window or duplicate.

One check-in per claim and month: the database's UNIQUE(claim_id, month) decides,
inside a SAVEPOINT, so parallel deliveries record one row and every other caller
gets ``duplicate`` with that first record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from api.audit import record_audit
from api.claims import repository as repo
from api.claims.enums import CheckinStatus, ClaimStatus
from api.claims.errors import (
    CheckinInFuture,
    ClaimStopped,
    EventDateAfterCheckin,
    EventDateWithoutStop,
    MonthOutOfPeriod,
)
from api.claims.models import Checkin, Claim, StopEvent
from api.claims.records import ClaimsConfig, claim_snapshot, default_config, get_claim, transition
from api.claims.schemas import CheckinAnswers, CheckinOut, CheckinResult, StopOut, Window
from api.claims.status import backpay_out, ledger_for
from api.db import utcnow
from policy_kb import RuleBase, add_working_days
from policy_kb.benefits.duties import ClaimsPolicy, MonthPolicy, StopPolicy, dedupe
from policy_kb.benefits.explain import (
    answer_names_zh,
    checkin_notes,
    checkin_window_text,
    day_zh,
    month_zh,
    stop_report_message,
)
from policy_kb.benefits.ledger import month_index, month_of, month_text
from policy_kb.clock import china_date
from policy_kb.engine.stop_events import first_unpaid_month
from policy_kb.schemas import Explanation
from policy_kb.vocab import MonthState

CLOCK_SKEW = timedelta(minutes=5)


def record_checkin(
    *,
    session: Session,
    claim_id: int,
    month: str,
    channel: str,
    answers: CheckinAnswers,
    at: datetime | None,
    actor: str,
    rule_base: RuleBase,
    event_date: date | None = None,
    config: ClaimsConfig | None = None,
) -> CheckinResult:
    """Record the month's check-in.

    `at` is when it was made: pass it only for records made elsewhere (integrations,
    staff); ``at=None`` uses the server's clock, as for a claimant's own check-in
    through a channel. `event_date` dates a reported stop event (default: that day).
    """
    claim = get_claim(session=session, claim_id=claim_id)
    now = utcnow()
    when = at if at is not None else now
    if when > now + CLOCK_SKEW:
        raise CheckinInFuture()
    day = china_date(when)
    index = month_index(month)
    start = month_index(claim.start_month)
    if index < start:
        raise MonthOutOfPeriod(f"早于首个领取月份 {claim.start_month}")
    existing = repo.checkin_for(session, claim.id, month)
    policy = ClaimsPolicy(rule_base, (config or default_config()).default_region)
    month_policy = policy.month(claim.region_code, index)
    if existing is not None:
        return _duplicate(claim, existing, month_policy)
    if claim.stop_from_month is not None and index >= month_index(claim.stop_from_month):
        raise ClaimStopped(claim.stop_from_month, month_zh(claim.stop_from_month))
    ledger = ledger_for(session, claim, policy, day)
    if index > ledger.period_end:
        raise MonthOutOfPeriod(f"超出失业保险金领取期限（至 {month_text(ledger.period_end)}）")
    window_start, window_end = month_policy.rules.window(index)
    window = Window(month=month, start=window_start, end=window_end)
    if not window_start <= day <= window_end:
        return _outside_window(claim, month, day, window, month_policy, policy, session, rule_base)
    stop_policy = policy.stop(claim.region_code, event_date or day)
    stops = answers.stop_answers()
    if event_date is not None and not stops:
        raise EventDateWithoutStop()
    if event_date is not None and event_date > day:
        raise EventDateAfterCheckin()
    row = repo.insert_checkin(
        session,
        Checkin(
            claim_id=claim.id,
            month=month,
            at=when,
            channel=str(channel),
            answers=answers.model_dump(),
            stop_reported=bool(stops),
            recorded_by=actor,
        ),
    )
    if row is None:  # another delivery of the same check-in won the race
        first = repo.checkin_for(session, claim.id, month)
        assert first is not None
        return _duplicate(claim, first, month_policy)
    record_audit(
        session,
        actor=actor,
        action="claim.checkin",
        entity_type="claim",
        entity_id=claim.id,
        before=None,
        after=_checkin_snapshot(row),
    )
    if stops:
        paid = [*ledger.months(MonthState.paid, MonthState.backpaid), *([] if ledger.suspended else [index])]
        stop = _record_stop(session, claim, row, stops, event_date or day, stop_policy, actor, paid)
        return CheckinResult(
            status=CheckinStatus.stop_reported,
            claim_id=claim.id,
            month=month,
            checkin=checkin_out(row),
            window=window,
            effects=[Explanation(code="STOP_REPORTED", message=stop.message, citations=stop.citations)],
            stop=stop,
            citations=dedupe(stop.citations + month_policy.cite("monthly.duty")),
        )
    # A check-in while payment is suspended is told the suspension in its own months (ledger before it).
    suspended = ledger if ledger.suspended and index >= month_of(day) else None
    effects = [Explanation.of(n) for n in checkin_notes(month_policy, index, suspended)]
    if month_policy.by_default:
        source = rule_base.layer(month_policy.source_region).name
        effects.append(
            Explanation(
                code="DEFAULT_MONTHLY_RULES",
                message=f"本地区政策文件未规定每月办理手续，按系统默认规则参照{source}的规定执行。",
                citations=month_policy.cite("monthly.duty.region", "monthly.duty"),
            )
        )
    return CheckinResult(
        status=CheckinStatus.accepted,
        claim_id=claim.id,
        month=month,
        checkin=checkin_out(row),
        window=window,
        effects=effects,
        citations=dedupe([c for e in effects for c in e.citations]),
    )


def checkin_out(row: Checkin) -> CheckinOut:
    return CheckinOut(
        id=row.id,
        month=row.month,
        at=row.at,
        channel=row.channel,
        answers=dict(row.answers),
        stop_reported=row.stop_reported,
        recorded_at=row.recorded_at,
    )


def _checkin_snapshot(row: Checkin) -> dict[str, object]:
    return {
        "checkin_id": row.id,
        "month": row.month,
        "at": row.at.isoformat(),
        "channel": row.channel,
        "answers": dict(row.answers),
        "stop_reported": row.stop_reported,
    }


def _duplicate(claim: Claim, first: Checkin, policy: MonthPolicy) -> CheckinResult:
    message = f"{month_zh(first.month)}已于{day_zh(china_date(first.at))}办理，无需重复办理。"
    cites = policy.cite("monthly.duty")
    return CheckinResult(
        status=CheckinStatus.duplicate,
        claim_id=claim.id,
        month=first.month,
        checkin=checkin_out(first),
        window=None,
        effects=[Explanation(code="ALREADY_CHECKED_IN", message=message, citations=cites)],
        citations=cites,
    )


def _outside_window(
    claim: Claim,
    month: str,
    day: date,
    window: Window,
    month_policy: MonthPolicy,
    policy: ClaimsPolicy,
    session: Session,
    rule_base: RuleBase,
) -> CheckinResult:
    index = month_index(month)
    text = checkin_window_text(month_policy, index, window.start, window.end)
    text += f"，{day_zh(day)}不在办理时间内，本次未登记。"
    cites = month_policy.cite("monthly.duty", "monthly.window")
    effects = [Explanation(code="OUTSIDE_WINDOW", message=text, citations=cites)]
    if day > window.end and month_policy.rules.missed_month_lost:
        effects.append(
            Explanation(
                code="MONTH_LOST",
                message=f"{month_zh(index)}未在规定时间内办理的，当月失业保险金不再享受。",
                citations=month_policy.cite("monthly.missed_month_lost"),
            )
        )
        ledger = ledger_for(session, claim, policy, day)
        backpay = backpay_out(claim, ledger, policy, day)
        if backpay.applicable:
            effects.append(Explanation(code="BACKPAY_OPTIONS", message=backpay.message, citations=backpay.citations))
    elif day < window.start:
        effects.append(
            Explanation(
                code="WINDOW_NOT_OPEN",
                message=f"请在{day_zh(window.start)}至{day_zh(window.end)}期间办理。",
                citations=cites,
            )
        )
    return CheckinResult(
        status=CheckinStatus.outside_window,
        claim_id=claim.id,
        month=month,
        checkin=None,
        window=window,
        effects=effects,
        citations=dedupe([c for e in effects for c in e.citations]),
    )


def _record_stop(
    session: Session,
    claim: Claim,
    row: Checkin,
    stops: list[str],
    event_date: date,
    policy: StopPolicy,
    actor: str,
    paid_months: list[int],
) -> StopOut:
    stop_from = month_of(first_unpaid_month(event_date, policy.stops_from))
    deadline = (
        add_working_days(event_date, policy.report_within_working_days)
        if policy.report_within_working_days is not None
        else None
    )
    # The last month still paid: one the ledger pays (before this check-in), or the month checked in now.
    payable = [m for m in paid_months if m < stop_from]
    message = stop_report_message(
        stops, policy=policy, stop_from=stop_from, deadline=deadline, paid_through=max(payable, default=None)
    )
    citations = policy.citations_for(stops)
    session.add(
        StopEvent(
            claim_id=claim.id,
            checkin_id=row.id,
            events=stops,
            event_date=event_date,
            stops_from_month=month_text(stop_from),
            report_by=deadline.date if deadline else None,
            report_by_provisional=bool(deadline and deadline.provisional),
            recorded_by=actor,
        )
    )
    locked = session.get(Claim, claim.id, with_for_update=True, populate_existing=True) or claim
    current = month_index(locked.stop_from_month) if locked.stop_from_month else None
    if current is None or stop_from < current:
        before = claim_snapshot(locked)
        locked.stop_from_month = month_text(stop_from)
        record_audit(
            session,
            actor=actor,
            action="claim.stop",
            entity_type="claim",
            entity_id=locked.id,
            before=before,
            after=claim_snapshot(locked) | {"events": stops, "event_date": event_date.isoformat()},
        )
        transition(session, locked, ClaimStatus.stopped, actor=actor, reason="stop_reported")
    return StopOut(
        events=stops,
        events_zh=answer_names_zh(stops),
        event_date=event_date,
        stops_from_month=month_text(stop_from),
        report_within_working_days=policy.report_within_working_days,
        report_by=deadline.date if deadline else None,
        report_by_provisional=bool(deadline and deadline.provisional),
        message=message,
        citations=citations,
    )
