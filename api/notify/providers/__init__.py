"""Live SMS providers behind :class:`api.notify.SmsProvider`, chosen by the SMS_PROVIDER setting.

Both speak to their real APIs through the providers' own SDKs (which sign every request);
tests point the endpoint at a local stand-in that checks the signature. Each maps the
provider's answer to one outcome: sent, retry (throttled or unreachable: try again later),
failed (this message can never go: e.g. an invalid number) or alert (our configuration is
wrong: template, signature, balance, credentials; staff must act, retrying will not help).
"""

from __future__ import annotations

from api.notify.providers.aliyun import AliyunSmsProvider
from api.notify.providers.tencent import TencentSmsProvider
from api.notify.sms import OutboxProvider, SmsProvider
from api.settings import Settings


def build_sms_provider(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "aliyun":
        return AliyunSmsProvider.from_settings(settings)
    if settings.sms_provider == "tencent":
        return TencentSmsProvider.from_settings(settings)
    return OutboxProvider()


__all__ = ["AliyunSmsProvider", "TencentSmsProvider", "build_sms_provider"]
