"""Claims ORM: claimant, claim, month-by-month check-ins, stop events, back-pay requests.

Months are stored as ``YYYY-MM`` text (sortable, the same on SQLite and PostgreSQL).
One check-in per claim and month is enforced by the database (UNIQUE(claim_id, month)), and
one claim per claimant, region layer and start month (UNIQUE natural_key).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.claims.enums import ClaimStatus
from api.db import Base, UtcDateTime, utcnow
from policy_kb.vocab import BackpayStatus


class Claimant(Base):
    __tablename__ = "claimants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(50))
    # HMAC-SHA256 of the ID number keyed with SECRET_KEY; the clear number is never stored.
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    claims: Mapped[list[Claim]] = relationship(back_populates="claimant")


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("claimants.id"), index=True)
    # The rule layer governing the claim (e.g. "120000"), and the division the caller named.
    region_code: Mapped[str] = mapped_column(String(12))
    region_matched_code: Mapped[str] = mapped_column(String(12))
    start_month: Mapped[str] = mapped_column(String(7))
    benefit_months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.active.value)
    stop_from_month: Mapped[str | None] = mapped_column(String(7), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # "<claimant id>:<region layer>:<start month>", UNIQUE: a repeated or concurrent registration of
    # the same entitlement finds this row instead of adding a second (see records.natural_key).
    # NULL only on rows older than the constraint that duplicated an earlier one (migration 0006).
    natural_key: Mapped[str | None] = mapped_column(String(80), nullable=True)

    claimant: Mapped[Claimant] = relationship(back_populates="claims", lazy="joined", innerjoin=True)

    __table_args__ = (Index("uq_claims_natural_key", "natural_key", unique=True),)


class Checkin(Base):
    __tablename__ = "claim_checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    month: Mapped[str] = mapped_column(String(7))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    stop_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("claim_id", "month"),)


class StopEvent(Base):
    __tablename__ = "claim_stop_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("claim_checkins.id"), nullable=True)
    events: Mapped[list[str]] = mapped_column(JSON)
    event_date: Mapped[date] = mapped_column(Date)
    stops_from_month: Mapped[str] = mapped_column(String(7))
    report_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    report_by_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120))


class BackpayRequest(Base):
    __tablename__ = "claim_backpay_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=BackpayStatus.pending_review.value)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    requested_by: Mapped[str] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(60), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(String(500), nullable=True)

    months: Mapped[list[BackpayMonth]] = relationship(
        back_populates="request", lazy="selectin", order_by="BackpayMonth.month"
    )


class BackpayMonth(Base):
    """One month asked for in a back-pay request; a month can be asked for once per claim."""

    __tablename__ = "claim_backpay_months"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("claim_backpay_requests.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    month: Mapped[str] = mapped_column(String(7))

    request: Mapped[BackpayRequest] = relationship(back_populates="months")

    __table_args__ = (UniqueConstraint("claim_id", "month"),)
