"""One-time-code challenges and the senders they verified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, UtcDateTime, utcnow
from api.identity.enums import ChallengeStatus


class IdentityChallenge(Base):
    __tablename__ = "identity_challenges"

    # An unguessable token: knowing it is needed (with the code) to verify.
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sender: Mapped[str] = mapped_column(String(160))
    claim_id: Mapped[int] = mapped_column(Integer)
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
    )


class SenderBinding(Base):
    """A channel sender (wx:<openid>, sms:<mobile>, web:<id>) verified as a claim's claimant."""

    __tablename__ = "sender_bindings"

    sender: Mapped[str] = mapped_column(String(160), primary_key=True)
    claim_id: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(20))
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    verified_until: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_sender_bindings_claim_id", "claim_id"),)
