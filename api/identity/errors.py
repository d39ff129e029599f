"""Identity verification's errors: each code and Chinese message written once (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import AppError, ForbiddenError, NotFoundError, TooManyRequests, ValidationFailed


class ChallengeGone(AppError):
    status_code = 410
    code = "challenge_expired"


class OtpLocked(TooManyRequests):
    """Raised by the service; the verify route also answers it itself (with `attempts_left`)."""

    message = "验证码输错次数过多，本次验证已失效，请重新获取验证码。"
    code = "otp_locked"


class SenderMismatch(ForbiddenError):
    message = "对话引擎只能为它所代表的会话（X-Claimant-Sender）办理身份核验。"
    code = "sender_mismatch"


class ChallengeNotFound(NotFoundError):
    message = "没有这个验证请求，请重新获取验证码。"
    code = "challenge_not_found"


class ChallengeUsed(ChallengeGone):
    message = "该验证码已经使用过，请重新获取验证码。"
    code = "challenge_used"


class ChallengeExpired(ChallengeGone):
    message = "验证码已过期（5分钟内有效），请重新获取验证码。"


class OtpRateLimited(TooManyRequests):
    message = "验证码发送次数过多，请一小时后再试。也可以用预留手机发短信办理，或拨打12333。"
    code = "otp_rate_limited"


class BadIdNumber(ValidationFailed):
    """`message` is the ID number check's own Chinese reason (api/claims/identity.py)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"id_number": message})


class IdNumberOrHandle(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("请提供身份证号码（id_number）或其代号（id_handle）之一", fields={"id_number": "必填"})


class CodeOrHandle(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("请提供验证码（code）或其代号（code_handle）之一", fields={"code": "必填"})


class HandleMalformed(ValidationFailed):
    def __init__(self, field: str) -> None:
        super().__init__("代号格式不正确", fields={field: "格式不正确"})


class HandleExpired(ValidationFailed):
    def __init__(self, field: str) -> None:
        super().__init__("这条信息已过期，请重新输入。", code="handle_expired", fields={field: "已过期"})


class HandleRefused(ForbiddenError):
    """Someone else's handle (copied from a tracker): bound to its sender."""

    def __init__(self, field: str) -> None:
        super().__init__("这个代号不属于当前会话。", code="handle_refused", fields={field: "不属于当前会话"})


class DevOnly(NotFoundError):
    """A development aid asked for in production: the route does not exist there."""

    message = "没有这个地址"


class NoDevCode(NotFoundError):
    message = "该会话还没有发送过验证码"
    code = "no_code"
