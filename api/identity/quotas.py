"""How many one-time codes may be asked, so that nobody can flood a mobile or lock a claimant out.

Finding 3 of issue 12: one hourly cap per claim, counted over every sender, let five
anonymous web senders typing someone's ID number use up that claimant's codes. The
caps now count what a client cannot change at will:

- per sender: at most `identity_otp_per_phone_per_hour` codes an hour over all ID
  numbers; per origin (the client address the gateway saw, "ip:<hash>", or the sender
  itself when there is none: a WeChat OpenID, an SMS pseudonym) ORIGIN_FACTOR times
  that, since one address may be a service hall or an office behind NAT. A new web
  sender id on the same connection is the same origin.
- per claim, strangers (senders never verified for it) share the claim's hourly cap,
  and one origin takes at most STRANGER_SHARE of it: exhausting it takes several
  distinct networks, not several sender ids.
- per claim, senders verified for it before (the claimant's own WeChat account or
  web session whose binding lapsed) draw on a cap of their own, which strangers
  cannot touch. The registered mobile itself needs no code at all (a message from it
  is the second factor), so SMS from that mobile always gets through.

Decoys (ID numbers without a claim) count for the sender and the origin like codes,
so guessing numbers is as limited as asking codes.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from api.identity.errors import OtpRateLimited
from api.identity.models import IdentityChallenge
from api.settings import Settings
from policy_kb.clock import CHINA_TZ

# At most this many of a claim's codes per hour may be asked from one origin while it is a stranger.
STRANGER_SHARE = 2
# Codes an origin may ask an hour, in multiples of the per-sender limit.
ORIGIN_FACTOR = 4
# The caps count the codes of the last hour.
WINDOW = timedelta(hours=1)


def _count(session: Session, since: datetime, *conditions: ColumnElement[bool]) -> int:
    stmt = select(func.count()).select_from(IdentityChallenge).where(IdentityChallenge.created_at > since, *conditions)
    return int(session.scalar(stmt) or 0)


def _free_at(session: Session, since: datetime, limit: int, *conditions: ColumnElement[bool]) -> datetime | None:
    """When this cap lets one more code through: None now, else when enough of the hour's codes age out."""
    over = _count(session, since, *conditions) - limit
    if over < 0:
        return None
    oldest = session.scalar(
        select(IdentityChallenge.created_at)
        .where(IdentityChallenge.created_at > since, *conditions)
        .order_by(IdentityChallenge.created_at)
        .offset(over)
        .limit(1)
    )
    return (oldest or since) + WINDOW


def wait_message(wait: timedelta, until: datetime) -> str:
    """ "验证码获取次数过多，请在35分钟后（14:20以后）再试。…" in Beijing time."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    clock = until.astimezone(CHINA_TZ).strftime("%H:%M")
    return f"验证码获取次数过多，请在{minutes}分钟后（{clock}以后）再试。也可以用预留手机发短信办理，或拨打12333。"


def check_quotas(
    session: Session,
    *,
    settings: Settings,
    sender: str,
    origin: str,
    claim_id: int | None,
    known: bool,
    now: datetime,
) -> None:
    """Raise TooManyRequests (429) when this sender may not be sent another code now.

    The refusal says how long: `retry_after_seconds` and `retry_at` in the error (and Retry-After),
    the time the last of the caps that refuse lets a code through again.
    """
    limit = settings.identity_otp_per_phone_per_hour
    since = now - WINDOW
    caps: list[tuple[int, tuple[ColumnElement[bool], ...]]] = [
        (limit, (IdentityChallenge.sender == sender,)),
        (limit * ORIGIN_FACTOR, (IdentityChallenge.origin == origin,)),
    ]
    if claim_id is not None:
        of_claim = IdentityChallenge.claim_id == claim_id
        if known:
            caps.append((limit, (of_claim, IdentityChallenge.known_sender.is_(True))))
        else:
            strangers = IdentityChallenge.known_sender.is_(False)
            caps.append((limit, (of_claim, strangers)))
            caps.append((STRANGER_SHARE, (of_claim, strangers, IdentityChallenge.origin == origin)))
    free = [at for cap, conditions in caps if (at := _free_at(session, since, cap, *conditions)) is not None]
    if free:
        until = max(max(free), now + timedelta(seconds=1))
        wait = until - now
        seconds = math.ceil(wait.total_seconds())
        raise OtpRateLimited(
            wait_message(wait, until),
            extra={
                "retry_after_seconds": seconds,
                "retry_at": until.astimezone(CHINA_TZ).isoformat(timespec="seconds"),
            },
            headers={"Retry-After": str(seconds)},
        )
