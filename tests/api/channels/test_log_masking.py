"""ID numbers and mobile numbers reach the logs only masked, on every channel."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from api.channels.sms.senders import pseudonym
from api.identity.handles import HANDLE
from api.settings import DEV_SECRET, DEV_SMS_PUSH_TOKEN
from devtools.fake_rasa import FakeRasa
from tests.api.channels.conftest import T0, fixture_query, fixture_text, post_wechat

ID_NUMBER, PHONE = "120101198001011234", "13800001234"
ID_MASKED, PHONE_MASKED = "1201**********1234", "138****1234"
TEXT = f"我的身份证号是{ID_NUMBER}，手机{PHONE}，想办理按月申领"


def assert_only_masked(caplog: pytest.LogCaptureFixture) -> None:
    messages = [r.getMessage() for r in caplog.records]
    logged = "\n".join(messages) + caplog.text
    assert ID_NUMBER not in logged
    assert PHONE not in logged
    # The message was logged (so the test can fail), with the numbers masked.
    assert any(ID_MASKED in m and PHONE_MASKED in m for m in messages), messages


def test_wechat_request_logs_are_masked(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with channel_client(rasa_url=fake_rasa.url) as client, time_machine.travel(T0 + 2, tick=True):
        response = post_wechat(client, fixture_text("wechat/text_pii.xml"), fixture_query("wechat/text_pii.query.json"))
    assert response.status_code == 200
    # The engine gets the text with the ID number replaced by a handle (api/identity/handles.py).
    seen = fake_rasa.calls[0][1]
    assert ID_NUMBER not in seen and HANDLE.sub("ID", seen) == TEXT.replace("，", ",").replace(ID_NUMBER, "ID")
    assert_only_masked(caplog)


def test_sms_push_logs_are_masked(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    push = [
        {
            "phone_number": PHONE,
            "send_time": "2026-03-10 09:00:00",
            "content": TEXT,
            "sign_name": "失业保险服务",
            "dest_code": "1234",
            "sequence_id": random.randrange(10**12),
        }
    ]
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = client.post(f"/channels/sms/aliyun/{DEV_SMS_PUSH_TOKEN}", json=push)
    assert response.json() == {"code": 0, "msg": "接收成功"}
    assert_only_masked(caplog)
    # The conversation runs under the mobile's pseudonym, never the mobile.
    assert any(pseudonym(DEV_SECRET, PHONE) in r.getMessage() for r in caplog.records)


def test_web_chat_logs_are_masked(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = client.post("/v1/chat", json={"sender": "web-pii-0123456789abcdef", "message": TEXT})
    assert response.status_code == 200
    assert_only_masked(caplog)
