"""The API is killed (SIGKILL) after it acknowledged a message and before it replied: nothing is lost.

WeChat gets "success" when the dialogue engine misses the 5 s passive window, and the Aliyun SMS
push is acknowledged at once; in both cases the answer comes later. Here the dialogue engine (a
stand-in, devtools/fake_rasa.py) takes longer than the passive window, the API process is
killed right after the acknowledgement, and started again on the same database. The reply must
then reach the user exactly once: one WeChat customer-service message at the WeChat stand-in
(tests/fakes/wechat_standin.py), one SMS in the outbox.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.settings import DEV_SMS_PUSH_TOKEN
from devtools.fake_rasa import FakeRasa
from devtools.stack import Stack
from tests.fakes import wechat_standin
from tests.fakes.wechat_standin import WeChatStandIn
from tests.faults.services import wait_healthy
from tests.security.channels import sms_sender, wechat_post, wechat_query, wechat_reply_text, wechat_text_xml

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

RASA_DELAY = 6.0  # longer than the 4 s passive window
TURN_TIMEOUT = 7.5  # the API's RASA_TIMEOUT_SECONDS: the slow turn still succeeds
LEASE = 9  # a pending reply left by a dead process is taken over this many seconds after it was written
SETTLE = 2 * LEASE + RASA_DELAY  # long enough for any second delivery to have happened
ANSWER_PREFIX = "已收到："  # FakeRasa's answer is "已收到：<message>"


@dataclass
class Running:
    stack: Stack
    rasa: FakeRasa
    wechat: WeChatStandIn


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """The API process (SQLite, no Redis) on a slow dialogue engine and the WeChat stand-in."""
    s = Stack(workdir=tmp_path, api_log_level="info")
    with FakeRasa(delay=RASA_DELAY, token=s.rasa_token) as rasa, wechat_standin.running() as wechat:
        s.env_overrides.update(_env(rasa, wechat))
        try:
            s.start_api()
            wait_healthy(s)
            yield Running(stack=s, rasa=rasa, wechat=wechat)
        finally:
            s.stop_all()


def _env(rasa: FakeRasa, wechat: WeChatStandIn) -> dict[str, str]:
    return {
        "RASA_URL": rasa.url,
        "ACTION_SERVER_URL": rasa.url,
        "WECHAT_API": "live",
        "WECHAT_API_BASE": wechat.base_url,
        "WECHAT_APP_ID": wechat.app_id,
        "WECHAT_APP_SECRET": wechat.secret,
        "RASA_TIMEOUT_SECONDS": str(TURN_TIMEOUT),
        "OUTBOUND_SWEEP_SECONDS": "1",
        "PENDING_REPLY_LEASE_SECONDS": str(LEASE),
    }


def _kill_and_restart_api(stack: Stack) -> None:
    proc = stack.procs.pop("api")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    stack.start_api()
    wait_healthy(stack)


def _rows(stack: Stack, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(stack.workdir / "stack.db", timeout=30)) as db:
        return db.execute(sql, args).fetchall()


def _wait_for(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.3)


def test_a_late_wechat_answer_survives_a_kill_after_success(running: Running) -> None:
    stack, rasa, wechat = running.stack, running.rasa, running.wechat
    openid = f"oCrash{uuid.uuid4().hex[:22]}"
    question = "失业金怎么申领"
    body = wechat_text_xml(openid, question, msg_id=random.randrange(10**16, 10**17))

    def sent() -> list[str]:
        with wechat.lock:
            return [m["text"]["content"] for m in wechat.sent if m.get("touser") == openid]

    passive = wechat_reply_text(wechat_post(stack, body, wechat_query(openid), timeout=30))
    assert passive is None  # "success": the engine missed the passive window
    assert rasa.calls_for(f"wx:{openid}") == [question]  # …and is still answering when the API dies
    _kill_and_restart_api(stack)

    _wait_for(sent, timeout=SETTLE + 30)
    time.sleep(SETTLE)  # a second delivery (the old task, a second sweep) would have happened by now
    assert sent() == [f"{ANSWER_PREFIX}{question}"]
    # The killed turn and the one after the restart: at least once towards the engine, once to the user.
    assert rasa.calls_for(f"wx:{openid}") == [question, question]
    statuses = _rows(stack, "SELECT status FROM outbound_messages WHERE sender = ?", f"wx:{openid}")
    assert statuses == [("sent",)]


def test_an_sms_answer_survives_a_kill_after_the_push_acknowledgement(running: Running) -> None:
    stack, rasa = running.stack, running.rasa
    phone = f"13{random.randrange(5, 9)}{random.randrange(10**8):08d}"
    question = "失业金领多久"
    push = [
        {
            "phone_number": phone,
            "send_time": time.strftime("%Y-%m-%d %H:%M:%S"),
            "content": question,
            "sign_name": "失业保险服务",
            "dest_code": "1234",
            "sequence_id": random.randrange(10**9),
        }
    ]

    r = httpx.post(f"{stack.api}/channels/sms/aliyun/{DEV_SMS_PUSH_TOKEN}", json=push, timeout=30)
    assert r.status_code == 200 and r.json()["code"] == 0, r.text
    _wait_for(lambda: rasa.calls_for(sms_sender(phone)), timeout=10)
    assert rasa.calls_for(sms_sender(phone)) == [question]  # answering when the API dies
    _kill_and_restart_api(stack)

    def texts() -> list[str]:
        return [str(t) for (t,) in _rows(stack, "SELECT text FROM sms_outbox WHERE phone = ?", phone)]

    _wait_for(texts, timeout=SETTLE + 30)
    time.sleep(SETTLE)
    assert len(texts()) == 1, texts()
    assert question[:4] in texts()[0]  # the answer's summary in the pointer template
    assert rasa.calls_for(sms_sender(phone)) == [question, question]
    statuses = _rows(stack, "SELECT status FROM outbound_messages WHERE sender = ?", sms_sender(phone))
    assert statuses == [("sent",)]
