"""Aliyun 短信服务 (Dysmsapi 2017-05-25 SendSms) through alibabacloud-dysmsapi20170525.

The SDK signs each request (ACS3-HMAC-SHA256). Errors come back two ways: an answer with
`Code` other than "OK" (e.g. isv.BUSINESS_LIMIT_CONTROL), or an exception carrying the code
(a refused signature or key). Codes: https://help.aliyun.com/document_detail/101346.html
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

from api.notify.limits import MobileLimits
from api.notify.providers.outcomes import classify
from api.notify.sms import SendResult
from api.settings import Settings

log = logging.getLogger(__name__)

# Provider codes by outcome; anything unknown is an alert (a person looks at it).
RETRY = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",  # per-number frequency limit (1/min, 5/h, 10/day by default)
        "isv.DAY_LIMIT_CONTROL",
        "isp.SYSTEM_ERROR",
        "Throttling",
        "Throttling.User",
        "ServiceUnavailable",
        "InternalError",
    }
)
FAILED = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.MOBILE_COUNT_OVER_LIMIT",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.INVALID_PARAMETERS",
    }
)


@dataclass(frozen=True)
class AliyunSmsProvider:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_ids: dict[str, str]
    endpoint: str = "dysmsapi.aliyuncs.com"
    protocol: str = "https"
    timeout_ms: int = 5000
    name: str = "aliyun"
    # Checked by api.notify.send_sms before each send (the provider's own per-number limits).
    mobile_limits: MobileLimits | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AliyunSmsProvider:
        return cls(
            access_key_id=settings.aliyun_access_key_id,
            access_key_secret=settings.aliyun_access_key_secret,
            sign_name=settings.sms_sign_name,
            template_ids=dict(settings.sms_template_ids),
            endpoint=settings.aliyun_sms_endpoint,
            protocol=settings.sms_provider_protocol,
            mobile_limits=MobileLimits.from_settings(settings),
        )

    def _client(self) -> Client:
        config = Config(
            access_key_id=self.access_key_id,
            access_key_secret=self.access_key_secret,
            endpoint=self.endpoint,
            protocol=self.protocol,
        )
        return Client(config)

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult:
        template_id = self.template_ids.get(template_code)
        if template_id is None:
            return SendResult(status="alert", error_code="template_not_configured")
        request = SendSmsRequest(
            phone_numbers=phone,
            sign_name=self.sign_name,
            template_code=template_id,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        # One attempt here: retries are the outbox's job (with its own spacing), not the SDK's.
        runtime = RuntimeOptions(
            autoretry=False, max_attempts=1, read_timeout=self.timeout_ms, connect_timeout=self.timeout_ms
        )
        try:
            response = self._client().send_sms_with_options(request, runtime)
        except Exception as exc:  # noqa: BLE001 - the SDK raises its own and transport errors alike
            code = getattr(exc, "code", None)
            if not code:  # never reached the provider (darabonba wraps it: UnretryableException)
                log.warning("aliyun sms unreachable: %s", type(exc).__name__)
                return SendResult(status="retry", error_code=type(exc).__name__[:60])
            log.warning("aliyun sms refused: %s", code)
            return classify(str(code), retry=RETRY, failed=FAILED, message=str(getattr(exc, "message", "") or ""))
        body = response.body
        if body is not None and body.code == "OK":
            return SendResult(status="sent", provider_message_id=body.biz_id)
        code = (body.code if body is not None else None) or "empty_answer"
        return classify(code, retry=RETRY, failed=FAILED, message=body.message if body is not None else None)
