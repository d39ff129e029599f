"""One-time-code challenges and the senders they verified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow
from api.identity.enums import ChallengeStatus


class IdentityChallenge(Base):
    __tablename__ = "identity_challenges"

    # An unguessable token: knowing it is needed (with the code) to verify.
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sender: Mapped[str] = mapped_column(String(160))
    # None for a decoy: an ID number with no claim gets the same answer as one with a claim
    # (nothing is sent and no code can verify it), so the check reveals nothing.
    claim_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Where the request came from, for quotas a client cannot dodge by changing its sender id:
    # "ip:<hash>" for the web (the gateway's client address), else the sender itself.
    origin: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # The sender was bound to this claim before (its own WeChat, its own mobile): it draws on a
    # quota of its own that strangers typing the claimant's ID number cannot use up.
    known_sender: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    phone_masked: Mapped[str] = mapped_column(String(20))
    # HMAC-SHA256(SECRET_KEY, challenge id + code): the code itself is never stored here.
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=ChallengeStatus.pending)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_identity_challenges_sender", "sender", "created_at"),
        Index("ix_identity_challenges_claim_id", "claim_id", "created_at"),
        Index("ix_identity_challenges_origin", "origin", "created_at"),
    )


class IdentityHandle(Base):
    """What the gateway put in a message instead of an ID number or an SMS code (api/identity/handles.py).

    Holds no clear value: for an ID number the keyed hash the claims are found by
    (api/claims/identity.id_hash) and its mask; for a code the challenge's own
    HMAC of it. Bound to the sender whose message it came from, and short-lived.
    """

    __tablename__ = "identity_handles"

    handle: Mapped[str] = mapped_column(String(40), primary_key=True)
    sender: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64))
    masked: Mapped[str] = mapped_column(String(24))
    challenge_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    origin: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_identity_handles_expires_at", "expires_at"),)


class SenderBinding(Base):
    """A channel sender (wx:<openid>, sms:<mobile>, web:<id>) verified as a claim's claimant."""

    __tablename__ = "sender_bindings"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)
    claim_id: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    verified_until: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_sender_bindings_claim_id", "claim_id"),)
