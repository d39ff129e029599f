"""The channels' errors: each code and Chinese message written once (contracts.md error shape).

Rendered by the one handler in api/errors.py. The WeChat and SMS folders keep theirs beside
them (api/channels/wechat/protocol.py's BadWeChatMessage, api/channels/sms/errors.py).
"""

from __future__ import annotations

from api.errors import AppError, TooManyRequests, ValidationFailed

# ---- what a message is addressed to ---------------------------------------------------------


class UnknownSenderPrefix(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("发送对象格式应为 web:<编号>、wx:<OpenID> 或 sms:<手机号>", fields={"sender": "格式不正确"})


class MissingAddress(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("发送对象缺少编号", fields={"sender": "格式不正确"})


class EmptyMessage(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("消息内容不能为空", fields={"text": "必填"})


# ---- what a channel accepts -------------------------------------------------------------------


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"内容过大（超过 {limit} 字节）")


class BadContentLength(AppError):
    code = "bad_request"
    message = "Content-Length 不是数字"


class RateLimited(TooManyRequests):
    """`reply` is the limiter's own Chinese refusal (api/channels/ratelimit.py), per minute or per day."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
