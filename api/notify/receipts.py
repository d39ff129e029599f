"""Delivery receipts (状态报告) pushed by the SMS providers, recorded on the outbox row.

Aliyun pushes SmsReport as a JSON array ({"biz_id", "success", "err_code", "report_time", …})
and wants {"code": 0, "msg": "成功"}; Tencent Cloud pushes its status callback as a JSON array
({"sid", "report_status": "SUCCESS" | "FAIL", "errmsg", "user_receive_time", …}) and wants
{"result": 0, "errmsg": "OK"}. A receipt pushed twice changes nothing the second time; one
for a message we do not know is counted and ignored (the provider must not retry it forever).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.notify.errors import BadReceipts
from api.notify.models import SmsMessage
from api.notify.push import check_batch_size
from policy_kb.clock import CHINA_TZ

Provider = Literal["aliyun", "tencent"]
ACKS: dict[str, dict[str, object]] = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}
MAX_ITEMS = 1000


class AliyunReport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    biz_id: str = Field(min_length=1, max_length=80)
    success: bool
    err_code: str = Field(default="", max_length=40)
    report_time: str | None = Field(default=None, max_length=40)


class TencentReport(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sid: str = Field(min_length=1, max_length=80)
    report_status: Literal["SUCCESS", "FAIL"]
    errmsg: str = Field(default="", max_length=40)
    user_receive_time: str | None = Field(default=None, max_length=40)


@dataclass(frozen=True)
class Receipt:
    message_id: str
    delivered: bool
    code: str
    at: datetime | None


@dataclass(frozen=True)
class Recorded:
    updated: int
    unknown: int


def _time(text: str | None) -> datetime | None:
    """Both providers write China time as "2026-03-10 09:00:05"."""
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TZ)
    except ValueError:
        return None


def parse_receipts(provider: Provider, body: bytes) -> list[Receipt]:
    try:
        if provider == "aliyun":
            aliyun = TypeAdapter(list[AliyunReport]).validate_json(body)
            receipts = [Receipt(r.biz_id, r.success, r.err_code, _time(r.report_time)) for r in aliyun]
        else:
            tencent = TypeAdapter(list[TencentReport]).validate_json(body)
            receipts = [
                Receipt(r.sid, r.report_status == "SUCCESS", r.errmsg, _time(r.user_receive_time)) for r in tencent
            ]
    except ValidationError:
        raise BadReceipts() from None
    check_batch_size(len(receipts), MAX_ITEMS)
    return receipts


def record_receipts(session: Session, *, provider: Provider, receipts: Sequence[Receipt]) -> Recorded:
    updated = unknown = 0
    for receipt in receipts:
        message = session.scalar(
            select(SmsMessage)
            .where(SmsMessage.provider == provider, SmsMessage.provider_message_id == receipt.message_id)
            .with_for_update()
        )
        if message is None:
            unknown += 1
            continue
        status = "delivered" if receipt.delivered else "undelivered"
        if (message.delivery_status, message.delivery_code) == (status, receipt.code[:40] or None):
            continue  # the same receipt pushed again
        message.delivery_status, message.delivery_code = status, receipt.code[:40] or None
        message.delivered_at = receipt.at if receipt.delivered else None
        updated += 1
    session.flush()
    return Recorded(updated=updated, unknown=unknown)
