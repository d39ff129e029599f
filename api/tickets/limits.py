"""Loading the service limits (limits.yaml, or the file named by TICKET_LIMITS_PATH)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from api.tickets.enums import Category, Urgency

DEFAULT_LIMITS = Path(__file__).with_name("limits.yaml")


class Limit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: int | None = Field(default=None, ge=1, le=24 * 90)
    working_days: int | None = Field(default=None, ge=1, le=120)
    source: str = Field(min_length=2)

    @model_validator(mode="after")
    def _one_unit(self) -> Limit:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("时限必须且只能写 hours 或 working_days 之一")
        return self

    @property
    def label(self) -> str:
        return f"{self.hours}小时" if self.hours is not None else f"{self.working_days}个工作日"


class StageLimits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    accept: Limit
    respond: Limit
    resolve: Limit


class Reminder(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    before_hours_limit_minutes: int = Field(ge=1)
    before_working_days_limit_hours: int = Field(ge=1)


class TicketLimits(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    source: dict[str, str]
    working_day_ends: time
    reminder: Reminder
    limits: dict[Category, dict[Urgency, StageLimits]]

    @model_validator(mode="after")
    def _complete(self) -> TicketLimits:
        for category in Category:
            for urgency in Urgency:
                if urgency not in self.limits.get(category, {}):
                    raise ValueError(f"缺少 {category.value}/{urgency.value} 的时限")
        return self

    def for_ticket(self, category: Category | str, urgency: Urgency | str) -> StageLimits:
        return self.limits[Category(category)][Urgency(urgency)]


class LimitsError(RuntimeError):
    pass


def parse_limits(raw: Any, *, where: str) -> TicketLimits:
    try:
        return TicketLimits.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise LimitsError(f"工单时限配置 {where} 有误：{loc} {first['msg']}") from None


@lru_cache(maxsize=8)
def load_limits(path: str | None = None) -> TicketLimits:
    file = Path(path) if path else DEFAULT_LIMITS
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LimitsError(f"无法读取工单时限配置 {file}：{type(exc).__name__}") from None
    return parse_limits(raw, where=str(file))
