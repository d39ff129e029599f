"""Verifying that a channel sender is a claim's claimant, and remembering it.

Two factors are accepted: the ID number (what the claimant knows) together with
either a one-time code sent to the claim's registered mobile, or a message that
itself came from that mobile (an SMS sender whose mobile the SMS channel
recorded, api/channels/sms/senders.py). A verified sender is bound to the claim
for a period that depends on the channel (a WeChat OpenID for months, a web
session for minutes).

The ID number and the code arrive either in clear (integrations) or as handles
that the gateway put in their place (api/identity/handles.py), resolved here for
the sender they belong to.

Codes: 6 random digits, stored only as HMAC-SHA256(SECRET_KEY, challenge id +
code), compared in constant time, valid for 5 minutes and 5 attempts.

The answer to an ID number is the same whether it has a claim or not: a
challenge (for a number without a claim a decoy that sends nothing and verifies
nothing), so the check cannot be used to learn who has a claim.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.channels.outbound import channel_of
from api.channels.sms.senders import registered_phone
from api.claims.identity import id_hash, normalize_id_number
from api.claims.models import Claim
from api.claims.repository import claims_by_id_hash
from api.db import utcnow
from api.identity import handles
from api.identity.enums import BindingMethod, ChallengeStatus
from api.identity.errors import (
    BadIdNumber,
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeUsed,
    CodeOrHandle,
    IdNumberOrHandle,
    OtpLocked,
)
from api.identity.models import IdentityChallenge, SenderBinding
from api.identity.quotas import check_quotas
from api.notify import SmsProvider, send_sms
from api.privacy import mask_phone
from api.settings import Settings
from api.vocab import ChannelKind

log = logging.getLogger(__name__)

# What the claimant is told once an ID number was given, whether it has a claim or not.
CODE_SENT_MESSAGE = "如果该身份证号有申领记录，验证码已发送到预留手机，5分钟内有效。"
RESEND_SECONDS = 60


@dataclass(frozen=True)
class Verified:
    claim_id: int
    verified_until: datetime


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    expires_at: datetime


@dataclass(frozen=True)
class WrongCode:
    attempts_left: int


def _code_hash(secret_key: str, challenge_id: str, code: str) -> str:
    return handles.code_digest(secret_key, challenge_id, code)


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


@dataclass(frozen=True)
class _Asked:
    digest: str  # id_hash of the ID number
    origin: str  # for the quotas: the gateway's client address, else the sender


def _asked(
    session: Session, *, settings: Settings, sender: str, id_number: str | None, id_handle: str | None
) -> _Asked:
    if id_handle is not None:
        resolved = handles.resolve_id(session, handle=id_handle, sender=sender)
        return _Asked(digest=resolved.digest, origin=resolved.origin or sender)
    try:
        normalized = normalize_id_number(id_number or "")
    except ValueError as exc:
        raise BadIdNumber(str(exc)) from None
    return _Asked(digest=id_hash(normalized, secret_key=settings.secret_key), origin=sender)


def start(
    session: Session,
    *,
    settings: Settings,
    sms: SmsProvider,
    sender: str,
    id_number: str | None = None,
    id_handle: str | None = None,
) -> Verified | Challenge:
    """Verified at once (a bound sender, or the registered mobile itself), else a code is sent.

    `id_number` in clear, or `id_handle` (a handle the gateway made from this sender's message).
    """
    kind, _ = channel_of(sender)
    if (id_number is None) == (id_handle is None):
        raise IdNumberOrHandle()
    asked = _asked(session, settings=settings, sender=sender, id_number=id_number, id_handle=id_handle)
    claims = claims_by_id_hash(session, asked.digest)
    if not claims:
        return _decoy(session, settings=settings, sender=sender, origin=asked.origin)
    binding = current_binding(session, sender=sender)
    if binding is not None and binding.claim_id in {c.id for c in claims}:
        return Verified(claim_id=binding.claim_id, verified_until=binding.verified_until)
    # The mobile is the SMS channel's record for this sender, never read from the sender string.
    sms_phone = registered_phone(session, sender) if kind == ChannelKind.sms else None
    claim = _choose_claim(claims, sms_phone)
    phone = claim.claimant.phone
    if sms_phone is not None and hmac.compare_digest(sms_phone, phone):
        bound = bind(session, settings=settings, sender=sender, claim_id=claim.id, method=BindingMethod.sms_phone)
        return Verified(claim_id=claim.id, verified_until=bound.verified_until)
    return _send_code(session, settings=settings, sms=sms, sender=sender, claim=claim, origin=asked.origin)


def _recent(session: Session, *, sender: str, claim_id: int | None, now: datetime) -> IdentityChallenge | None:
    """A pending challenge of this sender for this claim from the last minute: its code still holds."""
    claim_match = IdentityChallenge.claim_id.is_(None) if claim_id is None else IdentityChallenge.claim_id == claim_id
    return session.scalar(
        select(IdentityChallenge)
        .where(
            IdentityChallenge.sender == sender,
            claim_match,
            IdentityChallenge.status == ChallengeStatus.pending,
            IdentityChallenge.created_at > now - timedelta(seconds=RESEND_SECONDS),
        )
        .order_by(IdentityChallenge.created_at.desc())
        .limit(1)
    )


def _new_challenge(
    session: Session, *, settings: Settings, sender: str, claim_id: int | None, origin: str, known: bool, phone: str
) -> tuple[IdentityChallenge, str]:
    now = utcnow()
    challenge_id = "ch_" + secrets.token_urlsafe(24)
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A decoy's hash is of a code nobody was sent, under a key nobody has: it never verifies.
    key = settings.secret_key if claim_id is not None else secrets.token_hex(32)
    challenge = IdentityChallenge(
        id=challenge_id,
        sender=sender,
        claim_id=claim_id,
        origin=origin[:80],
        known_sender=known,
        phone_masked=mask_phone(phone) if phone else "",
        code_hash=_code_hash(key, challenge_id, code),
        attempts=0,
        status=ChallengeStatus.pending,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.identity_otp_ttl_seconds),
    )
    session.add(challenge)
    session.flush()
    return challenge, code


def _decoy(session: Session, *, settings: Settings, sender: str, origin: str) -> Challenge:
    """The answer to an ID number without a claim: like a sent code, but nothing is sent.

    The sender's and the origin's quotas count it (so guessing numbers is limited like asking codes).
    """
    now = utcnow()
    recent = _recent(session, sender=sender, claim_id=None, now=now)
    if recent is not None:
        return Challenge(challenge_id=recent.id, expires_at=recent.expires_at)
    check_quotas(session, settings=settings, sender=sender, origin=origin, claim_id=None, known=False, now=now)
    challenge, _ = _new_challenge(
        session, settings=settings, sender=sender, claim_id=None, origin=origin, known=False, phone=""
    )
    log.info("identity number without a claim from %s: decoy challenge", sender)
    return Challenge(challenge_id=challenge.id, expires_at=challenge.expires_at)


def _known_sender(session: Session, *, sender: str, claim_id: int) -> bool:
    """The sender was verified for this claim before (its binding has lapsed since)."""
    binding = session.get(SenderBinding, sender)
    return binding is not None and binding.claim_id == claim_id


def _send_code(
    session: Session, *, settings: Settings, sms: SmsProvider, sender: str, claim: Claim, origin: str
) -> Challenge:
    now = utcnow()
    recent = _recent(session, sender=sender, claim_id=claim.id, now=now)
    if recent is not None:  # asked again within a minute: the code already sent still holds
        return Challenge(challenge_id=recent.id, expires_at=recent.expires_at)
    known = _known_sender(session, sender=sender, claim_id=claim.id)
    check_quotas(session, settings=settings, sender=sender, origin=origin, claim_id=claim.id, known=known, now=now)
    phone = claim.claimant.phone
    challenge, code = _new_challenge(
        session, settings=settings, sender=sender, claim_id=claim.id, origin=origin, known=known, phone=phone
    )
    send_sms(
        session,
        sms,
        phone=phone,
        template_code="OTP",
        params={"code": code},
        secret_params=("code",),
        dedup_key=f"otp:{challenge.id}",
    )
    log.info("identity code sent for %s to %s", sender, challenge.phone_masked)
    return Challenge(challenge_id=challenge.id, expires_at=challenge.expires_at)


def verify(
    session: Session,
    *,
    settings: Settings,
    challenge_id: str,
    code: str | None = None,
    code_handle: str | None = None,
    for_sender: str | None = None,
) -> Verified | WrongCode:
    """Check a code (in clear, or the handle the gateway put in its place).

    `for_sender`: the conversation a dialogue caller acts for; another sender's challenge is
    "not found" to it. A wrong code counts an attempt (the caller must commit it before answering).
    """
    if (code is None) == (code_handle is None):
        raise CodeOrHandle()
    challenge = session.get(IdentityChallenge, challenge_id, with_for_update=True)
    if challenge is None or (for_sender is not None and challenge.sender != for_sender):
        raise ChallengeNotFound()
    if challenge.status == ChallengeStatus.locked or challenge.attempts >= settings.identity_otp_max_attempts:
        raise OtpLocked()
    if challenge.status == ChallengeStatus.verified:
        raise ChallengeUsed()
    if challenge.expires_at <= utcnow():
        raise ChallengeExpired()
    expected = challenge.code_hash
    if code_handle is not None:
        # Only the sender the challenge was made for can use its own handle.
        given = handles.resolve_code(session, handle=code_handle, sender=challenge.sender, challenge_id=challenge.id)
    else:
        given = _code_hash(settings.secret_key, challenge.id, (code or "").strip())
    if challenge.claim_id is None or given is None or not hmac.compare_digest(expected.encode(), given.encode()):
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


def dev_last_code(session: Session, *, sms: SmsProvider, sender: str) -> tuple[IdentityChallenge, str] | None:
    """The latest challenge of `sender` and the code the development provider "delivered" for it.

    The code is not in the database (the outbox row keeps it redacted): it is what the
    development provider's simulated handset received (api/notify/sms.py DevHandset).
    """
    handset = getattr(sms, "handset", None)
    if handset is None:
        return None
    challenge = session.scalar(
        select(IdentityChallenge)
        .where(IdentityChallenge.sender == sender)
        .order_by(IdentityChallenge.created_at.desc())
        .limit(1)
    )
    if challenge is None:
        return None
    params = handset.received(f"otp:{challenge.id}")
    if params is None:
        return None
    return challenge, str(params.get("code", ""))
