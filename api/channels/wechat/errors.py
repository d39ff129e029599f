"""The WeChat channel's errors: a request that is not WeChat's, or a message that does not parse.

Each a 400 or 403 in the contracts.md shape, never a 500 (rendered by api/errors.py).
"""

from __future__ import annotations

from api.errors import AppError, ForbiddenError


class BadWeChatMessage(AppError):
    """`message` says what is wrong with the XML (missing field, not decryptable, …)."""

    status_code = 400
    code = "bad_message"


class BadTimestamp(ForbiddenError):
    code = "bad_timestamp"
    message = "时间戳无效"


class StaleTimestamp(ForbiddenError):
    code = "stale_timestamp"
    message = "请求时间戳过期或超前，已拒绝（防重放）"


class BadSignature(ForbiddenError):
    code = "bad_signature"
    message = "签名校验失败"


class BadMessageSignature(BadSignature):
    message = "消息签名校验失败"


class NotOurAccount(ForbiddenError):
    code = "bad_app_id"
    message = "消息不是发给本公众号的"


class ReplayedRequest(ForbiddenError):
    code = "replayed_request"
    message = "请求参数被重复使用，已拒绝（防重放）"
