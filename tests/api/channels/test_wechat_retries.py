"""WeChat retries (one answer, one side effect) and the slow-engine fallback, on both dedup stores."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import xmltodict
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.models import InboundMessage, OutboundMessage
from api.channels.wechat.client import RecordingTransport
from devtools.fake_rasa import FakeRasa
from tests.api.channels.conftest import new_msg_id, new_openid, post_wechat, signed_query, text_xml


def content(body: str) -> str | None:
    if body == "success":
        return None
    value: str = xmltodict.parse(body)["xml"]["Content"]
    return value


def outbound_for(engine: Engine, sender: str) -> list[OutboundMessage]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboundMessage).where(OutboundMessage.sender == sender)))


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_same_msgid_three_times_gets_one_engine_call_and_one_answer(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, dedup_backend: dict[str, Any], engine: Engine
) -> None:
    openid, msg_id = new_openid(), new_msg_id()
    xml = text_xml(openid=openid, content="失业金怎么申领", msg_id=msg_id)
    with channel_client(rasa_url=fake_rasa.url, **dedup_backend) as client:
        # Each retry from WeChat is a new request (new timestamp and nonce) with the same message.
        replies = [post_wechat(client, xml, signed_query(openid=openid)) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert {content(r.text) for r in replies} == {"已收到：失业金怎么申领"}
    assert fake_rasa.calls_for(f"wx:{openid}") == ["失业金怎么申领"]
    assert outbound_for(engine, f"wx:{openid}") == []  # answered passively: nothing sent later


def test_concurrent_retries_while_the_first_is_processing(
    channel_client: Callable[..., Any], dedup_backend: dict[str, Any]
) -> None:
    openid, msg_id = new_openid(), new_msg_id()
    xml = text_xml(openid=openid, content="审核要几天", msg_id=msg_id)
    with FakeRasa(delay=1.0) as rasa, channel_client(rasa_url=rasa.url, **dedup_backend) as client:
        with ThreadPoolExecutor(3) as pool:
            futures = []
            for _ in range(3):
                futures.append(pool.submit(post_wechat, client, xml, signed_query(openid=openid)))
                time.sleep(0.2)  # the retries arrive while the engine is still thinking
            replies = [f.result() for f in futures]
        assert [r.status_code for r in replies] == [200, 200, 200]
        assert {content(r.text) for r in replies} == {"已收到：审核要几天"}
        assert rasa.calls_for(f"wx:{openid}") == ["审核要几天"]


def test_simultaneous_deliveries_of_one_message_create_one_record(
    channel_client: Callable[..., Any], dedup_backend: dict[str, Any], engine: Engine
) -> None:
    """WeChat's retries arriving together (no first delivery ahead of them): one claim, one engine
    call, one answer, one delivery row; the others answer with the first one's reply."""
    openid, msg_id = new_openid(), new_msg_id()
    xml = text_xml(openid=openid, content="怎么办理失业登记", msg_id=msg_id)
    start = threading.Barrier(4)

    def deliver(client: Any) -> Any:
        query = signed_query(openid=openid)
        start.wait()
        return post_wechat(client, xml, query)

    with FakeRasa(delay=0.3) as rasa, channel_client(rasa_url=rasa.url, **dedup_backend) as client:
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(deliver, [client] * 4))
        assert [r.status_code for r in replies] == [200] * 4
        assert {content(r.text) for r in replies} == {"已收到：怎么办理失业登记"}
        assert rasa.calls_for(f"wx:{openid}") == ["怎么办理失业登记"]
    assert outbound_for(engine, f"wx:{openid}") == []
    if dedup_backend["redis_url"] is None:
        with Session(engine) as session:
            keys = session.scalars(select(InboundMessage.key).where(InboundMessage.key == f"wx:msg:{msg_id}")).all()
        assert keys == [f"wx:msg:{msg_id}"]


@pytest.mark.slow
def test_slow_engine_falls_back_to_customer_service_within_five_seconds(
    channel_client: Callable[..., Any], dedup_backend: dict[str, Any], engine: Engine
) -> None:
    openid, msg_id = new_openid(), new_msg_id()
    sender = f"wx:{openid}"
    xml = text_xml(openid=openid, content="我被辞退了能领多久", msg_id=msg_id)
    with FakeRasa(delay=4.8) as rasa, channel_client(rasa_url=rasa.url, **dedup_backend) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        assert isinstance(transport, RecordingTransport)
        started = time.monotonic()
        first = post_wechat(client, xml, signed_query(openid=openid))
        elapsed = time.monotonic() - started
        assert first.status_code == 200
        assert first.text == "success"
        assert 3.5 < elapsed < 5.0, elapsed
        # WeChat retries at about 5 s; the answer is on its way, so the retry is not answered twice.
        retry = post_wechat(client, xml, signed_query(openid=openid))
        assert retry.text == "success"
        assert wait_until(lambda: len(transport.sent) == 1, 6.0)
        assert transport.sent[0]["touser"] == openid
        assert transport.sent[0]["text"] == {"content": "已收到：我被辞退了能领多久"}
        assert wait_until(lambda: [m.status for m in outbound_for(engine, sender)] == ["sent"], 3.0)
        late_retry = post_wechat(client, xml, signed_query(openid=openid))
        assert late_retry.text == "success"
        time.sleep(0.3)
        assert rasa.calls_for(sender) == ["我被辞退了能领多久"]
        assert len(transport.sent) == 1
        assert transport.token_fetches == 1  # the access token was fetched once and cached


def test_a_long_answer_continues_by_customer_service(channel_client: Callable[..., Any], engine: Engine) -> None:
    openid = new_openid()
    question = "请问" * 450  # the fake engine repeats it: a 904-character answer
    with FakeRasa() as rasa, channel_client(rasa_url=rasa.url) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        response = post_wechat(client, text_xml(openid=openid, content=question), signed_query(openid=openid))
        first = content(response.text)
        assert first is not None and len(first) <= 600
        assert transport.sent == []  # the rest waits for the passive reply to arrive first
        assert wait_until(lambda: len(transport.sent) == 1, 5.0)
        rest = transport.sent[0]["text"]["content"]
        assert first + rest == "已收到：" + question
        assert wait_until(lambda: [m.status for m in outbound_for(engine, f"wx:{openid}")] == ["sent"], 3.0)
