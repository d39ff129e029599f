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

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_TOKEN = "dev-token"
DEV_SECRET = "dev-secret-change-me"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class SettingsError(RuntimeError):
    """A setting is bad or unreachable; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=PROJECT_ROOT / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Environment = Environment.development
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'app.db'}"
    # Unset: no Redis anywhere (Rasa keeps trackers in memory, the API uses the database).
    redis_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    # Comma-separated bearer tokens of integrations (the action server, agency systems).
    integration_tokens: Annotated[list[str], NoDecode] = Field(default_factory=lambda: [DEV_TOKEN])
    # Signs staff session cookies and keys the hash of ID numbers.
    secret_key: str = DEV_SECRET
    # Seconds the chat gateway waits for the dialogue engine before giving up.
    rasa_timeout_seconds: float = 10.0
    log_level: str = "INFO"
    # --- Claims and reminders (api/claims/, api/reminders/) ---
    # Regions whose notices set no monthly duty (按月申领 / 资格核验) follow this region's monthly
    # rules, e.g. "500000"; empty: no monthly duty there (paid monthly, check-ins optional).
    claims_default_monthly_region: str = Field(default="", pattern=r"^(\d{6})?$")
    # Claims read per batch by the monthly reminder job (memory stays flat whatever the total).
    reminder_batch_size: int = Field(default=2000, ge=1, le=50_000)
    # 接诉即办: the unit that owns tickets arriving from the channels (首接负责), and the
    # service-limits file (default: api/tickets/limits.yaml).
    ticket_intake_unit: str = "12333热线服务中心"
    ticket_limits_path: str | None = None

    @field_validator("integration_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    @field_validator("redis_url", mode="before")
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
