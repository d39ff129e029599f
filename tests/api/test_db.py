"""The database layer: savepoints and rollbacks behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.notify.models import SmsMessage


def _message(key: str) -> SmsMessage:
    return SmsMessage(phone="13800001234", template_code="OTP", params={"code": "1"}, text="t", dedup_key=key)


def _count(engine: Engine, key: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).where(SmsMessage.dedup_key == key)) or 0


@pytest.fixture
def key(request: pytest.FixtureRequest) -> str:
    return f"db-test:{request.node.name}"


def test_committed_inside_a_test_is_rolled_back_after_it(session: Session, engine: Engine, key: str) -> None:
    session.add(_message(key))
    session.commit()  # a savepoint release inside the outer test transaction
    assert session.scalar(select(func.count()).where(SmsMessage.dedup_key == key)) == 1
    session.connection().get_transaction().rollback()  # what the fixture does at teardown
    assert _count(engine, key) == 0


def test_failed_savepoint_keeps_the_outer_transaction(session: Session, key: str) -> None:
    session.add(_message(key))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(_message(key))
        session.flush()
    # The first row survives the rolled-back savepoint; the transaction is still usable.
    assert session.scalar(select(func.count()).where(SmsMessage.dedup_key == key)) == 1
