"""The ticket domain's errors: each code and Chinese message written once (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailed


class TicketNotFound(NotFoundError):
    message = "没有这个工单"


class BadStatusFilter(ValidationFailed):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(f"status 取值不在允许范围内（{'、'.join(allowed)}）", fields={"status": "取值不在允许范围内"})


class InvalidTicketTransition(ConflictError):
    """The allowed-transition table forbids `action_zh` from the ticket's status."""

    def __init__(self, number: str, status_zh: str, action_zh: str) -> None:
        super().__init__(f"工单{number}当前状态为“{status_zh}”，不能“{action_zh}”", code="invalid_transition")


class NotOwnerUnit(ForbiddenError):
    def __init__(self, number: str, owner_unit: str) -> None:
        super().__init__(
            f"工单{number}由“{owner_unit}”首接负责，其他单位不能办理；如需调整请由该单位转办",
            code="not_owner_unit",
        )


class SameUnit(ConflictError):
    message = "转办单位与当前负责单位相同"


class ExtensionPending(ConflictError):
    message = "该工单已有待审批的延期申请"
    code = "extension_pending"


class NoExtensionPending(ConflictError):
    message = "该工单没有待审批的延期申请"
    code = "no_extension_pending"


class NotPaused(ConflictError):
    message = "该工单没有转人工中的会话"
    code = "not_paused"


class NoChannel(ConflictError):
    message = "该工单没有可在线回复的渠道（电话受理且未留短信号码），请电话联系诉求人"
    code = "no_channel"


class NotSent(ConflictError):
    message = "消息未能发出：该渠道暂不支持在线回复，请电话联系诉求人"
    code = "not_sent"
