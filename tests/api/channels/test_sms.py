"""Aliyun SMS up-message pushes, replayed from recorded payloads."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from api.channels.sms.replies import shorten_summary
from api.channels.sms.senders import pseudonym
from api.notify.models import SmsMessage
from api.notify.templates import SIGN, TEMPLATES
from api.settings import DEV_SECRET, DEV_SMS_PUSH_TOKEN
from devtools.fake_rasa import FakeRasa
from tests.api.channels.conftest import fixture_text

PUSH_URL = f"/channels/sms/aliyun/{DEV_SMS_PUSH_TOKEN}"
ACK = {"code": 0, "msg": "接收成功"}


def new_phone() -> str:
    return "139" + f"{random.randrange(10**8):08d}"


def sms_sender(phone: str) -> str:
    """The pseudonymous sender id an SMS conversation runs under (never the mobile)."""
    return pseudonym(DEV_SECRET, phone)


def push_of(name: str, **changes: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(fixture_text(f"sms/{name}"))
    for item in items:
        item.update(changes)
    return items


def sms_to(engine: Engine, phone: str) -> list[SmsMessage]:
    with Session(engine) as session:
        return list(session.scalars(select(SmsMessage).where(SmsMessage.phone == phone).order_by(SmsMessage.id)))


def assert_templated(message: SmsMessage) -> None:
    """Only an approved template's text with its variables: never free text."""
    template = TEMPLATES[message.template_code]
    assert message.text == template.render({k: str(v) for k, v in message.params.items()})
    assert message.text.startswith(SIGN)
    assert all(len(str(v)) <= template.max_var_len for v in message.params.values())


def test_recorded_push_is_acknowledged_and_answered_through_a_template(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine, dedup_backend: dict[str, Any]
) -> None:
    phone = new_phone()
    push = push_of("aliyun_up.json", phone_number=phone, sequence_id=random.randrange(10**12))
    with channel_client(rasa_url=fake_rasa.url, **dedup_backend) as client:
        response = client.post(PUSH_URL, json=push)
    assert response.status_code == 200
    assert response.json() == ACK
    assert fake_rasa.calls_for(sms_sender(phone)) == ["失业金每月几号发放?"]
    assert all(phone not in sender for sender, *_ in fake_rasa.calls)  # Rasa never sees the mobile
    assert fake_rasa.calls[-1][2] == {"channel": "sms", "sequence_id": str(push[0]["sequence_id"])}
    sent = sms_to(engine, phone)
    assert len(sent) == 1
    assert sent[0].template_code == "REPLY_POINTER"
    assert sent[0].params == {"summary": "已收到：失业金每月几号发放"}
    assert_templated(sent[0])


def test_repushed_sequence_id_is_answered_once(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine, dedup_backend: dict[str, Any]
) -> None:
    phone = new_phone()
    push = push_of("aliyun_up.json", phone_number=phone, sequence_id=random.randrange(10**12))
    with channel_client(rasa_url=fake_rasa.url, **dedup_backend) as client:
        answers = [client.post(PUSH_URL, json=push) for _ in range(3)]
    assert [a.json() for a in answers] == [ACK, ACK, ACK]
    assert len(fake_rasa.calls_for(sms_sender(phone))) == 1
    assert len(sms_to(engine, phone)) == 1


def test_simultaneous_repushes_are_answered_once(
    channel_client: Callable[..., Any], engine: Engine, dedup_backend: dict[str, Any]
) -> None:
    phone = new_phone()
    push = push_of("aliyun_up.json", phone_number=phone, sequence_id=random.randrange(10**12))
    start = threading.Barrier(4)

    def deliver(client: Any) -> Any:
        start.wait()
        return client.post(PUSH_URL, json=push)

    with FakeRasa(delay=0.2) as rasa, channel_client(rasa_url=rasa.url, **dedup_backend) as client:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(deliver, [client] * 4))
        assert [a.json() for a in answers] == [ACK] * 4
        assert len(rasa.calls_for(sms_sender(phone))) == 1
    assert len(sms_to(engine, phone)) == 1


