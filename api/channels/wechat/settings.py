"""WeChat's settings (the WECHAT_* variables), kept with the channel.

They are a section of the API's one settings class: `api.settings.Settings` takes
`WeChatSettings` as a base, so they are read once, from the environment or `.env`, in the
lifespan, like every other setting, and reached as `settings.wechat_*`. Their shape checks and
what production refuses (`production_refusal`) are written here, beside them.
"""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, field_validator

# Development values only (production refuses them).
DEV_WECHAT_TOKEN = "dev-wechat-token"
DEV_WECHAT_SECRET = "dev-wechat-secret"
DEV_WECHAT_AES_KEY = "ZGV2LXdlY2hhdC1lbmNvZGluZy1hZXMta2V5LTAwMDE"


class WeChatSettings(BaseModel):
    # WeChat Official Account (公众号) server configuration: the Token, AppID, AppSecret and
    # EncodingAESKey entered in the 公众平台 console. Development values only work locally.
    wechat_token: str = DEV_WECHAT_TOKEN
    wechat_app_id: str = "wxdev00000000000000"
    wechat_app_secret: str = DEV_WECHAT_SECRET
    wechat_encoding_aes_key: str = DEV_WECHAT_AES_KEY
    # record: outbound WeChat calls are only recorded (development); live: api.weixin.qq.com.
    wechat_api: str = "record"
    wechat_api_base: str = "https://api.weixin.qq.com"
    # WeChat waits 5 s for an answer; past this the reply goes through the customer-service API.
    wechat_passive_reply_seconds: float = 4.0
    # Requests whose timestamp is further than this from our clock are refused (replays); the
    # replay guard of plain mode remembers a request for twice as long (state.py).
    wechat_timestamp_tolerance_seconds: int = 300
    wechat_max_body_bytes: int = 16_384
    # Customer-service messages: allowed within 48 h of the user's last message, a few per window.
    wechat_cs_window_hours: int = 48
    wechat_cs_max_per_window: int = 20

    @field_validator("wechat_encoding_aes_key")
    @classmethod
    def _aes_key_shape(cls, value: str) -> str:
        try:
            ok = len(value) == 43 and len(base64.b64decode(value + "=")) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            raise ValueError("必须是公众平台生成的 43 位 EncodingAESKey")
        return value

    @field_validator("wechat_api")
    @classmethod
    def _wechat_api_mode(cls, value: str) -> str:
        if value not in ("record", "live"):
            raise ValueError("只能是 record（只记录）或 live（调用微信接口）")
        return value

    def production_refusal(self) -> str | None:
        """Why production may not start with these values (the first reason), or None."""
        dev_values = {
            "WECHAT_TOKEN": (self.wechat_token, DEV_WECHAT_TOKEN),
            "WECHAT_APP_SECRET": (self.wechat_app_secret, DEV_WECHAT_SECRET),
            "WECHAT_ENCODING_AES_KEY": (self.wechat_encoding_aes_key, DEV_WECHAT_AES_KEY),
        }
        for name, (value, dev) in dev_values.items():
            if value == dev:
                return f"{name} 在生产环境必须设置（不能使用开发默认值）"
        if self.wechat_api != "live":
            return "WECHAT_API 在生产环境必须是 live"
        return None
