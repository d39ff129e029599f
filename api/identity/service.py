"""Verifying that a channel sender is a claim's claimant, and remembering it.

Two factors are accepted: the ID number (what the claimant knows) together with
either a one-time code sent to the claim's registered mobile, or a message that
itself came from that mobile (sms:<registered mobile>). A verified sender is
bound to the claim for a period that depends on the channel (a WeChat OpenID
for months, a web session for minutes).

Codes: 6 random digits, stored only as HMAC-SHA256(SECRET_KEY, challenge id +
code), compared in constant time, valid for 5 minutes and 5 attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.channels.enums import ChannelKind
from api.channels.outbound import channel_of
from api.claims.identity import normalize_id_number
from api.claims.models import Claim
from api.claims.service import config_from, find_claims_by_id_number
from api.db import utcnow
from api.errors import AppError, NotFoundError, TooManyRequests, ValidationFailed
from api.identity.enums import BindingMethod, ChallengeStatus
from api.identity.models import IdentityChallenge, SenderBinding
from api.notify import SmsProvider, send_sms
from api.privacy import mask_phone
from api.settings import Settings

log = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = "没有找到与该身份证号码对应的失业保险金申领记录。请核对号码，或到参保地经办机构、拨打12333咨询。"
RESEND_SECONDS = 60


class ChallengeGone(AppError):
    status_code = 410
    code = "challenge_expired"


@dataclass(frozen=True)
class Verified:
    claim_id: int
    verified_until: datetime


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    phone_masked: str
    expires_at: datetime


@dataclass(frozen=True)
class WrongCode:
    attempts_left: int


def _code_hash(secret_key: str, challenge_id: str, code: str) -> str:
    return hmac.new(secret_key.encode(), f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def binding_period(settings: Settings, sender: str) -> timedelta:
    kind, _ = channel_of(sender)
    if kind == ChannelKind.wechat:
        return timedelta(days=settings.identity_wechat_binding_days)
    if kind == ChannelKind.sms:
        return timedelta(days=settings.identity_sms_binding_days)
    return timedelta(minutes=settings.identity_web_binding_minutes)


def current_binding(session: Session, *, sender: str, now: datetime | None = None) -> SenderBinding | None:
    binding = session.get(SenderBinding, sender)
    if binding is None or binding.verified_until <= (now or utcnow()):
        return None
    return binding


def bind(session: Session, *, settings: Settings, sender: str, claim_id: int, method: BindingMethod) -> SenderBinding:
    now = utcnow()
    until = now + binding_period(settings, sender)
    binding = session.get(SenderBinding, sender)
    if binding is None:
        binding = SenderBinding(sender=sender, claim_id=claim_id, method=method, verified_at=now, verified_until=until)
        session.add(binding)
    else:
        binding.claim_id, binding.method = claim_id, method
        binding.verified_at, binding.verified_until = now, until
    session.flush()
    record_audit(
        session,
        actor=f"claimant:{channel_of(sender)[0].value}",
        action="identity.bound",
        entity_type="claim",
        entity_id=claim_id,
        after={"channel": channel_of(sender)[0].value, "method": method.value, "verified_until": until.isoformat()},
    )
    return binding


def _choose_claim(claims: list[Claim], sms_phone: str | None) -> Claim:
    """The claim whose mobile sent the message, else the most recent one."""
    if sms_phone is not None:
        for claim in reversed(claims):
            if claim.claimant.phone == sms_phone:
                return claim
    return claims[-1]


def start(
    session: Session, *, settings: Settings, sms: SmsProvider, sender: str, id_number: str
) -> Verified | Challenge:
    """Verified at once (a bound sender, or the registered mobile itself), else a code is sent."""
    kind, address = channel_of(sender)
    try:
        normalized = normalize_id_number(id_number)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"id_number": str(exc)}) from None
    claims = find_claims_by_id_number(session=session, id_number=normalized, config=config_from(settings))
    if not claims:
        raise NotFoundError(NOT_FOUND_MESSAGE, code="claimant_not_found")
    binding = current_binding(session, sender=sender)
    if binding is not None and binding.claim_id in {c.id for c in claims}:
        return Verified(claim_id=binding.claim_id, verified_until=binding.verified_until)
    claim = _choose_claim(claims, address if kind == ChannelKind.sms else None)
    phone = claim.claimant.phone
    if kind == ChannelKind.sms and hmac.compare_digest(address, phone):
        bound = bind(session, settings=settings, sender=sender, claim_id=claim.id, method=BindingMethod.sms_phone)
        return Verified(claim_id=claim.id, verified_until=bound.verified_until)
    return _send_code(session, settings=settings, sms=sms, sender=sender, claim=claim, phone=phone)


def _send_code(
    session: Session, *, settings: Settings, sms: SmsProvider, sender: str, claim: Claim, phone: str
) -> Challenge:
    now = utcnow()
    recent = session.scalar(
        select(IdentityChallenge)
        .where(
            IdentityChallenge.sender == sender,
            IdentityChallenge.claim_id == claim.id,
            IdentityChallenge.status == ChallengeStatus.pending,
            IdentityChallenge.created_at > now - timedelta(seconds=RESEND_SECONDS),
        )
        .order_by(IdentityChallenge.created_at.desc())
        .limit(1)
    )
    if recent is not None:  # asked again within a minute: the code already sent still holds
        return Challenge(challenge_id=recent.id, phone_masked=recent.phone_masked, expires_at=recent.expires_at)
    sent_last_hour = session.scalar(
        select(func.count())
        .select_from(IdentityChallenge)
        .where(IdentityChallenge.claim_id == claim.id, IdentityChallenge.created_at > now - timedelta(hours=1))
    )
    asked_last_hour = session.scalar(
        select(func.count())
        .select_from(IdentityChallenge)
        .where(IdentityChallenge.sender == sender, IdentityChallenge.created_at > now - timedelta(hours=1))
    )
    limit = settings.identity_otp_per_phone_per_hour
    if (sent_last_hour or 0) >= limit or (asked_last_hour or 0) >= limit:
        raise TooManyRequests("验证码发送次数过多，请一小时后再试，或拨打12333。", code="otp_rate_limited")
    challenge_id = "ch_" + secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(1_000_000):06d}"
    challenge = IdentityChallenge(
        id=challenge_id,
        sender=sender,
        claim_id=claim.id,
        phone_masked=mask_phone(phone),
        code_hash=_code_hash(settings.secret_key, challenge_id, code),
        attempts=0,
        status=ChallengeStatus.pending,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.identity_otp_ttl_seconds),
    )
    session.add(challenge)
    session.flush()
    send_sms(session, sms, phone=phone, template_code="OTP", params={"code": code}, dedup_key=f"otp:{challenge_id}")
    log.info("identity code sent for %s to %s", sender, challenge.phone_masked)
    return Challenge(challenge_id=challenge_id, phone_masked=challenge.phone_masked, expires_at=challenge.expires_at)


def verify(session: Session, *, settings: Settings, challenge_id: str, code: str) -> Verified | WrongCode:
    """Check a code. A wrong code counts an attempt (the caller must commit it before answering)."""
    challenge = session.get(IdentityChallenge, challenge_id, with_for_update=True)
    if challenge is None:
        raise NotFoundError("没有这个验证请求，请重新获取验证码。", code="challenge_not_found")
    if challenge.status == ChallengeStatus.locked or challenge.attempts >= settings.identity_otp_max_attempts:
        raise TooManyRequests("验证码输错次数过多，本次验证已失效，请重新获取验证码。", code="otp_locked")
    if challenge.status == ChallengeStatus.verified:
        raise ChallengeGone("该验证码已经使用过，请重新获取验证码。", code="challenge_used")
    if challenge.expires_at <= utcnow():
        raise ChallengeGone("验证码已过期（5分钟内有效），请重新获取验证码。")
    expected = challenge.code_hash
    given = _code_hash(settings.secret_key, challenge.id, code.strip())
    if not hmac.compare_digest(expected.encode(), given.encode()):
        challenge.attempts += 1
        left = settings.identity_otp_max_attempts - challenge.attempts
        if left <= 0:
            challenge.status = ChallengeStatus.locked
        session.flush()
        return WrongCode(attempts_left=max(0, left))
    challenge.status = ChallengeStatus.verified
    challenge.verified_at = utcnow()
    bound = bind(
        session, settings=settings, sender=challenge.sender, claim_id=challenge.claim_id, method=BindingMethod.otp
    )
    return Verified(claim_id=challenge.claim_id, verified_until=bound.verified_until)


def sender_status(session: Session, *, sender: str) -> SenderBinding | None:
    channel_of(sender)  # a 422 for a malformed sender
    return current_binding(session, sender=sender)


def dev_last_code(session: Session, *, sender: str) -> tuple[IdentityChallenge, str] | None:
    """The latest challenge of `sender` and the code the development SMS outbox recorded for it."""
    from api.notify.models import SmsMessage

    challenge = session.scalar(
        select(IdentityChallenge)
        .where(IdentityChallenge.sender == sender)
        .order_by(IdentityChallenge.created_at.desc())
        .limit(1)
    )
    if challenge is None:
        return None
    sms = session.scalar(select(SmsMessage).where(SmsMessage.dedup_key == f"otp:{challenge.id}"))
    if sms is None:
        return None
    return challenge, str(sms.params.get("code", ""))
