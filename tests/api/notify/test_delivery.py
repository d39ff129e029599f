"""send_sms with a live provider (per-mobile limits, error codes) and delivery receipts, on both databases."""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.notify import send_sms
from api.notify.limits import MobileLimits
from api.notify.models import SmsMessage
from api.notify.providers import AliyunSmsProvider, TencentSmsProvider
from api.settings import DEV_SMS_PUSH_TOKEN
from tests.fakes.sms_standins import running

TEMPLATES = {"OTP": "SMS_465390001"}


def _phone() -> str:
    return "139" + f"{secrets.randbelow(10**8):08d}"


def test_a_sent_message_records_provider_and_id_and_the_per_mobile_limit_holds_the_next(session: Session) -> None:
    phone = _phone()
    with running("aliyun") as standin:
        provider = AliyunSmsProvider(
            access_key_id="LTAI5tStandInKeyId",
            access_key_secret="stand-in-secret",
            sign_name="失业保险服务",
            template_ids=TEMPLATES,
            endpoint=standin.endpoint,
            protocol="http",
            mobile_limits=MobileLimits(per_30s=1, per_hour=5, per_day=10),
        )
        first = send_sms(
            session, provider, phone=phone, template_code="OTP", params={"code": "111111"}, dedup_key=f"otp:{phone}:1"
        )
        second = send_sms(
            session, provider, phone=phone, template_code="OTP", params={"code": "222222"}, dedup_key=f"otp:{phone}:2"
        )
    assert first is not None and (first.status, first.provider) == ("sent", "aliyun")
    assert first.provider_message_id == "900619746936498440^0"
    # A second code within 30 s would be refused by the provider (isv.BUSINESS_LIMIT_CONTROL): held instead.
    assert second is not None and (second.status, second.error_code) == ("retry", "local_limit_30s")
    assert len(standin.received) == 1


def test_a_provider_error_is_stored_with_its_code(session: Session) -> None:
    phone = _phone()
    with running("tencent", key_id="AKIDStandInSecretId") as standin:
        standin.outcome = "invalid_number"
        provider = TencentSmsProvider(
            secret_id="AKIDStandInSecretId",
            secret_key="stand-in-secret",
            sdk_app_id="1400006666",
            sign_name="失业保险服务",
            template_ids=TEMPLATES,
            endpoint=standin.endpoint,
            protocol="http",
        )
        sent = send_sms(
            session, provider, phone=phone, template_code="OTP", params={"code": "333333"}, dedup_key=f"otp:{phone}:t"
        )
    assert sent is not None
    assert (sent.status, sent.error_code) == ("failed", "InvalidParameterValue.IncorrectPhoneNumber")


def _outbox_row(engine: Engine, provider: str, message_id: str) -> int:
    with Session(engine) as s, s.begin():
        row = SmsMessage(
            phone=_phone(),
            template_code="OTP",
            params={},
            text="…",
            dedup_key=f"t:{message_id}",
            status="sent",
            provider=provider,
            provider_message_id=message_id,
        )
        s.add(row)
        s.flush()
        return row.id


def _row(engine: Engine, row_id: int) -> SmsMessage:
    with Session(engine) as s:
        found = s.scalar(select(SmsMessage).where(SmsMessage.id == row_id))
        assert found is not None
        return found


def test_aliyun_receipts_are_recorded_once(committed_client: TestClient, engine: Engine) -> None:
    biz_id = f"{secrets.randbelow(10**12)}^0"
    row_id = _outbox_row(engine, "aliyun", biz_id)
    push = [
        {
            "phone_number": "13800001234",
            "send_time": "2026-03-10 09:00:00",
            "report_time": "2026-03-10 09:00:05",
            "success": True,
            "err_code": "DELIVERED",
            "err_msg": "用户接收成功",
            "sms_size": "1",
            "biz_id": biz_id,
            "out_id": "",
        },
        {"biz_id": "unknown^0", "success": False, "err_code": "MK:0001"},
    ]
    url = f"/channels/sms-reports/aliyun/{DEV_SMS_PUSH_TOKEN}"
    for _ in range(2):  # pushed again: the same state
        r = committed_client.post(url, json=push)
        assert r.status_code == 200, r.text
        assert r.json() == {"code": 0, "msg": "成功"}
    row = _row(engine, row_id)
    assert (row.delivery_status, row.delivery_code) == ("delivered", "DELIVERED")
    assert row.delivered_at is not None and row.delivered_at.isoformat().startswith("2026-03-10T01:00:05")


def test_tencent_failure_receipt_is_recorded(committed_client: TestClient, engine: Engine) -> None:
    sid = f"2028:{secrets.token_hex(8)}"
    row_id = _outbox_row(engine, "tencent", sid)
    push = [
        {
            "user_receive_time": "2026-03-10 09:00:05",
            "nationcode": "86",
            "mobile": "13800001234",
            "report_status": "FAIL",
            "errmsg": "MN:0017",
            "description": "空号",
            "sid": sid,
        }
    ]
    r = committed_client.post(f"/channels/sms-reports/tencent/{DEV_SMS_PUSH_TOKEN}", json=push)
    assert (r.status_code, r.json()) == (200, {"result": 0, "errmsg": "OK"})
    row = _row(engine, row_id)
    assert (row.delivery_status, row.delivery_code, row.delivered_at) == ("undelivered", "MN:0017", None)


def test_receipt_pushes_are_checked(committed_client: TestClient) -> None:
    assert committed_client.post("/channels/sms-reports/aliyun/wrong-token", json=[]).status_code == 403
    assert committed_client.post(f"/channels/sms-reports/other/{DEV_SMS_PUSH_TOKEN}", json=[]).status_code == 404
    bad = committed_client.post(f"/channels/sms-reports/tencent/{DEV_SMS_PUSH_TOKEN}", json=[{"sid": "x"}])
    assert bad.status_code == 422
    assert "状态报告" in bad.json()["error"]["message"]
