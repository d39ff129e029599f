"""Staff accounts' errors: each code and Chinese message written once (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import (
    ConflictError,
    ForbiddenError,
    NotFoundError,
    TooManyRequests,
    UnauthorizedError,
    ValidationFailed,
)


class StaffNotFound(NotFoundError):
    message = "没有这个工作人员账号"


class UsernameTaken(ConflictError):
    def __init__(self, username: str) -> None:
        super().__init__(f"用户名 {username} 已存在", fields={"username": "已存在"})


class CannotDeactivateSelf(ConflictError):
    message = "不能停用自己的账号"


class PasswordTooShort(ValidationFailed):
    def __init__(self, minimum: int) -> None:
        message = f"密码至少 {minimum} 位"
        super().__init__(message, fields={"password": message})


class WrongOldPassword(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("原密码不正确", fields={"old_password": "不正确"})


class LoginFailed(UnauthorizedError):
    """One message for an unknown user and a wrong password: the answer must not tell them apart."""

    message = "用户名或密码错误"


class DemoPasswordRefused(UnauthorizedError):
    message = "演示账号的密码不能在生产环境使用，请先修改密码"


class UnknownRole(ValidationFailed):
    def __init__(self, name: str) -> None:
        super().__init__(f"没有这个岗位：{name}", fields={"roles": f"没有这个岗位：{name}"})


class NoRole(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("至少需要一个岗位", fields={"roles": "至少需要一个岗位"})


class IncompatibleRoles(ValidationFailed):
    def __init__(self, others_zh: str) -> None:
        message = f"稽核审计岗位不得与业务、财务岗位混岗（不能同时担任{others_zh}）"
        super().__init__(message, fields={"roles": message})


class OwnRequest(ForbiddenError):
    def __init__(self, what: str) -> None:
        super().__init__(f"不能审批本人提出的{what}（不相容岗位分离）", code="separation_of_duties")


class AuditorReadsOnly(ForbiddenError):
    message = "稽核审计岗位只能查看，不能办理业务"
    code = "separation_of_duties"


class NotLoggedIn(UnauthorizedError):
    message = "请先登录"


class CsrfRefused(ForbiddenError):
    message = "请求未附带有效的防伪令牌或来自其他网站，请刷新页面后重试"


class LoginLocked(TooManyRequests):
    """`whose` is 该账号 or 本机; `minutes` until the oldest counted failure leaves the window."""

    def __init__(self, whose: str, minutes: int) -> None:
        super().__init__(
            f"{whose}登录失败次数过多，已暂时锁定，请{minutes}分钟后再试；忘记密码请联系班长（主管）重置。",
            code="login_locked",
        )
