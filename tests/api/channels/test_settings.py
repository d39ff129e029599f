"""Channel secrets: development defaults work locally, production refuses them."""

from __future__ import annotations

import pytest

from api.settings import SettingsError, load_settings
from tests.production import PRODUCTION


def test_production_with_channel_secrets_set_starts() -> None:
    assert load_settings(**PRODUCTION).wechat_api == "live"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("wechat_token", "dev-wechat-token", "WECHAT_TOKEN"),
        ("wechat_app_secret", "dev-wechat-secret", "WECHAT_APP_SECRET"),
        ("wechat_encoding_aes_key", "ZGV2LXdlY2hhdC1lbmNvZGluZy1hZXMta2V5LTAwMDE", "WECHAT_ENCODING_AES_KEY"),
        ("sms_push_token", "dev-sms-push-token", "SMS_PUSH_TOKEN"),
        ("sms_push_token", "short", "SMS_PUSH_TOKEN"),
        ("wechat_api", "record", "WECHAT_API"),
        ("sms_provider", "outbox", "SMS_PROVIDER"),
        ("sms_report_token", "dev-sms-push-token", "SMS_REPORT_TOKEN"),
        ("aliyun_access_key_secret", "", "ALIYUN_ACCESS_KEY_SECRET"),
        ("sms_template_ids", {}, "SMS_TEMPLATE_IDS"),
    ],
)
def test_production_refuses_development_channel_values(name: str, value: str, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**{**PRODUCTION, name: value})


@pytest.mark.parametrize(("name", "value"), [("wechat_encoding_aes_key", "too-short"), ("wechat_api", "maybe")])
def test_malformed_channel_settings_are_one_clear_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name.upper()):
        load_settings(_env_file=None, **{name: value})


def test_a_pending_reply_lease_shorter_than_a_dialogue_turn_is_refused() -> None:
    # Another process would take over a reply whose turn is still running: answered twice.
    with pytest.raises(SettingsError, match="PENDING_REPLY_LEASE_SECONDS"):
        load_settings(_env_file=None, rasa_timeout_seconds=10, pending_reply_lease_seconds=10)
    assert load_settings(_env_file=None, pending_reply_lease_seconds=11).pending_reply_lease_seconds == 11
