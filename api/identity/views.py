"""Claimant identity verification, called by the bot's check-in form (dialogue token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import require_roles
from api.db import SessionDep
from api.errors import NotFoundError, TooManyRequests, error_body
from api.identity import service
from api.identity.schemas import (
    ChallengeOut,
    ChallengeRequest,
    DevCodeOut,
    SenderOut,
    VerifiedOut,
    VerifyRequest,
)
from api.settings import Environment, Settings

router = APIRouter(prefix="/v1/identity", tags=["身份核验"])
# The action server, integrations and business staff; an auditor performs no business action
# (a challenge sends an SMS code to the claimant).
Integration = Depends(require_roles("operator", "reviewer", "supervisor", dialogue=True))


@router.post(
    "/challenges",
    summary="开始身份核验：已绑定或本人手机号直接通过，否则向预留手机发送验证码",
    responses={
        200: {"model": VerifiedOut, "description": "已核验"},
        201: {"model": ChallengeOut, "description": "验证码已发送"},
        404: {"description": "没有对应的申领记录"},
        422: {"description": "身份证号码无效"},
    },
    dependencies=[Integration],
)
def create_challenge(body: ChallengeRequest, request: Request, session: SessionDep) -> JSONResponse:
    settings: Settings = request.app.state.settings
    outcome = service.start(
        session, settings=settings, sms=request.app.state.sms, sender=body.sender, id_number=body.id_number
    )
    if isinstance(outcome, service.Verified):
        out = VerifiedOut(claim_id=outcome.claim_id, verified_until=outcome.verified_until)
        return JSONResponse(out.model_dump(mode="json"), 200)
    challenge = ChallengeOut(
        challenge_id=outcome.challenge_id, phone_masked=outcome.phone_masked, expires_at=outcome.expires_at
    )
    return JSONResponse(challenge.model_dump(mode="json"), 201)


@router.post(
    "/challenges/{challenge_id}/verify",
    response_model=VerifiedOut,
    summary="校验短信验证码",
    responses={
        410: {"description": "验证码已过期或已使用"},
        422: {"description": "验证码不正确（含 attempts_left）"},
        429: {"description": "输错次数过多，本次验证已失效"},
    },
    dependencies=[Integration],
)
def verify_challenge(challenge_id: str, body: VerifyRequest, request: Request, session: SessionDep) -> JSONResponse:
    settings: Settings = request.app.state.settings
    outcome = service.verify(session, settings=settings, challenge_id=challenge_id, code=body.code)
    if isinstance(outcome, service.Verified):
        out = VerifiedOut(claim_id=outcome.claim_id, verified_until=outcome.verified_until)
        return JSONResponse(out.model_dump(mode="json"), 200)
    # A wrong code is answered without raising, so the counted attempt is committed with the request.
    if outcome.attempts_left == 0:
        locked = TooManyRequests("验证码输错次数过多，本次验证已失效，请重新获取验证码。", code="otp_locked")
        body_out = error_body(locked.code, locked.message, {"code": "输错次数过多"})
        body_out["error"]["attempts_left"] = 0
        return JSONResponse(body_out, 429)
    message = f"验证码不正确，还可以再试{outcome.attempts_left}次。"
    body_out = error_body("otp_wrong", message, {"code": "验证码不正确"})
    body_out["error"]["attempts_left"] = outcome.attempts_left
    return JSONResponse(body_out, 422)


@router.get(
    "/senders/{sender}",
    response_model=SenderOut,
    summary="会话是否已核验身份（及有效期）",
    dependencies=[Integration],
)
def sender_status(sender: str, session: SessionDep) -> SenderOut:
    binding = service.sender_status(session, sender=sender)
    if binding is None:
        return SenderOut(verified=False, claim_id=None, verified_until=None)
    return SenderOut(verified=True, claim_id=binding.claim_id, verified_until=binding.verified_until)


@router.get(
    "/dev/last-code",
    response_model=DevCodeOut,
    summary="（仅开发、测试环境）查看最近一次“发送”的验证码，供网页演示完成核验",
)
def dev_last_code(
    request: Request,
    session: SessionDep,
    sender: Annotated[str, Query(min_length=3, max_length=160)],
) -> DevCodeOut:
    settings: Settings = request.app.state.settings
    if settings.environment == Environment.production:
        raise NotFoundError("没有这个地址")
    found = service.dev_last_code(session, sender=sender)
    if found is None:
        raise NotFoundError("该会话还没有发送过验证码", code="no_code")
    challenge, code = found
    return DevCodeOut(
        challenge_id=challenge.id, phone_masked=challenge.phone_masked, code=code, expires_at=challenge.expires_at
    )
