"""A pending reply left behind by a dead process is answered by another process's sweep, once."""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.enums import OutboundStatus
from api.channels.models import OutboundMessage
from api.channels.outbound import record_inbound
from api.channels.pending import Pending, add_pending
from api.channels.sealing import QuestionSeal
from api.channels.sms.senders import remember
from api.channels.wechat.client import RecordingTransport
from api.db import make_sessionmaker
from api.notify.models import SmsMessage
from api.settings import DEV_SECRET
from devtools.fake_rasa import FakeRasa

EXPIRED = timedelta(seconds=-1)  # written by a process that died: its lease is over


def left_behind(engine: Engine, sender: str, question: str, *, phone: str | None = None) -> Pending:
    with make_sessionmaker(engine)() as session:
        if phone is not None:
            sender = remember(session, secret_key=DEV_SECRET, phone=phone)
        record_inbound(session, sender=sender)
        pending = add_pending(
            session,
            sender=sender,
            question=question,
            dedup_key=f"t:{uuid.uuid4()}",
            lease=EXPIRED,
            seal=QuestionSeal(DEV_SECRET),  # the apps below run with the development SECRET_KEY
        )
        session.commit()
    assert pending is not None
    return pending


def status(engine: Engine, pending: Pending) -> str:
    with Session(engine) as session:
        row = session.get(OutboundMessage, pending.id)
        assert row is not None
        return row.status


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_the_sweep_answers_a_wechat_message_its_process_never_answered(
    channel_client: Callable[..., Any], engine: Engine
) -> None:
    openid = f"oLeft{uuid.uuid4().hex[:22]}"
    pending = left_behind(engine, f"wx:{openid}", "失业金怎么申领")
    with FakeRasa() as rasa, channel_client(rasa_url=rasa.url, outbound_sweep_seconds=0.2) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        assert isinstance(transport, RecordingTransport)

        def mine() -> list[dict[str, Any]]:
            return [m for m in transport.sent if m["touser"] == openid]

        assert wait_until(lambda: status(engine, pending) == OutboundStatus.sent, 30)  # a busy machine
        time.sleep(0.6)  # a few more sweeps: nothing is sent again
        assert [m["text"]["content"] for m in mine()] == ["已收到：失业金怎么申领"]
        assert rasa.calls_for(f"wx:{openid}") == ["失业金怎么申领"]
        assert rasa.calls[-1][2] == {"channel": "wechat", "retry_of": pending.dedup_key}


def test_the_sweep_answers_an_sms_its_process_never_answered(
    channel_client: Callable[..., Any], engine: Engine
) -> None:
    phone = "139" + f"{random.randrange(10**8):08d}"
    pending = left_behind(engine, "", "失业金每月几号发放", phone=phone)
    with FakeRasa() as rasa, channel_client(rasa_url=rasa.url, outbound_sweep_seconds=0.2):
        assert wait_until(lambda: status(engine, pending) == OutboundStatus.sent, 30)  # a busy machine
        time.sleep(0.6)
        assert rasa.calls_for(pending.sender) == ["失业金每月几号发放"]
    with Session(engine) as session:
        sent = list(session.scalars(select(SmsMessage).where(SmsMessage.phone == phone)))
    assert [(m.template_code, m.params) for m in sent] == [("REPLY_POINTER", {"summary": "已收到：失业金每月几号发放"})]
    with Session(engine) as session:
        row = session.get(OutboundMessage, pending.id)
        assert row is not None and row.text == "已收到：失业金每月几号发放"  # the question is not kept


def test_a_question_with_an_id_number_is_kept_sealed_and_still_answered_with_its_handle(
    channel_client: Callable[..., Any], engine: Engine
) -> None:
    """The row holds neither the ID number nor the mobile; the takeover opens the question and the
    gateway turns the ID number into a handle for the engine, as for a message answered at once."""
    openid = f"oSeal{uuid.uuid4().hex[:22]}"
    id_number, phone = "110105199003070025", "13800001234"
    question = f"身份证{id_number},手机{phone},查一下进度"
    pending = left_behind(engine, f"wx:{openid}", question)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT text FROM outbound_messages WHERE id = :id"), {"id": pending.id}).scalar_one()
    assert id_number not in raw and phone not in raw and "进度" not in raw
    with FakeRasa() as rasa, channel_client(rasa_url=rasa.url, outbound_sweep_seconds=0.2) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        assert wait_until(lambda: status(engine, pending) == OutboundStatus.sent, 30)  # a busy machine
        [seen] = rasa.calls_for(f"wx:{openid}")
        [sent] = [m["text"]["content"] for m in transport.sent if m["touser"] == openid]
    assert re.fullmatch(rf"身份证idref_[a-z]{{12}},手机{phone},查一下进度", seen)  # the original, handled
    assert sent == f"已收到：{seen}"
