"""Back-pay (补发) requests: recorded for staff review, then approved or rejected.

Where the region has 补发 (Tianjin), a request names lost months of the benefit
period, at most the region's cap in all, before the period ends. A month can be
asked for once per claim (UNIQUE(claim_id, month) in the database).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import record_audit, record_transition
from api.auth import Caller
from api.claims import repository as repo
from api.claims.enums import BACKPAY_TRANSITIONS
from api.claims.errors import (
    BackpayAlreadyDecided,
    BackpayAlreadyRequested,
    BackpayCapExceeded,
    BackpayMonthNotEligible,
    BackpayNotApplicable,
    BackpayNothingToRequest,
    BackpayPeriodOver,
    BackpayPlaceRefused,
    BackpayRequestNotFound,
)
from api.claims.models import BackpayMonth, BackpayRequest, Claim
from api.claims.records import ClaimsConfig, default_config, get_claim
from api.claims.schemas import BackpayOut, BackpayRequestOut
from api.claims.status import backpay_out, ledger_for
from api.db import utcnow
from api.notify import SmsProvider, send_sms
from api.staff.duties import ensure_not_own_request
from policy_kb import RuleBase
from policy_kb.benefits.duties import ClaimsPolicy
from policy_kb.benefits.explain import months_zh
from policy_kb.benefits.ledger import month_index
from policy_kb.clock import china_date
from policy_kb.vocab import BackpayStatus


def request_backpay(
    *,
    session: Session,
    claim_id: int,
    months: list[str] | None,
    at: datetime | None,
    actor: str,
    rule_base: RuleBase,
    place: str | None = None,
    note: str | None = None,
    config: ClaimsConfig | None = None,
) -> BackpayRequestOut:
    """Record a back-pay request (`months` None: every month that may still be asked for)."""
    get_claim(session=session, claim_id=claim_id)
    claim = repo.claim_by_id(session, claim_id, for_update=True)  # serialises requests on one claim
    assert claim is not None
    now = utcnow()
    when = at if at is not None and at <= now else now
    day = china_date(when)
    policy = ClaimsPolicy(rule_base, (config or default_config()).default_region)
    options = backpay_out(claim, ledger_for(session, claim, policy, day), policy, day)
    if not options.applicable:
        raise BackpayNotApplicable(options.message)
    if options.expired:
        raise BackpayPeriodOver(options.message)
    wanted = sorted(set(months)) if months else list(options.eligible_months)
    if not wanted:
        raise BackpayNothingToRequest(options.message)
    _check_months(wanted, options)
    if place is not None and options.places and place not in options.places:
        raise BackpayPlaceRefused(options.places)
    request = BackpayRequest(
        claim_id=claim.id,
        status=BackpayStatus.pending_review.value,
        requested_at=when,
        requested_by=actor,
        place=place,
        note=note,
    )
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
            for month in wanted:
                session.add(BackpayMonth(request_id=request.id, claim_id=claim.id, month=month))
            session.flush()
    except IntegrityError:
        raise BackpayAlreadyRequested() from None
    record_audit(
        session,
        actor=actor,
        action="claim.backpay_request",
        entity_type="claim",
        entity_id=claim.id,
        before=None,
        after={"request_id": request.id, "months": wanted, "status": request.status, "place": place},
    )
    session.refresh(request)
    listed = months_zh([month_index(m) for m in wanted])
    return request_out(request, options, f"已登记{listed}的补发申请，待经办机构审核。")


def _check_months(wanted: list[str], options: BackpayOut) -> None:
    allowed = set(options.candidate_months)
    bad = [m for m in wanted if m not in allowed]
    if bad:
        raise BackpayMonthNotEligible(bad, options.candidate_months)
    cap = options.max_months or 0
    room = cap - len(options.requested_months)
    if len(wanted) > room:
        raise BackpayCapExceeded(cap, room)


def request_out(request: BackpayRequest, options: BackpayOut | None, message: str) -> BackpayRequestOut:
    return BackpayRequestOut(
        id=request.id,
        claim_id=request.claim_id,
        status=BackpayStatus(request.status),
        months=[m.month for m in request.months],
        requested_at=request.requested_at,
        place=request.place,
        note=request.note,
        apply_by=options.apply_by if options else None,
        decided_at=request.decided_at,
        decision_note=request.decision_note,
        message=message,
        citations=options.citations if options else [],
    )


def list_backpay_requests(*, session: Session, claim_id: int) -> list[BackpayRequestOut]:
    get_claim(session=session, claim_id=claim_id)
    return [request_out(r, None, _status_message(r)) for r in repo.backpay_requests(session, claim_id)]


def _status_message(request: BackpayRequest) -> str:
    return {
        BackpayStatus.pending_review.value: "待审核",
        BackpayStatus.approved.value: "已审核通过，予以补发",
        BackpayStatus.rejected.value: "审核未通过",
    }[request.status]


def decide_backpay(
    *,
    session: Session,
    claim_id: int,
    request_id: int,
    approve: bool,
    approver: Caller,
    note: str | None = None,
    sms: SmsProvider | None = None,
) -> BackpayRequestOut:
    """Staff decision on a pending request; the claimant is told the result by SMS.

    Nobody decides a request they made themselves (separation of duties, CQ-12 / SD-6).
    """
    claim: Claim = get_claim(session=session, claim_id=claim_id)
    request = repo.backpay_request(session, claim_id, request_id)
    if request is None:
        raise BackpayRequestNotFound(request_id)
    ensure_not_own_request(requester_actor=request.requested_by, approver=approver, what="补发申请")
    actor = approver.actor
    target = BackpayStatus.approved if approve else BackpayStatus.rejected
    current = BackpayStatus(request.status)
    if target not in BACKPAY_TRANSITIONS[current]:
        raise BackpayAlreadyDecided(_status_message(request))
    request.status = target.value
    request.decided_at = utcnow()
    request.decided_by = actor
    request.decision_note = note
    session.flush()
    record_transition(
        session,
        actor=actor,
        action="claim.backpay_decision",
        entity_type="claim",
        entity_id=claim.id,
        before={"request_id": request.id, "status": current.value},
        after={"request_id": request.id, "status": target.value, "note": note},
    )
    if sms is not None:
        count = len(request.months)
        result = f"补发{count}个月已通过" if approve else "补发申请未通过"
        send_sms(
            session,
            sms,
            phone=claim.claimant.phone,
            template_code="REVIEW_RESULT",
            params={"result": result},
            dedup_key=f"backpay-result:request-{request.id}",
        )
    return request_out(request, None, _status_message(request))
