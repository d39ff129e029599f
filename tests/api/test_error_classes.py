"""Domains raise their own error classes: a code and its Chinese message are written once.

The domains converted so far (issue 15) must not go back to raising the generic errors of
api/errors.py with a message written inline; their errors live in `<domain>/errors.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.channels.errors import PayloadTooLarge, UnknownSenderPrefix
from api.channels.sms.errors import NoMobileForSender
from api.channels.web.errors import NotYourConversation, SenderTooShort
from api.channels.wechat.errors import BadMessageSignature, ReplayedRequest
from api.claims.errors import BackpayCapExceeded, ClaimNotFound, ClaimStopped
from api.tickets.errors import InvalidTicketTransition

ROOT = Path(__file__).resolve().parents[2]
GENERIC = frozenset(
    {
        "AppError",
        "ValidationFailed",
        "NotFoundError",
        "ConflictError",
        "UnauthorizedError",
        "ForbiddenError",
        "TooManyRequests",
        "ServiceUnavailable",
        "HTTPException",
    }
)
CONVERTED = [
    *("api/claims", "api/tickets", "api/staff", "api/identity", "api/policy", "api/notify"),
    *("api/answers", "api/kb", "api/auth.py", "api/metrics.py"),
    *("api/channels", "api/chat"),
]


def generic_raises(source: str) -> list[int]:
    """Lines that raise (or build) a generic error with a message written at the call."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GENERIC and node.args:
            found.append(node.lineno)
    return found


def modules() -> list[Path]:
    paths: list[Path] = []
    for name in CONVERTED:
        path = ROOT / name
        paths.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return [p for p in paths if p.name != "errors.py" and "__pycache__" not in p.parts]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_generic_errors(path: Path) -> None:
    lines = generic_raises(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)}: generic errors with inline messages at lines {lines}"


def test_the_checker_sees_an_inline_message() -> None:
    assert generic_raises('raise ConflictError("已存在", code="x")\nraise ClaimNotFound(3)\n') == [1]


def test_classes_carry_code_status_and_message() -> None:
    cases = [
        (ClaimNotFound(7), 404, "claim_not_found", "没有编号为 7 的待遇记录"),
        (BackpayCapExceeded(3, -1), 422, "backpay_cap_exceeded", "补发最多3个月，还可申请0个月"),
        (
            ClaimStopped("2026-04", "2026年4月"),
            409,
            "claim_stopped",
            "该待遇已自2026年4月起停止发放，不能再办理以后月份",
        ),
        (
            InvalidTicketTransition("T1", "已办结", "签收"),
            409,
            "invalid_transition",
            "工单T1当前状态为“已办结”，不能“签收”",
        ),
    ]
    for error, status, code, message in cases:
        assert (error.status_code, error.code, error.message) == (status, code, message)


def test_channel_classes_keep_the_codes_and_messages_they_had() -> None:
    """The channels' errors were inline until issue 15: the same status, code and words (contracts.md)."""
    cases = [
        (PayloadTooLarge(16_384), 413, "payload_too_large", "内容过大（超过 16384 字节）", {}),
        (
            UnknownSenderPrefix(),
            422,
            "validation_error",
            "发送对象格式应为 web:<编号>、wx:<OpenID> 或 sms:<手机号>",
            {"sender": "格式不正确"},
        ),
        (NoMobileForSender(), 422, "validation_error", "找不到该短信会话对应的手机号", {}),
        (BadMessageSignature(), 403, "bad_signature", "消息签名校验失败", {}),
        (ReplayedRequest(), 403, "replayed_request", "请求参数被重复使用，已拒绝（防重放）", {}),
        (
            NotYourConversation(),
            403,
            "chat_session_mismatch",
            "该会话属于另一个浏览器，请刷新页面开始新的会话。",
            {},
        ),
        (
            SenderTooShort(),
            422,
            "validation_error",
            "会话标识太短（至少16个字符），请刷新网页后重试",
            {"sender": "会话标识太短（至少16个字符），请刷新网页后重试"},
        ),
    ]
    for error, status, code, message, fields in cases:
        assert (error.status_code, error.code, error.message, error.fields) == (status, code, message, fields)
