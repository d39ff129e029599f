"""Fixtures of the channel tests: a fake Rasa on a real socket, apps with committing sessions.

Channel requests commit their de-duplication claims at once (a retry in another
process must see them), so these tests use apps on real, committing sessions
and give every test its own message ids and senders.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from api.channels.wechat.settings import DEV_WECHAT_TOKEN
from devtools.fake_rasa import FakeRasa

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
T0 = 1773104400  # the recorded payloads' timestamp: 2026-03-10 09:00 +08:00


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_query(name: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def sign(timestamp: str, nonce: str, token: str = DEV_WECHAT_TOKEN) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def signed_query(*, timestamp: int | None = None, nonce: str | None = None, openid: str = "o") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or str(random.randrange(10**9, 10**10))
    return {"signature": sign(ts, nonce), "timestamp": ts, "nonce": nonce, "openid": openid}


def new_msg_id() -> str:
    return str(random.randrange(10**16, 10**17))


def new_openid() -> str:
    return "oTest" + uuid.uuid4().hex[:22]


def text_xml(*, openid: str, content: str, msg_id: str | None = None, create_time: int | None = None) -> str:
    """The recorded text message with another sender, text and MsgId."""
    xml = fixture_text("wechat/text.xml")
    xml = xml.replace("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", openid)
    xml = xml.replace("重庆失业金审核要几天？", content)
    xml = xml.replace("24512896381740218", msg_id or new_msg_id())
    if create_time is not None:
        xml = xml.replace(f"<CreateTime>{T0}</CreateTime>", f"<CreateTime>{create_time}</CreateTime>")
    return xml


def post_wechat(client: TestClient, body: str | bytes, query: dict[str, str] | None = None) -> Response:
    return client.post("/channels/wechat", params=query or signed_query(), content=body)


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as rasa:
        yield rasa


@pytest.fixture(params=["database", "redis"])
def dedup_backend(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Settings selecting where deliveries are de-duplicated: the database or Redis."""
    if request.param == "database":
        return {"redis_url": None}
    redis_url = request.getfixturevalue("redis_url")
    return {"redis_url": redis_url, "channels_redis_prefix": request.getfixturevalue("redis_prefix")}


@pytest.fixture
def channel_client(app_factory: Callable[..., FastAPI]) -> Callable[..., Any]:
    """channel_client(**settings) → a context manager giving a TestClient on committing sessions."""

    @contextmanager
    def build(**overrides: Any) -> Iterator[TestClient]:
        overrides.setdefault("outbound_sweep_seconds", 0)
        with TestClient(app_factory(**overrides)) as client:
            yield client

    return build
