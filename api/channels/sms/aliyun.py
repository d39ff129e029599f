"""Aliyun SMS up-messages (上行短信) pushed over HTTP (控制台 → 通用设置 → 上行消息 → HTTP 批量推送).

Aliyun POSTs a JSON array, possibly several replies at once:

    [{"phone_number": "13800001234", "send_time": "2026-03-10 09:00:00", "content": "几号办理",
      "sign_name": "失业保险服务", "dest_code": "1234", "sequence_id": 1234567890}]

and expects {"code": 0, "msg": "接收成功"} at once; any other answer (or none)
makes it push the batch again later, so each sequence_id is processed once.

Authentication: Aliyun's HTTP push carries no signature. The push URL entered in
the console holds a long random secret as its last path segment
(/channels/sms/aliyun/<SMS_PUSH_TOKEN>), compared in constant time; keep it out
of logs and rotate it by changing both the setting and the console URL.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, field_validator

ACK = {"code": 0, "msg": "接收成功"}
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _to_str(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class SmsUp(BaseModel):
    model_config = ConfigDict(extra="ignore")

    phone_number: str = Field(max_length=20)
    send_time: str = Field(default="", max_length=32)
    # Long messages are answered by the gateway ("too long"), not refused with the whole batch.
    content: str = Field(max_length=20_000)
    sign_name: str = Field(default="", max_length=40)
    dest_code: Annotated[str, BeforeValidator(_to_str)] = Field(default="", max_length=20)
    sequence_id: Annotated[str, BeforeValidator(_to_str)] = Field(min_length=1, max_length=32)

    @field_validator("phone_number")
    @classmethod
    def _mainland_mobile(cls, value: str) -> str:
        digits = value.strip().removeprefix("+")
        for prefix in ("0086", "86"):
            if len(digits) > 11 and digits.startswith(prefix):
                digits = digits.removeprefix(prefix)
        if not _MOBILE.fullmatch(digits):
            raise ValueError("不是有效的手机号码")
        return digits

    @property
    def dedup_key(self) -> str:
        return f"sms:aliyun:{self.sequence_id}"


ITEMS = TypeAdapter(list[dict[str, Any]])
MAX_ITEMS = 100
