"""The claims domain's errors: each code and Chinese message written once (contracts.md error shape).

Rendered by the one handler in api/errors.py. A class carries its code and status through its
base (ValidationFailed 422, NotFoundError 404, ConflictError 409, ForbiddenError 403).
"""

from __future__ import annotations

from collections.abc import Iterable

from api.errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailed

# ---- reading and registering a claim ------------------------------------------------------


class ClaimNotFound(NotFoundError):
    def __init__(self, claim_id: int) -> None:
        super().__init__(f"没有编号为 {claim_id} 的待遇记录", code="claim_not_found")


class AsOfOutOfRange(ValidationFailed):
    def __init__(self) -> None:
        text = "日期的年份不在 2000 到 2099 之间"
        super().__init__(text, fields={"as_of": text})


class BenefitMonthsOverCap(ValidationFailed):
    def __init__(self, cap: int) -> None:
        text = f"超过最长领取期限 {cap} 个月"
        super().__init__(f"领取月数{text}", fields={"benefit_months": text})


class ClaimExists(ConflictError):
    """The same person, region layer and start month registered again with other details."""

    def __init__(self, claim_id: int, differs: Iterable[str]) -> None:
        text = f"与已登记的待遇（编号 {claim_id}）不一致"
        super().__init__(
            f"该身份证号在该地区、该起始月份已登记待遇（编号 {claim_id}），本次内容不一致，请核对",
            code="claim_exists",
            fields=dict.fromkeys(differs, text),
        )


class ClaimantMismatch(ConflictError):
    def __init__(self) -> None:
        text = "与该身份证号已登记的姓名不一致"
        super().__init__(f"姓名{text}，请核对", code="claimant_mismatch", fields={"claimant.name": text})


class InvalidClaimTransition(ConflictError):
    def __init__(self, current: str, to: str) -> None:
        super().__init__(f"待遇状态不能从 {current} 变为 {to}", code="invalid_transition")


# ---- check-ins ------------------------------------------------------------------------------


class CheckinInFuture(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("办理时间不能晚于当前时间", fields={"at": "不能晚于当前时间"})


class MonthOutOfPeriod(ValidationFailed):
    """`text` says why, e.g. 早于首个领取月份 2026-01."""

    def __init__(self, text: str) -> None:
        super().__init__(f"月份{text}", fields={"month": text})


class ClaimStopped(ConflictError):
    def __init__(self, stop_from_month: str, stop_from_zh: str) -> None:
        super().__init__(
            f"该待遇已自{stop_from_zh}起停止发放，不能再办理以后月份",
            code="claim_stopped",
            fields={"month": f"不能晚于停发月份前一个月（停发自 {stop_from_month}）"},
        )


class EventDateWithoutStop(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("没有报告停发情形时不需要填写情形发生日期", fields={"event_date": "没有停发情形"})


class EventDateAfterCheckin(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("情形发生日期不能晚于办理日期", fields={"event_date": "不能晚于办理日期"})


# ---- back-pay -------------------------------------------------------------------------------


class BackpayNotApplicable(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="backpay_not_applicable", fields={"months": "本地区没有补发"})


class BackpayPeriodOver(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="backpay_period_over", fields={"months": "已超过领取期限"})


class BackpayNothingToRequest(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="backpay_nothing_to_request", fields={"months": "没有可补发的月份"})


class BackpayMonthNotEligible(ValidationFailed):
    def __init__(self, bad: list[str], candidates: list[str]) -> None:
        text = f"{'、'.join(bad)} 不是可申请补发的月份（可申请：{'、'.join(candidates) or '无'}）"
        super().__init__(text, code="backpay_month_not_eligible", fields={"months": text})


class BackpayCapExceeded(ValidationFailed):
    def __init__(self, cap: int, room: int) -> None:
        text = f"补发最多{cap}个月，还可申请{max(room, 0)}个月"
        super().__init__(text, code="backpay_cap_exceeded", fields={"months": text})


class BackpayPlaceRefused(ValidationFailed):
    def __init__(self, places: list[str]) -> None:
        text = "应为" + "或".join(places)
        super().__init__(f"申请地点{text}", fields={"place": text})


class BackpayAlreadyRequested(ConflictError):
    message = "所选月份已提出过补发申请"
    code = "backpay_already_requested"


class BackpayRequestNotFound(NotFoundError):
    def __init__(self, request_id: int) -> None:
        super().__init__(f"没有编号为 {request_id} 的补发申请", code="backpay_request_not_found")


class BackpayAlreadyDecided(ConflictError):
    def __init__(self, status_zh: str) -> None:
        super().__init__(f"该补发申请已是“{status_zh}”，不能再次审核", code="invalid_transition")


# ---- who may reach a claim ------------------------------------------------------------------


class ClaimantNotVerified(ForbiddenError):
    message = "请先完成身份核验：当前会话尚未核验为该待遇的申领人本人。"
    code = "claimant_not_verified"


class CallerNotVerified(ForbiddenError):
    message = "尚未核实来电人身份，不能查看待遇详情。请先在工作台的待遇页面记录核实方式。"
    code = "caller_not_verified"


class MaskedReadsOnly(ForbiddenError):
    message = "当前账号只能查看脱敏信息和审计记录，不能查看待遇详情。"


class NotThisConversation(ForbiddenError):
    message = "只能为当前会话转人工。"
    code = "sender_mismatch"
