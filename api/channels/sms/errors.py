"""The SMS channel's errors (rendered by the one handler in api/errors.py)."""

from __future__ import annotations

from api.errors import AppError, ValidationFailed


class NoMobileForSender(ValidationFailed):
    """An SMS queued for a pseudonym the SMS channel never recorded: nowhere to send it."""

    message = "找不到该短信会话对应的手机号"


class BadSmsJson(AppError):
    code = "bad_message"
    message = "不是有效的 JSON"


class NotAPushArray(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("上行短信推送应为 JSON 数组（每条一个对象）", fields={"body": "格式不正确"})


class MalformedSms(ValidationFailed):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("上行短信格式不正确", fields=fields)
