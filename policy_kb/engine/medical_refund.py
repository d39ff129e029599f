"""Self-paid medical insurance during the benefit period: refunded, capped at the local standard."""

from __future__ import annotations

from decimal import Decimal

from policy_kb.engine.context import Ctx
from policy_kb.rule_types import MedicalRefund
from policy_kb.schemas import MedicalRefundOut


def refund_amount(paid: Decimal, local_standard: Decimal) -> Decimal:
    """The local standard, or what was actually paid if that is lower."""
    return min(paid, local_standard)


def check_medical_refund(ctx: Ctx) -> MedicalRefundOut | None:
    med = ctx.req.medical_insurance
    if med is None or not med.self_paid:
        return None
    rule = ctx.rule("medical.refund")
    if rule is None:
        return None
    cfg: MedicalRefund = rule.value
    amount = None
    text = (
        f"领金期间您以个人身份缴纳的职工医疗保险费可以申请返还：{cfg.how}。"
        "返还金额不高于当地代缴标准；实际缴纳低于标准的，按实际缴纳金额返还。"
    )
    if med.amount_paid is not None and med.local_standard is not None:
        amount = refund_amount(med.amount_paid, med.local_standard)
        text += f"按您提供的金额，可返还{amount}元。"
    else:
        ctx.cannot_check(
            *(
                f
                for f, v in (
                    ("medical_insurance.amount_paid", med.amount_paid),
                    ("medical_insurance.local_standard", med.local_standard),
                )
                if v is None
            )
        )
    ctx.reason("MEDICAL_REFUND", "info", text, rule.citations, {"amount": str(amount) if amount is not None else None})
    return MedicalRefundOut(amount=amount, cap=cfg.cap, how=cfg.how)
