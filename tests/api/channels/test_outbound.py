"""The outbound queue: durable rows, delivery rules per channel, the WeChat 48-hour window and quota."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.models import ChannelContact, OutboundMessage
from api.channels.outbound import (
    MAX_IN_FLIGHT,
    OutboundDispatcher,
    queue_message,
    record_inbound,
    take_pending,
)
from api.channels.sms.sender import SmsSender
from api.channels.web.owners import COOKIE, check_or_bind
from api.channels.wechat.client import AccessTokenCache, CustomerService, RecordingTransport
from api.channels.wechat.sender import WeChatSender, split_text
from api.db import make_sessionmaker, utcnow
from api.errors import ValidationFailed
from api.notify import OutboxProvider
from api.notify.models import SmsMessage
from api.notify.templates import SIGN


def wx() -> str:
    return f"wx:oOut{uuid.uuid4().hex[:20]}"


def dispatcher_for(
    engine: Engine, transport: RecordingTransport | None = None, *, max_per_window: int = 20
) -> OutboundDispatcher:
    transport = transport or RecordingTransport()
    sessions = make_sessionmaker(engine)
    wechat = WeChatSender(
        sessions=sessions,
        customer_service=CustomerService(transport, AccessTokenCache(transport, redis=None, prefix="t:")),
        window=timedelta(hours=48),
        max_per_window=max_per_window,
    )
    return OutboundDispatcher(
        sessions=sessions,
        senders={"wx": wechat, "sms": SmsSender(sessions=sessions, provider=OutboxProvider())},
        database_url=engine.url.render_as_string(hide_password=False),
    )


def queue(engine: Engine, sender: str, text: str, *, inbound_hours_ago: float | None = None, **kw: Any) -> int:
    with make_sessionmaker(engine)() as session:
        if inbound_hours_ago is not None:
            record_inbound(session, sender=sender, at=utcnow() - timedelta(hours=inbound_hours_ago))
        row = queue_message(session, sender=sender, text=text, **kw)
        session.commit()
        return row.id


def row(engine: Engine, message_id: int) -> OutboundMessage:
    with Session(engine) as session:
        found = session.get(OutboundMessage, message_id)
        assert found is not None
        return found


def deliver(dispatcher: OutboundDispatcher, *ids: int) -> None:
    asyncio.run(dispatcher.deliver(list(ids)))


def test_wechat_within_the_window_is_sent_once(engine: Engine) -> None:
    transport = RecordingTransport()
    dispatcher, sender = dispatcher_for(engine, transport), wx()
    message_id = queue(engine, sender, "您的诉求已有答复。", inbound_hours_ago=1)
    deliver(dispatcher, message_id, message_id)
    deliver(dispatcher, message_id)
    sent = row(engine, message_id)
    assert sent.status == "sent" and sent.delivered_at is not None and sent.attempts == 1
    assert transport.sent == [
        {
            "access_token": "dev-access-token-1",
            "touser": sender.removeprefix("wx:"),
            "msgtype": "text",
            "text": {"content": "您的诉求已有答复。"},
        }
    ]
    with Session(engine) as session:
        contact = session.get(ChannelContact, sender)
        assert contact is not None and contact.sent_in_window == 1


@pytest.mark.parametrize("hours_ago", [None, 48.5])
def test_wechat_outside_the_48_hour_window_is_undeliverable(engine: Engine, hours_ago: float | None) -> None:
    transport = RecordingTransport()
    message_id = queue(engine, wx(), "提醒：本月按月申领还未办理。", inbound_hours_ago=hours_ago)
    deliver(dispatcher_for(engine, transport), message_id)
    refused = row(engine, message_id)
    assert refused.status == "undeliverable"
    assert refused.reason is not None and "48小时" in refused.reason
    assert transport.sent == []


def test_wechat_count_per_window(engine: Engine) -> None:
    transport, sender = RecordingTransport(), wx()
    dispatcher = dispatcher_for(engine, transport, max_per_window=2)
    ids = [queue(engine, sender, f"第{i}条", inbound_hours_ago=0.1) for i in range(3)]
    deliver(dispatcher, *ids)
    assert [row(engine, i).status for i in ids] == ["sent", "sent", "undeliverable"]
    assert "条数限制" in (row(engine, ids[2]).reason or "")
    # The user writes again: a new window opens.
    with make_sessionmaker(engine)() as session:
        record_inbound(session, sender=sender)
        session.commit()
    again = queue(engine, sender, "新窗口")
    deliver(dispatcher, again)
    assert row(engine, again).status == "sent"


def test_wechat_error_codes(engine: Engine) -> None:
    transport = RecordingTransport(fail_with=[45015, 40001])
    dispatcher = dispatcher_for(engine, transport)
    out_of_time = queue(engine, wx(), "甲", inbound_hours_ago=1)
    deliver(dispatcher, out_of_time)
    assert row(engine, out_of_time).status == "undeliverable"
    assert "45015" in (row(engine, out_of_time).reason or "")
    # An expired token: fetched again once and the message goes out.
    expired_token = queue(engine, wx(), "乙", inbound_hours_ago=1)
    deliver(dispatcher, expired_token)
    assert row(engine, expired_token).status == "sent"
    assert transport.token_fetches == 2
    assert transport.sent[-1]["access_token"] == "dev-access-token-2"
    # WeChat busy: back in the queue for later, not lost and not sent twice.
    transport.fail_with = [-1]
    busy = queue(engine, wx(), "丙", inbound_hours_ago=1)
    deliver(dispatcher, busy)
    later = row(engine, busy)
    assert later.status == "queued" and later.attempts == 1
    assert later.next_attempt_at is not None and later.next_attempt_at > utcnow()
    deliver(dispatcher, busy)  # not due yet
    assert row(engine, busy).attempts == 1


def test_long_wechat_text_goes_in_parts(engine: Engine) -> None:
    transport = RecordingTransport()
    text = "\n".join(["政策说明第一段" * 20, "第二段" * 100, "第三段" * 150])
    message_id = queue(engine, wx(), text, inbound_hours_ago=1)
    deliver(dispatcher_for(engine, transport), message_id)
    parts = [m["text"]["content"] for m in transport.sent]
    assert len(parts) == len(split_text(text)) >= 2
    assert all(len(p) <= 600 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_sms_free_text_becomes_the_pointer_template(engine: Engine) -> None:
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    message_id = queue(engine, f"sms:{phone}", "您的诉求（工单号 A-20260310-0001）已办结，感谢您的回访评价。")
    stored = row(engine, message_id)
    assert stored.sms_template == "REPLY_POINTER"
    assert stored.sms_params == {"summary": "您的诉求（工单号 A-20260310…"}
    deliver(dispatcher_for(engine), message_id)
    with Session(engine) as session:
        (sms,) = session.scalars(select(SmsMessage).where(SmsMessage.phone == phone))
    assert sms.template_code == "REPLY_POINTER"
    assert sms.text.startswith(SIGN) and sms.text.endswith("详细答复请在微信公众号查看或拨打12333。")
    assert row(engine, message_id).status == "sent"


def test_sms_with_an_approved_template(engine: Engine) -> None:
    phone = f"136{uuid.uuid4().int % 10**8:08d}"
    params = {"number": "A-0001", "respond_by": "2026-03-12"}
    message_id = queue(engine, f"sms:{phone}", "", sms_template="TICKET_CREATED", sms_params=params)
    deliver(dispatcher_for(engine), message_id)
    with Session(engine) as session:
        (sms,) = session.scalars(select(SmsMessage).where(SmsMessage.phone == phone))
    assert sms.text == f"{SIGN}您的诉求已受理，编号A-0001，我们将于2026-03-12前答复您。"


def test_queue_refuses_what_cannot_be_sent(session: Session) -> None:
    phone = f"sms:135{uuid.uuid4().int % 10**8:08d}"
    with pytest.raises(ValidationFailed):
        queue_message(session, sender=phone, text="x", sms_template="OTP", sms_params={"code": "1234567"})
    with pytest.raises(ValidationFailed):
        queue_message(session, sender=phone, text="x", sms_template="NO_SUCH_TEMPLATE", sms_params={})
    with pytest.raises(ValidationFailed):
        queue_message(session, sender="email:someone", text="x")
    empty = wx()
    with pytest.raises(ValidationFailed):
        queue_message(session, sender=empty, text="   ")
    senders = (phone, "email:someone", empty)
    assert session.scalars(select(OutboundMessage).where(OutboundMessage.sender.in_(senders))).all() == []


def test_dedup_key_queues_once(session: Session) -> None:
    first = queue_message(session, sender="wx:oDedup", text="一", dedup_key="ticket:1:created")
    second = queue_message(session, sender="wx:oDedup", text="一", dedup_key="ticket:1:created")
    assert first.id == second.id
    assert len(session.scalars(select(OutboundMessage).where(OutboundMessage.sender == "wx:oDedup")).all()) == 1


def test_web_messages_are_stored_for_the_page(client: TestClient, session: Session) -> None:
    sender = "web-abc123-0123456789abcdef"
    queue_message(session, sender=f"web:{sender}", text="您的诉求已有答复：请携带身份证到窗口办理。")
    check_or_bind(session, sender=f"web:{sender}", token="browser-session-token-0001")  # the page's first message
    session.flush()
    # Only the browser that owns the conversation reads it (its session cookie), nobody by sender id.
    assert client.get("/v1/chat/messages", params={"sender": sender}).status_code == 403
    client.cookies.set(COOKIE, "browser-session-token-0001")
    first = client.get("/v1/chat/messages", params={"sender": sender})
    assert first.status_code == 200
    (message,) = first.json()["messages"]
    assert message["text"] == "您的诉求已有答复：请携带身份证到窗口办理。"
    after = client.get("/v1/chat/messages", params={"sender": sender, "after": message["id"]})
    assert after.json() == {"messages": []}
    assert client.get("/v1/chat/messages", params={"sender": "web-other-0123456789abcdef"}).status_code == 403
    short = client.get("/v1/chat/messages", params={"sender": "web-1"})
    assert short.status_code == 422 and "会话标识太短" in short.json()["error"]["message"]


def test_committed_rows_are_delivered_by_the_running_app(channel_client: Callable[..., Any], engine: Engine) -> None:
    """What a ticket or reminder queues in its own transaction goes out once that commits."""
    sender = wx()
    with channel_client() as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        sessions = client.app.state.sessionmaker  # type: ignore[attr-defined]
        with sessions() as session:
            record_inbound(session, sender=sender)
            message_id = queue_message(session, sender=sender, text="您的诉求已受理。").id
            session.commit()
        deadline = time.monotonic() + 5
        while row(engine, message_id).status != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert row(engine, message_id).status == "sent"
        assert [m["text"]["content"] for m in transport.sent] == ["您的诉求已受理。"]


def test_sweep_delivers_rows_queued_elsewhere(engine: Engine) -> None:
    sender = wx()
    message_id = queue(engine, sender, "来自提醒任务", inbound_hours_ago=2)
    transport = RecordingTransport()
    delivered = asyncio.run(dispatcher_for(engine, transport).sweep())
    assert delivered >= 1
    assert row(engine, message_id).status == "sent"
    assert transport.sent[-1]["touser"] == sender.removeprefix("wx:")


def test_the_app_sweeps_rows_it_was_not_told_about(channel_client: Callable[..., Any], engine: Engine) -> None:
    """A row queued by another process (no after-commit wake here) is picked up by the periodic sweep."""
    sender = wx()
    with channel_client(outbound_sweep_seconds=0.2) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        with make_sessionmaker(engine)() as session:
            record_inbound(session, sender=sender)
            message_id = queue_message(session, sender=sender, text="提醒：请按时办理按月申领。").id
            take_pending(session)  # as if queued elsewhere: nobody in this process is woken
            session.commit()
        deadline = time.monotonic() + 5
        while row(engine, message_id).status != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert row(engine, message_id).status == "sent"
        assert transport.sent[-1]["text"] == {"content": "提醒：请按时办理按月申领。"}


class SlowTransport(RecordingTransport):
    """Takes its time over each send and notes the most sends it had in flight at once."""

    in_flight: int = 0
    most: int = 0

    async def custom_send(self, access_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.02)
            return await super().custom_send(access_token, payload)
        finally:
            self.in_flight -= 1


def test_a_burst_of_commits_is_delivered_at_most_max_in_flight_at_a_time(engine: Engine) -> None:
    """Each commit wakes its own delivery; a burst queues behind MAX_IN_FLIGHT instead of taking every
    worker thread and waiting past the HTTP pool's timeout."""
    ids = [queue(engine, wx(), "您的诉求已受理。", inbound_hours_ago=1) for _ in range(3 * MAX_IN_FLIGHT)]
    transport = SlowTransport()
    dispatcher = dispatcher_for(engine, transport)

    async def burst() -> None:
        await asyncio.gather(*(dispatcher.deliver([message_id]) for message_id in ids))

    asyncio.run(burst())
    assert {row(engine, message_id).status for message_id in ids} == {"sent"}
    assert 1 < transport.most <= MAX_IN_FLIGHT
