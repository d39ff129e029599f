"""Committed claims for reminder tests (the job opens its own sessions)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.claims import service
from api.claims.schemas import CheckinAnswers, ClaimCreate
from api.notify.models import SmsMessage
from policy_kb import default_rule_base
from tests.api.claims.helpers import NO_STOP, claim_body, local

CONFIG = service.ClaimsConfig(secret_key="dev-secret-change-me")


def make(
    factory: sessionmaker[Session],
    region: str,
    start: str,
    months: int,
    checkins: tuple[tuple[str, date], ...] = (),
    **answers: bool,
) -> int:
    with factory() as session, session.begin():
        claim = service.create_claim(
            session=session,
            data=ClaimCreate.model_validate(claim_body(region, start, months)),
            actor="test",
            rule_base=default_rule_base(),
            config=CONFIG,
        )
        for month, day in checkins:
            service.record_checkin(
                session=session,
                claim_id=claim.id,
                month=month,
                channel="web",
                answers=CheckinAnswers.model_validate(NO_STOP | answers),
                at=local(day.year, day.month, day.day),
                actor="test",
                rule_base=default_rule_base(),
                config=CONFIG,
            )
        return claim.id


def reminders(factory: sessionmaker[Session], claim_ids: list[int], month: str) -> dict[int, str]:
    keys = {f"reminder:claim-{i}:{month}": i for i in claim_ids}
    with factory() as session:
        rows = session.scalars(select(SmsMessage).where(SmsMessage.dedup_key.in_(keys))).all()
    return {keys[r.dedup_key]: r.text for r in rows}
