"""Queries on the claims tables (no rules here)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.claims.models import BackpayMonth, BackpayRequest, Checkin, Claim, Claimant
from policy_kb.benefits.ledger import month_index
from policy_kb.vocab import BackpayStatus


def claim_by_id(session: Session, claim_id: int, *, for_update: bool = False) -> Claim | None:
    stmt = select(Claim).where(Claim.id == claim_id)
    if for_update:
        stmt = stmt.with_for_update(of=Claim)
    return session.scalars(stmt).unique().one_or_none()


def claims_by_id_hash(session: Session, digest: str) -> list[Claim]:
    stmt = select(Claim).join(Claimant).where(Claimant.id_hash == digest).order_by(Claim.id)
    return list(session.scalars(stmt).unique())


def claims_by_phone(session: Session, phone: str) -> list[Claim]:
    stmt = select(Claim).join(Claimant).where(Claimant.phone == phone).order_by(Claim.id)
    return list(session.scalars(stmt).unique())


def claims_by_name_prefix(session: Session, prefix: str, *, limit: int) -> list[Claim]:
    """Claims whose claimant's name is `prefix` or starts with it: exact matches first, at most `limit`.

    Names are stored in clear; LIKE with the wildcards escaped works the same on PostgreSQL and SQLite.
    """
    stmt = (
        select(Claim)
        .join(Claimant)
        .where(Claimant.name.startswith(prefix, autoescape=True))
        .order_by((Claimant.name == prefix).desc(), Claimant.name, Claim.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


def claim_by_natural_key(session: Session, key: str) -> Claim | None:
    return session.scalars(select(Claim).where(Claim.natural_key == key)).unique().one_or_none()


def add_claim(session: Session, claim: Claim) -> Claim | None:
    """Insert a claim; None when one with the same natural key exists (a concurrent request won the race)."""
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        if claim.natural_key is None or claim_by_natural_key(session, claim.natural_key) is None:
            raise
        return None
    return claim


def claimant_by_hash(session: Session, digest: str) -> Claimant | None:
    return session.scalars(select(Claimant).where(Claimant.id_hash == digest)).one_or_none()


def add_claimant(session: Session, claimant: Claimant) -> Claimant:
    """Insert a claimant; under a race on the same ID number, return the row that won."""
    try:
        with session.begin_nested():
            session.add(claimant)
            session.flush()
    except IntegrityError:
        existing = claimant_by_hash(session, claimant.id_hash)
        if existing is None:
            raise
        return existing
    return claimant


def checkin_for(session: Session, claim_id: int, month: str) -> Checkin | None:
    stmt = select(Checkin).where(Checkin.claim_id == claim_id, Checkin.month == month)
    return session.scalars(stmt).one_or_none()


def checked_in_months(session: Session, claim_id: int) -> set[int]:
    stmt = select(Checkin.month).where(Checkin.claim_id == claim_id)
    return {month_index(m) for m in session.scalars(stmt)}


def insert_checkin(session: Session, checkin: Checkin) -> Checkin | None:
    """Insert inside a SAVEPOINT; None when UNIQUE(claim_id, month) says it already exists.

    The database decides, so parallel deliveries of the same check-in record it once
    whatever the timing (a second writer waits for the first and then fails the check).
    """
    try:
        with session.begin_nested():
            session.add(checkin)
            session.flush()
    except IntegrityError:
        return None
    return checkin


def backpay_by_month(session: Session, claim_id: int) -> dict[int, str]:
    stmt = (
        select(BackpayMonth.month, BackpayRequest.status)
        .join(BackpayRequest, BackpayMonth.request_id == BackpayRequest.id)
        .where(BackpayMonth.claim_id == claim_id)
    )
    return {month_index(m): status for m, status in session.execute(stmt)}


def backpay_request(session: Session, claim_id: int, request_id: int) -> BackpayRequest | None:
    stmt = select(BackpayRequest).where(BackpayRequest.id == request_id, BackpayRequest.claim_id == claim_id)
    return session.scalars(stmt).one_or_none()


def backpay_requests(session: Session, claim_id: int) -> list[BackpayRequest]:
    stmt = select(BackpayRequest).where(BackpayRequest.claim_id == claim_id).order_by(BackpayRequest.id)
    return list(session.scalars(stmt))


PENDING_OR_APPROVED = (BackpayStatus.pending_review.value, BackpayStatus.approved.value)