def test_batch_push_with_country_prefix(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    first, second = new_phone(), new_phone()
    push = push_of("aliyun_up_batch.json")
    push[0].update(phone_number=first, sequence_id=random.randrange(10**12))
    push[1].update(phone_number="86" + second, sequence_id=random.randrange(10**12))
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = client.post(PUSH_URL, json=push)
    assert response.json() == ACK
    # NFKC folds the full-width comma
    assert fake_rasa.calls_for(sms_sender(first)) == ["我上个月没办按月申领,还能补吗"]
    assert fake_rasa.calls_for(sms_sender(second)) == ["12333电话打不通"]  # full-width digits folded
    for phone in (first, second):
        (message,) = sms_to(engine, phone)
        assert_templated(message)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/channels/sms/aliyun/wrong-token", "aliyun_up.json", 403),
        (PUSH_URL, "aliyun_up_malformed.json", 400),
        (PUSH_URL, "aliyun_up_bad_phone.json", 422),
    ],
)
def test_bad_pushes_are_refused_clearly(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, path: str, body: str, status: int
) -> None:
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = client.post(path, content=fixture_text(f"sms/{body}"), headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert fake_rasa.calls == []


def test_oversized_push_and_wrong_shapes(channel_client: Callable[..., Any], fake_rasa: FakeRasa) -> None:
    with channel_client(rasa_url=fake_rasa.url) as client:
        huge = client.post(PUSH_URL, content=b"[" + b" " * 70_000 + b"]")
        not_a_list = client.post(PUSH_URL, json={"phone_number": "13800001234"})
        not_objects = client.post(PUSH_URL, json=[1, 2])
        too_many = client.post(PUSH_URL, json=push_of("aliyun_up.json") * 101)
    assert huge.status_code == 413
    assert not_a_list.status_code == 422
    assert not_objects.status_code == 422
    assert too_many.status_code == 422
    assert fake_rasa.calls == []


def test_one_bad_message_does_not_sink_the_batch(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    good, long_text = new_phone(), new_phone()
    push = [
        *push_of("aliyun_up.json", phone_number=good, sequence_id=random.randrange(10**12)),
        *push_of("aliyun_up_bad_phone.json", sequence_id=random.randrange(10**12)),
        *push_of("aliyun_up.json", phone_number=long_text, content="长" * 3000, sequence_id=random.randrange(10**12)),
    ]
    with channel_client(rasa_url=fake_rasa.url) as client:
        response = client.post(PUSH_URL, json=push)
    assert response.json() == ACK
    assert fake_rasa.calls_for(sms_sender(good)) == ["失业金每月几号发放?"]
    assert fake_rasa.calls_for(sms_sender(long_text)) == []  # too long for the dialogue: told so by template
    (message,) = sms_to(engine, long_text)
    assert message.params == {"summary": "您的消息太长了，请分几次发送"}
    assert_templated(message)


def test_rate_limited_sender_gets_no_more_sms(
    channel_client: Callable[..., Any], fake_rasa: FakeRasa, engine: Engine
) -> None:
    phone = new_phone()
    with channel_client(rasa_url=fake_rasa.url, channel_rate_per_minute=1) as client:
        for _ in range(3):
            push = push_of("aliyun_up.json", phone_number=phone, sequence_id=random.randrange(10**12))
            assert client.post(PUSH_URL, json=push).json() == ACK
    assert len(fake_rasa.calls_for(sms_sender(phone))) == 1
    assert len(sms_to(engine, phone)) == 1


@pytest.mark.parametrize(
    ("reply", "summary"),
    [
        ("审核需要7个工作日。", "审核需要7个工作日"),
        ("您好！重庆市失业保险金审核时限为7个工作日，从受理次日起算。", "您好"),
        (
            "重庆市失业保险金的审核时限为七个工作日从受理次日起算节假日顺延",
            "重庆市失业保险金的审核时限为七个工作日…",
        ),
        ("您的消息太长了，请分几次发送，每次不超过1000个字。", "您的消息太长了，请分几次发送"),
        ("详见 https://example.gov.cn/a?b=1 【重要】", "详见 重要"),
        ("。。。", "已收到您的咨询"),
    ],
)
def test_replies_are_shortened_to_the_template_variable(reply: str, summary: str) -> None:
    assert shorten_summary(reply) == summary
    assert len(shorten_summary(reply)) <= TEMPLATES["REPLY_POINTER"].max_var_len
    TEMPLATES["REPLY_POINTER"].render({"summary": shorten_summary(reply)})
