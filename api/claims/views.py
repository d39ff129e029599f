"""Claims routes (contracts.md): integrations, the dialogue engine and staff; no rules here, only the service.

Who may reach which claim is decided in api/claims/access.py (one dependency per route).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.auth import Caller, require_roles, require_staff_roles
from api.claims import service
from api.claims.access import (
    BackpayRead,
    BackpayRequestsRead,
    ClaimantAction,
    ClaimSummaryRead,
    StatusRead,
    mask_name,
)
from api.claims.enums import CheckinStatus
from api.claims.schemas import (
    BackpayDecisionIn,
    BackpayOut,
    BackpayRequestIn,
    BackpayRequestOut,
    CheckinIn,
    CheckinResult,
    ClaimCreate,
    ClaimOut,
    StatusOut,
)
from api.db import SessionDep
from api.deps import SettingsDep, SmsDep
from api.policy.deps import RuleBaseDep
from policy_kb.clock import today_in_china

router = APIRouter(prefix="/v1/claims", tags=["claims"])

# Auditors read (masked); business roles change claims; integrations may do both; the dialogue
# engine records check-ins and back-pay requests for its verified claimant only.
Writer = Annotated[Caller, Depends(require_roles("operator", "reviewer", "supervisor"))]
ClaimantWriter = Annotated[Caller, Depends(require_roles("operator", "reviewer", "supervisor", dialogue=True))]
Reviewer = Annotated[Caller, Depends(require_staff_roles("reviewer", "supervisor"))]
AsOfQuery = Annotated[date | None, Query(description="按哪一天计算（YYYY-MM-DD），缺省为今天（北京时间）")]


async def get_config(settings: SettingsDep) -> service.ClaimsConfig:
    return service.config_from(settings)


ConfigDep = Annotated[service.ClaimsConfig, Depends(get_config)]


@router.post("", status_code=201, response_model=ClaimOut, summary="登记一笔失业保险金待遇")
def create_claim(
    body: ClaimCreate,
    response: Response,
    session: SessionDep,
    caller: Writer,
    rule_base: RuleBaseDep,
    config: ConfigDep,
    sms: SmsDep,
) -> ClaimOut:
    done = service.register_claim(
        session=session,
        data=body,
        actor=caller.actor,
        rule_base=rule_base,
        config=config,
        sms=sms,
    )
    response.status_code = 201 if done.created else 200  # 200: registered before, the existing claim
    return service.claim_out(done.claim, rule_base)


@router.get("/{claim_id}", response_model=ClaimOut, summary="查看待遇（身份证号、手机号脱敏）")
def read_claim(claim_id: int, session: SessionDep, access: ClaimSummaryRead, rule_base: RuleBaseDep) -> ClaimOut:
    out = service.claim_out(service.get_claim(session=session, claim_id=claim_id), rule_base)
    if not access.full:  # staff before the caller is verified: as the console shows it
        out.claimant.name = mask_name(out.claimant.name)
    return out


@router.post(
    "/{claim_id}/checkins",
    response_model=CheckinResult,
    summary="按月申领 / 资格核验",
    dependencies=[ClaimantAction],
)
def check_in(
    claim_id: int,
    body: CheckinIn,
    config: ConfigDep,
    response: Response,
    session: SessionDep,
    caller: ClaimantWriter,
    rule_base: RuleBaseDep,
) -> CheckinResult:
    # A claimant's own check-in (the dialogue engine) always uses the server's clock; integrations
    # and staff may record one made elsewhere at its own time.
    result = service.record_checkin(
        session=session,
        claim_id=claim_id,
        month=body.month,
        channel=body.channel,
        answers=body.answers,
        at=None if caller.is_dialogue else body.at,
        actor=caller.actor,
        rule_base=rule_base,
        event_date=body.event_date,
        config=config,
    )
    created = result.status in (CheckinStatus.accepted, CheckinStatus.stop_reported)
    response.status_code = 201 if created else 200
    return result


@router.get("/{claim_id}/status", response_model=StatusOut, summary="某日的待遇状态")
def claim_status(
    claim_id: int,
    config: ConfigDep,
    session: SessionDep,
    _: StatusRead,
    rule_base: RuleBaseDep,
    as_of: AsOfQuery = None,
) -> StatusOut:
    return service.get_status(
        session=session,
        claim_id=claim_id,
        as_of=as_of or today_in_china(),
        rule_base=rule_base,
        config=config,
    )


@router.get("/{claim_id}/backpay", response_model=BackpayOut, summary="补发选项")
def backpay_options(
    claim_id: int,
    config: ConfigDep,
    session: SessionDep,
    _: BackpayRead,
    rule_base: RuleBaseDep,
    as_of: AsOfQuery = None,
) -> BackpayOut:
    return service.get_backpay(
        session=session,
        claim_id=claim_id,
        as_of=as_of or today_in_china(),
        rule_base=rule_base,
        config=config,
    )


@router.post(
    "/{claim_id}/backpay-requests",
    status_code=201,
    response_model=BackpayRequestOut,
    summary="提出补发申请",
    dependencies=[ClaimantAction],
)
def create_backpay_request(
    claim_id: int,
    body: BackpayRequestIn,
    config: ConfigDep,
    session: SessionDep,
    caller: ClaimantWriter,
    rule_base: RuleBaseDep,
) -> BackpayRequestOut:
    return service.request_backpay(
        session=session,
        claim_id=claim_id,
        months=body.months,
        at=None if caller.is_dialogue else body.at,
        actor=caller.actor,
        rule_base=rule_base,
        place=body.place,
        note=body.note,
        config=config,
    )


@router.get("/{claim_id}/backpay-requests", response_model=list[BackpayRequestOut], summary="补发申请列表")
def list_backpay_requests(claim_id: int, session: SessionDep, _: BackpayRequestsRead) -> list[BackpayRequestOut]:
    return service.list_backpay_requests(session=session, claim_id=claim_id)


@router.post(
    "/{claim_id}/backpay-requests/{request_id}/decision", response_model=BackpayRequestOut, summary="审核补发申请"
)
def decide_backpay_request(
    claim_id: int, request_id: int, body: BackpayDecisionIn, session: SessionDep, caller: Reviewer, sms: SmsDep
) -> BackpayRequestOut:
    return service.decide_backpay(
        session=session,
        claim_id=claim_id,
        request_id=request_id,
        approve=body.approve,
        approver=caller,
        note=body.note,
        sms=sms,
    )
