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

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from api.identity.errors import OtpRateLimited
from api.identity.models import IdentityChallenge
from api.settings import Settings

# At most this many of a claim's codes per hour may be asked from one origin while it is a stranger.
STRANGER_SHARE = 2
# Codes an origin may ask an hour, in multiples of the per-sender limit.
ORIGIN_FACTOR = 4


def _count(session: Session, since: datetime, *conditions: ColumnElement[bool]) -> int:
    stmt = select(func.count()).select_from(IdentityChallenge).where(IdentityChallenge.created_at > since, *conditions)
    return int(session.scalar(stmt) or 0)


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
    """Raise TooManyRequests (429) when this sender may not be sent another code now."""
    limit = settings.identity_otp_per_phone_per_hour
    since = now - timedelta(hours=1)
    refused = _count(session, since, IdentityChallenge.sender == sender) >= limit
    refused = refused or _count(session, since, IdentityChallenge.origin == origin) >= limit * ORIGIN_FACTOR
    if claim_id is not None and not refused:
        of_claim = IdentityChallenge.claim_id == claim_id
        if known:
            refused = _count(session, since, of_claim, IdentityChallenge.known_sender.is_(True)) >= limit
        else:
            strangers = IdentityChallenge.known_sender.is_(False)
            refused = _count(session, since, of_claim, strangers) >= limit
            refused = refused or (
                _count(session, since, of_claim, strangers, IdentityChallenge.origin == origin) >= STRANGER_SHARE
            )
    if refused:
        raise OtpRateLimited()
