"""The live SMS providers against local stand-ins that check the SDKs' real request signing."""

from __future__ import annotations

import json

import pytest

from api.notify.providers import AliyunSmsProvider, TencentSmsProvider, build_sms_provider
from api.notify.sms import OutboxProvider
from api.settings import load_settings
from tests.fakes.sms_standins import running

TEMPLATES = {"OTP": "SMS_465390001", "CHECKIN_REMINDER": "SMS_465390002"}


def aliyun(endpoint: str, *, secret: str = "stand-in-secret") -> AliyunSmsProvider:
    return AliyunSmsProvider(
        access_key_id="LTAI5tStandInKeyId",
        access_key_secret=secret,
        sign_name="失业保险服务",
        template_ids=TEMPLATES,
        endpoint=endpoint,
        protocol="http",
    )


def tencent(endpoint: str, *, secret: str = "stand-in-secret") -> TencentSmsProvider:
    return TencentSmsProvider(
        secret_id="AKIDStandInSecretId",
        secret_key=secret,
        sdk_app_id="1400006666",
        sign_name="失业保险服务",
        template_ids=TEMPLATES,
        endpoint=endpoint,
        protocol="http",
    )


def test_aliyun_sends_a_signed_request_with_template_and_params() -> None:
    with running("aliyun") as standin:
        result = aliyun(standin.endpoint).send(
            phone="13800001234", template_code="OTP", params={"code": "123456"}, text="…"
        )
    assert (result.status, result.provider_message_id) == ("sent", "900619746936498440^0")
    assert standin.rejected == []
    sent = standin.received[0].query
    assert standin.received[0].headers["x-acs-action"] == "SendSms"
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"]) == (
        "13800001234",
        "失业保险服务",
        "SMS_465390001",
    )
    assert json.loads(sent["TemplateParam"]) == {"code": "123456"}


def test_tencent_sends_a_signed_request_with_ordered_params() -> None:
    with running("tencent", key_id="AKIDStandInSecretId") as standin:
        result = tencent(standin.endpoint).send(
            phone="13800001234",
            template_code="CHECKIN_REMINDER",
            params={"deadline": "3月25日", "month": "2026年3月", "duty": "按月申领"},
            text="…",
        )
    assert (result.status, result.provider_message_id) == ("sent", "2028:f825e6b16e23f73f4123")
    assert standin.rejected == []
    body = json.loads(standin.received[0].body)
    assert body["PhoneNumberSet"] == ["+8613800001234"]
    assert (body["SmsSdkAppId"], body["TemplateId"]) == ("1400006666", "SMS_465390002")
    # {1}, {2}, {3} in the order the template uses them.
    assert body["TemplateParamSet"] == ["2026年3月", "按月申领", "3月25日"]


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_a_wrong_secret_fails_the_stand_ins_signature_check_and_is_an_alert(kind: str) -> None:
    key_id = "AKIDStandInSecretId" if kind == "tencent" else "LTAI5tStandInKeyId"
    with running(kind, key_id=key_id) as standin:
        provider = (aliyun if kind == "aliyun" else tencent)(standin.endpoint, secret="a-wrong-secret")
        result = provider.send(phone="13800001234", template_code="OTP", params={"code": "123456"}, text="…")
    assert standin.rejected, "the stand-in must have refused the signature"
    assert result.status == "alert"
    assert result.error_code in {"SignatureDoesNotMatch", "AuthFailure.SignatureFailure"}


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
@pytest.mark.parametrize(
    ("outcome", "status"), [("throttled", "retry"), ("invalid_template", "alert"), ("invalid_number", "failed")]
)
def test_provider_errors_map_to_retry_give_up_or_alert(kind: str, outcome: str, status: str) -> None:
    key_id = "AKIDStandInSecretId" if kind == "tencent" else "LTAI5tStandInKeyId"
    with running(kind, key_id=key_id) as standin:
        standin.outcome = outcome
        provider = (aliyun if kind == "aliyun" else tencent)(standin.endpoint)
        result = provider.send(phone="13800001234", template_code="OTP", params={"code": "123456"}, text="…")
    assert standin.rejected == []
    assert result.status == status, result
    assert result.error_code


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_an_unreachable_provider_is_retried_later(kind: str) -> None:
    with running(kind) as standin:
        endpoint = standin.endpoint  # closed on leaving: nothing listens there any more
    provider = (aliyun if kind == "aliyun" else tencent)(endpoint)
    result = provider.send(phone="13800001234", template_code="OTP", params={"code": "123456"}, text="…")
    assert result.status == "retry", result


def test_a_message_kind_without_a_template_id_is_an_alert_and_sends_nothing() -> None:
    with running("aliyun") as standin:
        result = aliyun(standin.endpoint).send(phone="13800001234", template_code="RESULT_NOTICE", params={}, text="…")
    assert (result.status, result.error_code) == ("alert", "template_not_configured")
    assert standin.received == []


def test_settings_choose_the_provider() -> None:
    assert isinstance(build_sms_provider(load_settings(_env_file=None)), OutboxProvider)
    chosen = build_sms_provider(
        load_settings(
            _env_file=None,
            sms_provider="tencent",
            tencent_secret_id="AKID1",
            tencent_secret_key="k" * 32,
            tencent_sms_sdk_app_id="1400006666",
            sms_template_ids={"OTP": "1"},
        )
    )
    assert isinstance(chosen, TencentSmsProvider) and chosen.sdk_app_id == "1400006666"
