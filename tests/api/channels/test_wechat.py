"""The WeChat server endpoint with recorded payloads: signatures, modes, message types, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import time_machine
import xmltodict
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from wechatpy.crypto import WeChatCrypto

from api.channels.models import ChannelContact, InboundMessage
from api.channels.wechat.service import UNSUPPORTED, WELCOME
from api.channels.wechat.settings import DEV_WECHAT_AES_KEY, DEV_WECHAT_TOKEN
from devtools.fake_rasa import FakeRasa
from tests.api.channels.conftest import (
    T0,
    fixture_query,
    fixture_text,
    new_openid,
    post_wechat,
    signed_query,
    text_xml,
)

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
APP_ID = "wxdev00000000000000"


def reply_of(body: str) -> dict[str, Any]:
    parsed: dict[str, Any] = xmltodict.parse(body)["xml"]
    return parsed


def test_server_check_echoes_echostr_only_when_signed(channel_client: Callable[..., Any]) -> None:
    query = fixture_query("wechat/server_check.query.json")
    with channel_client() as client, time_machine.travel(T0 + 2, tick=False):
        ok = client.get("/channels/wechat", params=query)
        forged = client.get("/channels/wechat", params={**query, "signature": "0" * 40})
    assert ok.status_code == 200
    assert ok.text == "7026391522816357012"
    assert forged.status_code == 403
    assert forged.json()["error"]["code"] == "bad_signature"


def test_recorded_text_message_gets_passive_reply(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    with channel_client(rasa_url=fake_rasa.url) as client, time_machine.travel(T0 + 3, tick=True):
        response = post_wechat(client, fixture_text("wechat/text.xml"), fixture_query("wechat/text.query.json"))
    assert response.status_code == 200
    reply = reply_of(response.text)
    assert reply["ToUserName"] == OPENID
    assert reply["FromUserName"] == "gh_3f2c8a1b9d7e"
    assert reply["MsgType"] == "text"
    assert reply["Content"] == "已收到：重庆失业金审核要几天?"
    assert fake_rasa.calls == [
        (f"wx:{OPENID}", "重庆失业金审核要几天?", {"channel": "wechat", "msg_id": "24512896381740218"})
    ]
    with Session(engine) as session:
        contact = session.get(ChannelContact, f"wx:{OPENID}")
        assert contact is not None  # the customer-service window is open


def test_recorded_encrypted_message_gets_encrypted_reply(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa
) -> None:
    query = fixture_query("wechat/text_aes.query.json")
    body = fixture_text("wechat/text_aes.xml")
    with channel_client(rasa_url=fake_rasa.url) as client, time_machine.travel(T0 + 3, tick=True):
        response = post_wechat(client, body, query)
        forged = post_wechat(client, body, {**query, "msg_signature": "f" * 40})
    assert response.status_code == 200
    envelope = reply_of(response.text)
    assert "Content" not in envelope  # nothing in clear
    crypto = WeChatCrypto(DEV_WECHAT_TOKEN, DEV_WECHAT_AES_KEY, APP_ID)
    inner = crypto.decrypt_message(response.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
    assert reply_of(inner)["Content"] == "已收到：重庆失业金审核要几天?"
    assert forged.status_code == 403
    assert len(fake_rasa.calls) == 1


def test_encrypted_message_with_wrong_key_is_refused(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    other = WeChatCrypto(DEV_WECHAT_TOKEN, "A" * 43, APP_ID)
    openid = new_openid()
    query = signed_query(openid=openid)
    envelope = reply_of(
        other.encrypt_message(text_xml(openid=openid, content="你好"), query["nonce"], query["timestamp"])
    )
    body = f"<xml><ToUserName>gh_x</ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = post_wechat(client, body, query)
    assert response.status_code in (400, 403)
    assert "error" in response.json()
    assert fake_rasa.calls == []


def test_forged_signature_is_refused_without_side_effect(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    openid = new_openid()
    query = {**signed_query(openid=openid), "signature": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = post_wechat(client, text_xml(openid=openid, content="你好", msg_id="91"), query)
        unsigned = client.post("/channels/wechat", content=text_xml(openid=openid, content="你好"))
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "签名校验失败"
    assert unsigned.status_code == 403
    assert fake_rasa.calls == []
    with Session(engine) as session:
        assert session.get(ChannelContact, f"wx:{openid}") is None


def test_replayed_timestamp_is_refused(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    body, query = fixture_text("wechat/text.xml"), fixture_query("wechat/text.query.json")
    with channel_client(rasa_url=fake_rasa.url) as client:
        for offset in (301, -301, 86_400 * 200):
            with time_machine.travel(T0 + offset, tick=False):
                response = post_wechat(client, body, query)
            assert response.status_code == 403
            assert response.json()["error"]["code"] == "stale_timestamp"
        junk = post_wechat(client, body, {**query, "timestamp": "yesterday"})
    assert junk.status_code == 403
    assert fake_rasa.calls == []


def test_plain_mode_signature_cannot_carry_another_body(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa
) -> None:
    openid = new_openid()
    query = signed_query(openid=openid)
    with channel_client(rasa_url=fake_rasa.url) as client:
        first = post_wechat(client, text_xml(openid=openid, content="问题一", msg_id="7001"), query)
        swapped = post_wechat(client, text_xml(openid=openid, content="问题二", msg_id="7002"), query)
    assert first.status_code == 200
    assert swapped.status_code == 403
    assert swapped.json()["error"]["code"] == "replayed_request"
    assert [m for _, m, _ in fake_rasa.calls] == ["问题一"]


def test_malformed_xml_is_a_clear_400(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    bodies = [
        fixture_text("wechat/malformed.xml"),
        "not xml at all",
        "<xml></xml>",
        "<xml><MsgType>text</MsgType></xml>",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><xml><Content>&a;</Content></xml>',
        text_xml(openid="bad openid!", content="你好"),
        b"\xff\xfe<xml>",
        "",
    ]
    with channel_client(rasa_url=fake_rasa.url) as client:
        for body in bodies:
            response = post_wechat(client, body)
            assert response.status_code in (400, 422), body  # invalid UTF-8 is refused by the input guard (422)
            assert response.json()["error"]["message"]
    assert fake_rasa.calls == []


def test_oversized_body_is_refused_unread(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    openid = new_openid()
    huge = text_xml(openid=openid, content="长" * 20_000)
    with channel_client(rasa_url=fake_rasa.url) as client:
        declared = post_wechat(client, huge)

        def chunks() -> Any:
            for _ in range(40):
                yield b"<xml>" + b"x" * 1000

        chunked = client.post("/channels/wechat", params=signed_query(openid=openid), content=chunks())
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "payload_too_large"
    assert chunked.status_code == 413
    assert fake_rasa.calls == []


def test_subscribe_gets_welcome_and_unsubscribe_nothing(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa
) -> None:
    with channel_client(rasa_url=fake_rasa.url) as client, time_machine.travel(T0 + 1, tick=True):
        welcome = post_wechat(
            client, fixture_text("wechat/subscribe.xml"), fixture_query("wechat/subscribe.query.json")
        )
        bye = post_wechat(
            client, fixture_text("wechat/unsubscribe.xml"), fixture_query("wechat/unsubscribe.query.json")
        )
    assert reply_of(welcome.text)["Content"] == WELCOME
    assert "按月申领" in WELCOME and "12333" in WELCOME
    assert bye.status_code == 200 and bye.text == "success"
    assert fake_rasa.calls == []


def test_other_message_types(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    with channel_client(rasa_url=fake_rasa.url) as client, time_machine.travel(T0 + 1, tick=True):
        image = post_wechat(client, fixture_text("wechat/image.xml"), fixture_query("wechat/image.query.json"))
        location = post_wechat(client, fixture_text("wechat/location.xml"), fixture_query("wechat/location.query.json"))
        voice = post_wechat(client, fixture_text("wechat/voice.xml"), fixture_query("wechat/voice.query.json"))
    assert reply_of(image.text)["Content"] == UNSUPPORTED
    assert reply_of(location.text)["Content"] == UNSUPPORTED
    # A voice message with WeChat's speech recognition goes to the dialogue as text.
    assert reply_of(voice.text)["Content"] == "已收到：失业金怎么申领"
    assert [m for _, m, _ in fake_rasa.calls] == ["失业金怎么申领"]


def test_rate_limit_answers_in_chinese_without_calling_the_engine(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa
) -> None:
    openid = new_openid()
    with channel_client(rasa_url=fake_rasa.url, channel_rate_per_minute=2) as client:
        replies = [
            reply_of(post_wechat(client, text_xml(openid=openid, content=f"问题{i}")).text)["Content"] for i in range(3)
        ]
    assert replies[:2] == ["已收到：问题0", "已收到：问题1"]
    assert "太频繁" in replies[2]
    assert len(fake_rasa.calls) == 2


def test_dedup_rows_are_kept_in_the_database_without_redis(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    openid = new_openid()
    with channel_client(rasa_url=fake_rasa.url) as client:
        post_wechat(client, text_xml(openid=openid, content="你好", msg_id="5550001"))
    with Session(engine) as session:
        row = session.scalar(select(InboundMessage).where(InboundMessage.key == "wx:msg:5550001"))
    assert row is not None
    assert row.state == "answered"
    assert row.reply == "已收到：你好"
