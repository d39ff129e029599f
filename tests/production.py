"""Settings a production deployment must have: every secret set to a non-development value.

One dict for every test that starts or refuses production settings, so a new production
requirement (a new secret, a live provider) is added once, here.
"""

from __future__ import annotations

from typing import Any

PRODUCTION_SETTINGS: dict[str, Any] = {
    "environment": "production",
    "integration_tokens": ["i" * 40],
    "dialogue_tokens": ["d" * 40],
    "rasa_token": "r" * 40,
    "action_server_token": "x" * 40,
    "metrics_token": "m" * 40,
    "secret_key": "s" * 40,
    "wechat_token": "t" * 32,
    "wechat_app_secret": "a" * 32,
    "wechat_encoding_aes_key": "B" * 43,
    "sms_push_token": "p" * 32,
    "wechat_api": "live",
    "sms_provider": "aliyun",
    "aliyun_access_key_id": "LTAI" + "k" * 20,
    "aliyun_access_key_secret": "s" * 30,
    "sms_template_ids": {"OTP": "SMS_1"},
    "sms_report_token": "r" * 32,
}
# For load_settings(): the same values, without reading a developer's .env file.
PRODUCTION = {"_env_file": None, **PRODUCTION_SETTINGS}
