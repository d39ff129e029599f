"""SMS errors: templates, provider pushes; each code and Chinese message written once (api/errors.py renders them)."""

from __future__ import annotations

from api.errors import ForbiddenError, NotFoundError, ValidationFailed


class BadPushToken(ForbiddenError):
    message = "推送地址无效"
    code = "bad_push_token"


class BatchTooLarge(ValidationFailed):
    def __init__(self, limit: int) -> None:
        super().__init__(f"单次推送超过 {limit} 条")


class UnknownProvider(NotFoundError):
    message = "没有这个短信服务商"
    code = "unknown_provider"


class BadReceipts(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("状态报告应为 JSON 数组，每条含消息编号与发送结果", fields={"body": "格式不正确"})


class UnknownTemplate(ValidationFailed):
    def __init__(self, code: str) -> None:
        super().__init__(f"没有已报备的短信模板 {code}")


class MissingVariables(ValidationFailed):
    def __init__(self, template: str, missing: list[str]) -> None:
        super().__init__(f"短信模板 {template} 缺少变量：{'、'.join(missing)}")


class UnknownVariables(ValidationFailed):
    def __init__(self, template: str, extra: list[str]) -> None:
        super().__init__(f"短信模板 {template} 没有变量：{'、'.join(extra)}")


class VariableTooLong(ValidationFailed):
    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"短信变量 {name} 超过 {limit} 个字")
