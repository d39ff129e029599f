"""Settings of the API service, read once in the app's lifespan (never at import).

Every value comes from the environment or `.env`. Development gets embedded
defaults (SQLite under var/, no Redis, the `dev-token` integration token);
a production configuration refuses to start with a development secret.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from api.channels.wechat.settings import WeChatSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_TOKEN = "dev-token"
# The dialogue engine's secrets (development only; production refuses them).
DEV_DIALOGUE_TOKEN = "dev-dialogue-token"
DEV_RASA_TOKEN = "dev-rasa-token"
DEV_ACTION_SERVER_TOKEN = "dev-action-server-token"
DEV_SECRET = "dev-secret-change-me"
DEV_SMS_PUSH_TOKEN = "dev-sms-push-token"
DEV_METRICS_TOKEN = "dev-metrics-token"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SettingsError(RuntimeError):
    """A setting is bad or unreachable; the message is one line naming it."""


class Settings(BaseSettings, WeChatSettings):
    model_config = SettingsConfigDict(env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.development
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    # Unset: no Redis anywhere (Rasa keeps trackers in memory, the API uses the database).
    redis_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    # The chat gateway checks its /health before each turn (a turn that needs a custom action while it
    # is down would leave the conversation stuck in Rasa). Empty: not checked.
    action_server_url: str | None = "http://127.0.0.1:5055"
    # Comma-separated bearer tokens of integrations (agency systems): full access to claims.
    integration_tokens: Annotated[list[str], NoDecode] = Field(default_factory=lambda: [DEV_TOKEN])
    # Comma-separated bearer tokens of the action server (its API_TOKEN). A dialogue caller reaches
    # a claim only for the claimant sender it names (X-Claimant-Sender) while that sender holds a
    # live identity binding to the claim (api/claims/access.py).
    dialogue_tokens: Annotated[list[str], NoDecode] = Field(default_factory=lambda: [DEV_DIALOGUE_TOKEN])
    # What the console calls each integration in the audit trail and a ticket's history, by the first
    # four characters of its token (the trail records no more): "ab12:社保经办系统,cd34:12345热线平台".
    integration_names: Annotated[dict[str, str], NoDecode] = Field(default_factory=lambda: {"dev-": "开发联调系统"})
    # Shared secret between the gateway and Rasa: the gateway channel (bot/channels/gateway.py)
    # wants it as a bearer token and Rasa's HTTP API (--auth-token) as ?token=.
    rasa_token: str = DEV_RASA_TOKEN
    # Shared secret between Rasa (bot/endpoints*.yml) and the action server (actions/server.py).
    # The API never sends it; it is read here so `python -m api check` refuses a dev value.
    action_server_token: str = DEV_ACTION_SERVER_TOKEN
    # Signs staff session cookies and keys the hash of ID numbers.
    secret_key: str = DEV_SECRET
    # Seconds the chat gateway waits for the dialogue engine before giving up.
    rasa_timeout_seconds: float = 10.0
    log_level: str = "INFO"
    # text: one human-readable line per record (development); json: one JSON object per line with
    # ts, level, logger, message and request_id, for a log collector (production). Masked either way.
    log_format: str = Field(default="text", pattern=r"^(text|json)$")
    # Bearer token Prometheus sends to GET /metrics (api/metrics.py): request rates, queue depths
    # and failure counts are operational data, not for the public entry point.
    metrics_token: str = DEV_METRICS_TOKEN
    # The reminder worker's own /metrics (jobs run and failed), served by prometheus_client on this
    # port; 0: not served (the default, so tests and a second worker on one host never collide).
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    # Loopback unless the scraper is elsewhere (compose/k8s: 0.0.0.0 inside the private network).
    worker_metrics_host: str = "127.0.0.1"
    # Worker threads for sync routes (see api/main.py); must stay well above the database pool size.
    thread_pool_size: int = Field(default=200, ge=50, le=2000)
    # --- Claims and reminders (api/claims/, api/reminders/) ---
    # Regions whose notices set no monthly duty (按月申领 / 资格核验) follow this region's monthly
    # rules, e.g. "500000"; empty: no monthly duty there (paid monthly, check-ins optional).
    claims_default_monthly_region: str = Field(default="", pattern=r"^(\d{6})?$")
    # Claims read per batch by the monthly reminder job (memory stays flat whatever the total).
    reminder_batch_size: int = Field(default=2000, ge=1, le=50_000)
    # The daily reminder run sends each claimant one SMS within this many days before the
    # month's check-in window closes (Tianjin: the 25th).
    reminder_lead_days: int = Field(default=5, ge=0, le=31)
    # 接诉即办: the unit that owns tickets arriving from the channels (首接负责), and the
    # service-limits file (default: api/tickets/limits.yaml).
    ticket_intake_unit: str = "12333热线服务中心"
    ticket_limits_path: str | None = None

    # --- Channels and identity (api/channels/, api/identity/) ---
    # WeChat's settings (WECHAT_*) are the base class WeChatSettings, in its folder.
    # Aliyun SMS up-message (上行) HTTP push: the secret path segment configured in the console.
    sms_push_token: str = DEV_SMS_PUSH_TOKEN
    sms_max_body_bytes: int = 65_536
    # Who sends SMS: outbox (development: recorded, nothing sent), aliyun or tencent (api/notify/providers).
    sms_provider: str = "outbox"
    # The approved 签名 and, per message kind (api/notify/templates.py codes), the provider's approved
    # template id, as JSON: {"OTP": "SMS_123", "CHECKIN_REMINDER": "SMS_456", …}.
    sms_sign_name: str = "失业保险服务"
    sms_template_ids: dict[str, str] = Field(default_factory=dict)
    # https in production; tests point the endpoints at local stand-ins over http.
    sms_provider_protocol: str = Field(default="https", pattern=r"^https?$")
    aliyun_access_key_id: str = ""
    aliyun_access_key_secret: str = ""
    aliyun_sms_endpoint: str = "dysmsapi.aliyuncs.com"
    tencent_secret_id: str = ""
    tencent_secret_key: str = ""
    tencent_sms_sdk_app_id: str = ""
    tencent_sms_region: str = "ap-guangzhou"
    tencent_sms_endpoint: str = "sms.tencentcloudapi.com"
    # Delivery receipts (状态报告) pushed by the provider: the secret path segment of their URL.
    sms_report_token: str = DEV_SMS_PUSH_TOKEN
    # The providers' own per-number frequency limits (both default to these for verification codes);
    # checked before sending so that a message the provider would refuse waits instead.
    sms_per_mobile_per_30s: int = Field(default=1, ge=1)
    sms_per_mobile_per_hour: int = Field(default=5, ge=1)
    sms_per_mobile_per_day: int = Field(default=10, ge=1)
    # The worker re-sends rows a provider asked to retry: waits base × 2^(attempt-1) seconds,
    # gives up (status failed) after this many attempts (api/notify/retry.py).
    sms_retry_max_attempts: int = Field(default=5, ge=1, le=20)
    sms_retry_base_seconds: int = Field(default=60, ge=1)
    # Namespace of the channels' keys in a shared Redis.
    channels_redis_prefix: str = "ua:"
    # Per-sender limits on every channel (web, WeChat, SMS).
    channel_rate_per_minute: int = 20
    channel_rate_per_day: int = 500
    # Per client address on the anonymous routes (web chat, its later messages, the dev code),
    # so that changing the sender id escapes nothing; generous for offices behind one NAT.
    channel_rate_per_ip_per_minute: int = 120
    channel_rate_per_ip_per_day: int = 20_000
    # Comma-separated addresses or networks of reverse proxies (nginx) whose X-Forwarded-For is
    # believed; from any other peer the header is ignored and the peer address is the client.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # How long a delivered message id is remembered (WeChat retries within ~15 s; SMS pushes longer).
    channel_dedup_ttl_seconds: int = 86_400
    # Queued outbound messages are retried this often (and at once when queued in this process).
    outbound_sweep_seconds: float = 30.0
    # A reply acknowledged before it was answered (WeChat past the passive window, every SMS) is
    # a pending row; if its process has not answered it this long after, another process's sweep
    # does. Longer than a dialogue turn may take (RASA_TIMEOUT_SECONDS), or a slow turn is answered twice.
    pending_reply_lease_seconds: float = 60.0
    # One-time codes and how long a verified sender stays bound to its claim.
    identity_otp_ttl_seconds: int = 300
    identity_otp_max_attempts: int = 5
    identity_otp_per_phone_per_hour: int = 5
    identity_wechat_binding_days: int = 180
    identity_sms_binding_days: int = 30
    identity_web_binding_minutes: int = 30

    @field_validator("integration_tokens", "dialogue_tokens", "trusted_proxies", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    @field_validator("integration_names", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        names = {}
        for part in value.split(","):
            key, sep, name = part.strip().partition(":")
            if not part.strip():
                continue
            if not sep or len(key.strip()) != 4 or not name.strip():
                raise ValueError("INTEGRATION_NAMES 应为“令牌前四位:名称”，以逗号分隔，如 ab12:社保经办系统")
            names[key.strip()] = name.strip()
        return names

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES 中的 {item} 不是 IP 地址或网段") from None
        return value

    @field_validator("redis_url", "action_server_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("只支持 sqlite:/// 或 postgresql+psycopg:// 地址")
        if value.startswith("postgresql://"):
            # SQLAlchemy's default driver for postgresql:// is psycopg2; we ship psycopg 3.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("必须是 redis:// 地址")
        return value

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> Settings:
        if self.environment == Environment.production:
            if DEV_TOKEN in self.integration_tokens:
                raise ValueError("INTEGRATION_TOKENS 在生产环境不能包含开发令牌 dev-token")
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError("SECRET_KEY 在生产环境必须设置为至少 32 个字符的随机值")
            if not self.integration_tokens:
                raise ValueError("INTEGRATION_TOKENS 在生产环境不能为空")
        return self

    @model_validator(mode="after")
    def _dialogue_secrets(self) -> Settings:
        # A token in both lists would give the action server an agency system's unrestricted access.
        if set(self.dialogue_tokens) & set(self.integration_tokens):
            raise ValueError("DIALOGUE_TOKENS 与 INTEGRATION_TOKENS 不能有相同的令牌")
        if not self.metrics_token:
            raise ValueError("METRICS_TOKEN 不能为空（/metrics 不得无认证开放）")
        if not self.rasa_token or not self.action_server_token:
            raise ValueError("RASA_TOKEN 和 ACTION_SERVER_TOKEN 不能为空（对话引擎不得无认证运行）")
        if self.environment == Environment.production:
            secrets = {
                "DIALOGUE_TOKENS": [(t, DEV_DIALOGUE_TOKEN) for t in self.dialogue_tokens] or [("", "")],
                "RASA_TOKEN": [(self.rasa_token, DEV_RASA_TOKEN)],
                "ACTION_SERVER_TOKEN": [(self.action_server_token, DEV_ACTION_SERVER_TOKEN)],
                "METRICS_TOKEN": [(self.metrics_token, DEV_METRICS_TOKEN)],
            }
            for name, pairs in secrets.items():
                for value, dev in pairs:
                    if value == dev or len(value) < 24:
                        raise ValueError(f"{name} 在生产环境必须设置为至少 24 个字符的随机值（不能使用开发默认值）")
        return self

    @field_validator("sms_provider")
    @classmethod
    def _sms_provider_name(cls, value: str) -> str:
        if value not in ("outbox", "aliyun", "tencent"):
            raise ValueError("只能是 outbox（只记录，不发送）、aliyun（阿里云短信）或 tencent（腾讯云短信）")
        return value

    @model_validator(mode="after")
    def _sms_provider_configured(self) -> Settings:
        needed = {
            "aliyun": {
                "ALIYUN_ACCESS_KEY_ID": self.aliyun_access_key_id,
                "ALIYUN_ACCESS_KEY_SECRET": self.aliyun_access_key_secret,
            },
            "tencent": {
                "TENCENT_SECRET_ID": self.tencent_secret_id,
                "TENCENT_SECRET_KEY": self.tencent_secret_key,
                "TENCENT_SMS_SDK_APP_ID": self.tencent_sms_sdk_app_id,
            },
        }.get(self.sms_provider, {})
        for name, value in needed.items():
            if not value:
                raise ValueError(f"SMS_PROVIDER={self.sms_provider} 需要设置 {name}")
        if needed and "OTP" not in self.sms_template_ids:
            raise ValueError("SMS_TEMPLATE_IDS 至少要有验证码模板 OTP 的模板编号")
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_turn(self) -> Settings:
        if self.pending_reply_lease_seconds <= self.rasa_timeout_seconds:
            raise ValueError("PENDING_REPLY_LEASE_SECONDS 必须大于 RASA_TIMEOUT_SECONDS（否则一条消息可能被回答两次）")
        return self

    @model_validator(mode="after")
    def _no_dev_channel_secrets_in_production(self) -> Settings:
        if self.environment == Environment.production:
            if (refusal := self.production_refusal()) is not None:  # WeChat's (WeChatSettings)
                raise ValueError(refusal)
            if self.sms_push_token == DEV_SMS_PUSH_TOKEN:
                raise ValueError("SMS_PUSH_TOKEN 在生产环境必须设置（不能使用开发默认值）")
            if len(self.sms_push_token) < 24:
                raise ValueError("SMS_PUSH_TOKEN 在生产环境必须是至少 24 个字符的随机值")
            if self.sms_provider == "outbox":
                raise ValueError("SMS_PROVIDER 在生产环境必须是 aliyun 或 tencent（outbox 不发送短信）")
            if self.sms_report_token == DEV_SMS_PUSH_TOKEN or len(self.sms_report_token) < 24:
                raise ValueError("SMS_REPORT_TOKEN 在生产环境必须是至少 24 个字符的随机值")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper() or "SETTINGS"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"配置错误 {name}: {message}") from None
