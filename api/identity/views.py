"""Claimant identity verification, called by the bot's check-in form (dialogue token).

The ID number and the code come in clear (`id_number`, `code`: other integrations) or as
the handles the conversation gateway put in their place (`id_handle`, `code_handle`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import Caller, require_roles
from api.channels.deps import ChannelsDep
from api.channels.limits import limit_address
from api.channels.web.owners import browser_token, require_owner
from api.db import SessionDep
from api.deps import SettingsDep, SmsDep
from api.errors import error_body
from api.identity import service
from api.identity.errors import DevOnly, NoDevCode, OtpLocked, SenderMismatch
from api.identity.models import IdentityChallenge
from api.identity.schemas import (
    ChallengeOut,
    ChallengeRequest,
    DevCodeOut,
    SenderOut,
    VerifiedOut,
    VerifyRequest,
)
from api.settings import Environment

router = APIRouter(prefix="/v1/identity", tags=["身份核验"])
# The action server, integrations and business staff; an auditor performs no business action
# (a challenge sends an SMS code to the claimant).
Integration = Depends(require_roles("operator", "reviewer", "supervisor", dialogue=True))
IdentityCaller = Annotated[Caller, Integration]


def _acting_for(caller: Caller) -> str | None:
    """The one sender a dialogue caller may act for (its X-Claimant-Sender); None for others.

    The action server names the conversation it runs for; a forged tracker or /execute call
    cannot make it start or read another conversation's verification.
    """
    if not caller.is_dialogue:
        return None
    if caller.claimant_sender is None:
        raise SenderMismatch()
    return caller.claimant_sender


def _same_sender(caller: Caller, sender: str) -> None:
    acting = _acting_for(caller)
    if acting is not None and acting != sender:
        raise SenderMismatch()


@router.post(
    "/challenges",
    summary="开始身份核验：已绑定或本人手机号直接通过，否则向预留手机发送验证码",
    description="无论该身份证号有没有申领记录，回答都一样（201，“如果有申领记录，验证码已发送”），不泄露谁在领取。",
    responses={
        200: {"model": VerifiedOut, "description": "已核验"},
        201: {"model": ChallengeOut, "description": "如有申领记录，验证码已发送"},
        403: {"description": "代号不属于该会话"},
        422: {"description": "身份证号码无效，或代号已过期"},
        429: {"description": "验证码发送次数过多"},
    },
)
def create_challenge(
    body: ChallengeRequest, caller: IdentityCaller, session: SessionDep, settings: SettingsDep, sms: SmsDep
) -> JSONResponse:
    _same_sender(caller, body.sender)
    outcome = service.start(
        session,
        settings=settings,
        sms=sms,
        sender=body.sender,
        id_number=body.id_number,
        id_handle=body.id_handle,
    )
    if isinstance(outcome, service.Verified):
        out = VerifiedOut(claim_id=outcome.claim_id, verified_until=outcome.verified_until)
        return JSONResponse(out.model_dump(mode="json"), 200)
    challenge = ChallengeOut(
        challenge_id=outcome.challenge_id, expires_at=outcome.expires_at, message=service.CODE_SENT_MESSAGE
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
)
def verify_challenge(
    challenge_id: str, body: VerifyRequest, caller: IdentityCaller, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    outcome = service.verify(
        session,
        settings=settings,
        challenge_id=challenge_id,
        code=body.code,
        code_handle=body.code_handle,
        for_sender=_acting_for(caller),
    )
    if isinstance(outcome, service.Verified):
        out = VerifiedOut(claim_id=outcome.claim_id, verified_until=outcome.verified_until)
        return JSONResponse(out.model_dump(mode="json"), 200)
    # A wrong code is answered without raising, so the counted attempt is committed with the request.
    if outcome.attempts_left == 0:
        locked = OtpLocked()
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
)
def sender_status(sender: str, caller: IdentityCaller, session: SessionDep) -> SenderOut:
    _same_sender(caller, sender)
    binding = service.sender_status(session, sender=sender)
    if binding is None:
        return SenderOut(verified=False, claim_id=None, verified_until=None)
    return SenderOut(verified=True, claim_id=binding.claim_id, verified_until=binding.verified_until)


@router.get(
    "/dev/last-code",
    response_model=DevCodeOut,
    summary="（仅开发、测试环境）查看最近一次“发送”的验证码，供网页演示完成核验；只答复发起该网页会话的浏览器",
)
async def dev_last_code(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    sms: SmsDep,
    runtime: ChannelsDep,
    sender: Annotated[str, Query(min_length=3, max_length=160)],
) -> DevCodeOut:
    if settings.environment == Environment.production:
        raise DevOnly()
    await limit_address(request, "dev", settings=settings, runtime=runtime)
    token = browser_token(request)

    def read() -> tuple[IdentityChallenge, str] | None:
        # Never any sender by id: only the web conversation this browser's cookie owns.
        require_owner(session, sender=sender, token=token)
        return service.dev_last_code(session, sms=sms, sender=sender)

    found = await run_in_threadpool(read)
    if found is None:
        raise NoDevCode()
    challenge, code = found
    return DevCodeOut(
        challenge_id=challenge.id, phone_masked=challenge.phone_masked, code=code, expires_at=challenge.expires_at
    )
