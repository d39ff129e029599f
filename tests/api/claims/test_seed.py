"""Demo claims: every region, valid numbers, idempotent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.claims.models import Checkin, Claim
from api.claims.seed import seed_claims
from tests.conftest import make_settings


def test_seed_covers_every_region_once(session: Session, db_url: str) -> None:
    settings = make_settings(db_url)
    first = seed_claims(session, settings)
    assert "新增 14 件" in first
    regions = set(session.scalars(select(Claim.region_code).where(Claim.created_by == "seed")))
    assert regions == {"CN", "120000", "210000", "500000", "370000", "371500", "150000"}
    assert session.scalars(select(Checkin).where(Checkin.recorded_by == "seed")).all()
    assert "新增 0 件" in seed_claims(session, settings)
