"""Both channels write the pending question sealed: the row read while the answer is being made holds
no ID number, mobile or code, and the answer that follows is the one to the question as typed."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.channels.enums import OutboundStatus
from api.channels.sealing import PREFIX
from api.channels.wechat.client import RecordingTransport
from devtools.fake_rasa import FakeRasa
from tests.api.channels.conftest import new_msg_id, new_openid, post_wechat, signed_query, text_xml
from tests.api.channels.test_sms import PUSH_URL, new_phone, push_of, sms_sender, sms_to

ID_NUMBER, CODE = "110105199003070025", "482913"


def pending_texts(engine: Engine, sender: str) -> list[str]:
    """The text column of the sender's pending rows, as stored (plain SQL)."""
    sql = text("SELECT text FROM outbound_messages WHERE sender = :s AND status = :st")
    with engine.connect() as conn:
        return [str(t) for t in conn.execute(sql, {"s": sender, "st": OutboundStatus.answering}).scalars()]


def wait_for(check: Callable[[], Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    return check()


def test_a_wechat_question_past_the_passive_window(channel_client: Callable[..., Any], engine: Engine) -> None:
    openid = new_openid()
    mobile = new_phone()
    question = f"我的身份证号{ID_NUMBER}手机{mobile}验证码{CODE}"
    xml = text_xml(openid=openid, content=question, msg_id=new_msg_id())
    with FakeRasa(delay=2.0) as rasa, channel_client(rasa_url=rasa.url, wechat_passive_reply_seconds=0.5) as client:
        transport = client.app.state.channels.dispatcher.senders["wx"].transport  # type: ignore[attr-defined]
        assert isinstance(transport, RecordingTransport)
        assert post_wechat(client, xml, signed_query(openid=openid)).text == "success"
        [raw] = wait_for(lambda: pending_texts(engine, f"wx:{openid}"), 2.0)  # still being answered
        assert raw.startswith(PREFIX)
        assert ID_NUMBER not in raw and mobile not in raw and CODE not in raw
        assert wait_for(lambda: [m for m in transport.sent if m["touser"] == openid], 10.0)
        [seen] = rasa.calls_for(f"wx:{openid}")
    assert ID_NUMBER not in seen and mobile in seen  # the gateway's own handle for the ID number
    assert [m["text"]["content"] for m in transport.sent if m["touser"] == openid] == [f"已收到：{seen}"]


def test_an_sms_question(channel_client: Callable[..., Any], engine: Engine) -> None:
    phone = new_phone()
    question = f"身份证{ID_NUMBER}怎么查进度"
    push = push_of("aliyun_up.json", phone_number=phone, content=question, sequence_id=random.randrange(10**12))
    sender = sms_sender(phone)
    with FakeRasa(delay=2.0) as rasa, channel_client(rasa_url=rasa.url) as client:
        # The test client returns only once the background answer is done: the push runs aside.
        with ThreadPoolExecutor(1) as pool:
            posted = pool.submit(client.post, PUSH_URL, json=push)
            [raw] = wait_for(lambda: pending_texts(engine, sender), 2.0)  # acknowledged, being answered
            assert posted.result(timeout=20).status_code == 200
        assert raw.startswith(PREFIX) and ID_NUMBER not in raw and phone not in raw
        assert wait_for(lambda: sms_to(engine, phone), 10.0)
        [seen] = rasa.calls_for(sender)
    assert seen.startswith("身份证idref_") and seen.endswith("怎么查进度")
    [sent] = sms_to(engine, phone)
    assert sent.template_code == "REPLY_POINTER" and ID_NUMBER not in str(sent.params)
