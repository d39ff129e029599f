"""Tencent Cloud 短信 (sms 2021-01-11 SendSms) through tencentcloud-sdk-python-sms.

The SDK signs each request (TC3-HMAC-SHA256). A request-level error (bad signature, key,
quota) raises TencentCloudSDKException with its code; otherwise each number has its own
status in SendStatusSet (e.g. LimitExceeded.PhoneNumberThirtySecondLimit).
Codes: https://cloud.tencent.com/document/product/382/52075
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from api.notify.limits import MobileLimits
from api.notify.providers.outcomes import classify
from api.notify.sms import SendResult
from api.notify.templates import get_template
from api.settings import Settings

log = logging.getLogger(__name__)

RETRY = frozenset(
    {
        "RequestLimitExceeded",
        "InternalError",
        "InternalError.Timeout",
        "InternalError.RequestTimeException",
        "FailedOperation.FailResolvePacket",
        "ClientNetworkError",
        "ServerNetworkError",
    }
)
# Every per-number and per-account frequency limit: try later.
RETRY_PREFIXES = ("LimitExceeded.",)
FAILED = frozenset(
    {
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.PhoneNumberInBlacklist",
        "FailedOperation.ContainSensitiveWord",
        "InvalidParameterValue.TemplateParameterLengthLimit",
        "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
    }
)


@dataclass(frozen=True)
class TencentSmsProvider:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_ids: dict[str, str]
    region: str = "ap-guangzhou"
    endpoint: str = "sms.tencentcloudapi.com"
    protocol: str = "https"
    timeout_seconds: int = 5
    name: str = "tencent"
    # Checked by api.notify.send_sms before each send (the provider's own per-number limits).
    mobile_limits: MobileLimits | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TencentSmsProvider:
        return cls(
            secret_id=settings.tencent_secret_id,
            secret_key=settings.tencent_secret_key,
            sdk_app_id=settings.tencent_sms_sdk_app_id,
            sign_name=settings.sms_sign_name,
            template_ids=dict(settings.sms_template_ids),
            region=settings.tencent_sms_region,
            endpoint=settings.tencent_sms_endpoint,
            protocol=settings.sms_provider_protocol,
            mobile_limits=MobileLimits.from_settings(settings),
        )

    def _client(self) -> SmsClient:
        http = HttpProfile(protocol=self.protocol, endpoint=self.endpoint, reqTimeout=self.timeout_seconds)
        return SmsClient(Credential(self.secret_id, self.secret_key), self.region, ClientProfile(httpProfile=http))

    def send(self, *, phone: str, template_code: str, params: dict[str, str], text: str) -> SendResult:
        template_id = self.template_ids.get(template_code)
        if template_id is None:
            return SendResult(status="alert", error_code="template_not_configured")
        request = SendSmsRequest()
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = template_id
        # Tencent templates number their variables {1}, {2}…: our template's order gives the list.
        request.TemplateParamSet = [str(params[name]) for name in get_template(template_code).variables]
        request.PhoneNumberSet = [phone if phone.startswith("+") else f"+86{phone}"]
        try:
            response = self._client().SendSms(request)
        except TencentCloudSDKException as exc:
            code = str(exc.get_code() or "ClientNetworkError")
            log.warning("tencent sms refused: %s", code)
            return classify(code, retry=RETRY, failed=FAILED, retry_prefixes=RETRY_PREFIXES, message=exc.get_message())
        statuses = response.SendStatusSet or []
        if not statuses:
            return SendResult(status="alert", error_code="empty_answer")
        status = statuses[0]
        if status.Code == "Ok":
            return SendResult(status="sent", provider_message_id=status.SerialNo)
        return classify(
            str(status.Code), retry=RETRY, failed=FAILED, retry_prefixes=RETRY_PREFIXES, message=status.Message
        )
