"""The WeChat endpoint fed hostile bodies that carry valid signatures (plain and encrypted mode).

Every request is signed correctly, so what is tested is the XML parser and what follows it:
never a 5xx, and a rejected body (4xx) writes nothing (no de-duplication claim, no contact,
no outbound message). Entity tricks (XXE, entity expansion) never reach a reply.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import xmltodict
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from wechatpy.crypto import WeChatCrypto

from api.channels.models import ChannelContact, InboundMessage, OutboundMessage
from api.channels.wechat.settings import DEV_WECHAT_AES_KEY, DEV_WECHAT_TOKEN
from api.main import create_app
from tests.conftest import make_settings
from tests.security.channels import wechat_query

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25")) * 8
APP_ID = "wxdev00000000000000"
TRIED: dict[str, int] = {"plain": 0, "encrypted": 0, "entity": 0}
STATUSES: dict[int, int] = {}

FIELDS = [
    "ToUserName",
    "FromUserName",
    "CreateTime",
    "MsgType",
    "Content",
    "MsgId",
    "Event",
    "EventKey",
    "Recognition",
    "MediaId",
    "PicUrl",
    "Encrypt",
    "xml",
    "Location_X",
]
MSG_TYPES = ["text", "voice", "event", "image", "location", "link", "video", "shortvideo", "file", "", "TEXT"]
EVENTS = ["subscribe", "unsubscribe", "CLICK", "VIEW", "LOCATION", "SCAN", ""]


def _values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=60),
        st.sampled_from(MSG_TYPES + EVENTS + ["oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "gh_3f2c8a1b9d7e", "-1", "0", "1e9"]),
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.text(alphabet="<>&;\"'/[]!-CDATA", max_size=40),
        st.just("x" * 5000),
    )


@st.composite
def wechat_xml(draw: st.DrawFn) -> str:
    """Mostly message-shaped XML with odd fields and values, sometimes plain junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=300))
    parts = []
    if draw(st.booleans()):  # well-formed enough to get past the parser: odd values deeper in
        ident = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
        parts += [
            f"<ToUserName>{draw(ident)}</ToUserName>",
            f"<FromUserName>{draw(ident)}</FromUserName>",
            f"<MsgType>{draw(st.sampled_from(MSG_TYPES[:-2]))}</MsgType>",
            f"<Event>{draw(st.sampled_from(EVENTS))}</Event>",
            f"<CreateTime>{draw(st.integers(-(10**12), 10**30))}</CreateTime>",
        ]
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=10)):
        value = draw(_values())
        if draw(st.booleans()):
            value = f"<![CDATA[{value}]]>"
        elif draw(st.booleans()):
            value = f"<inner>{value}</inner><inner/>"
        parts.append(f"<{name}>{value}</{name}>")
    root = draw(st.sampled_from(["xml", "xml", "xml", "XML", "root"]))
    body = f"<{root}>{''.join(parts)}</{root}>"
    return draw(st.sampled_from(["", '<?xml version="1.0" encoding="utf-8"?>'])) + body


ENTITY_BODIES = [
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh_a</ToUserName><FromUserName>oXXE</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>11</MsgId></xml>",
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>'
    "<xml><ToUserName>gh_a</ToUserName><FromUserName>oLol</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&f;</Content><MsgId>12</MsgId></xml>",
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><xml/>',
]


class Endpoint:
    def __init__(self, client: TestClient, engine: Engine) -> None:
        self.client = client
        self.engine = engine
        self.crypto = WeChatCrypto(DEV_WECHAT_TOKEN, DEV_WECHAT_AES_KEY, APP_ID)

    def counts(self) -> tuple[int, int, int]:
        with Session(self.engine) as s:
            return tuple(
                s.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                for m in (InboundMessage, ChannelContact, OutboundMessage)
            )

    def post(self, body: str | bytes, *, encrypted: bool = False) -> Any:
        query = wechat_query("oFuzz")
        if encrypted:
            envelope = self.crypto.encrypt_message(
                body if isinstance(body, str) else body.decode("utf-8", "replace"), query["nonce"], query["timestamp"]
            )
            data = xmltodict.parse(envelope)["xml"]
            query |= {"encrypt_type": "aes", "msg_signature": data["MsgSignature"]}
            body = f"<xml><ToUserName>gh_a</ToUserName><Encrypt>{data['Encrypt']}</Encrypt></xml>"
        return self.client.post("/channels/wechat", params=query, content=body)

    def check(self, body: str | bytes, *, encrypted: bool = False) -> Any:
        before = self.counts()
        response = self.post(body, encrypted=encrypted)
        STATUSES[response.status_code] = STATUSES.get(response.status_code, 0) + 1
        assert response.status_code < 500, (response.status_code, response.text, body)
        if 400 <= response.status_code < 500:
            assert self.counts() == before, ("a rejected body wrote a record", body)
            assert response.json()["error"]["message"]  # a clear (Chinese) reason
        return response


@pytest.fixture(scope="module")
def endpoint(private_db_url: str) -> Iterator[Endpoint]:
    app = create_app(
        make_settings(
            private_db_url, outbound_sweep_seconds=0, channel_rate_per_minute=100_000, channel_rate_per_day=1_000_000
        )
    )
    with TestClient(app) as client:
        yield Endpoint(client, app.state.engine)


def test_generated_plain_bodies(endpoint: Endpoint) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(wechat_xml())
    def run(body: str) -> None:
        TRIED["plain"] += 1
        endpoint.check(body)

    run()


def test_generated_bodies_inside_the_encrypted_envelope(endpoint: Endpoint) -> None:
    @settings(max_examples=EXAMPLES // 2, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(wechat_xml())
    def run(body: str) -> None:
        TRIED["encrypted"] += 1
        endpoint.check(body, encrypted=True)

    run()


def test_garbled_envelopes_with_valid_signatures(endpoint: Endpoint) -> None:
    @settings(max_examples=EXAMPLES // 4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", max_size=400))
    def run(garbage: str) -> None:
        TRIED["encrypted"] += 1
        query = wechat_query("oFuzz")
        signature = endpoint.crypto.token, query["timestamp"], query["nonce"], garbage
        query |= {"encrypt_type": "aes", "msg_signature": hashlib.sha1("".join(sorted(signature)).encode()).hexdigest()}
        before = endpoint.counts()
        r = endpoint.client.post("/channels/wechat", params=query, content=f"<xml><Encrypt>{garbage}</Encrypt></xml>")
        assert r.status_code < 500, (r.status_code, r.text)
        if r.status_code >= 400:
            assert endpoint.counts() == before

    run()


@pytest.mark.parametrize("body", ENTITY_BODIES, ids=["xxe-file", "entity-expansion", "external-dtd"])
def test_entity_tricks_are_refused_or_inert(endpoint: Endpoint, body: str) -> None:
    TRIED["entity"] += 1
    started = time.monotonic()
    response = endpoint.check(body)
    assert time.monotonic() - started < 5
    assert "root:" not in response.text and "aaaaaaaaaaaaaaaaaaaa" not in response.text


def test_report_cases_tried() -> None:
    print(f"\nwechat xml fuzz: {sum(TRIED.values())} signed requests ({TRIED}), statuses {STATUSES}")
