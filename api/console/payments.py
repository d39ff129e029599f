"""The claim page's payment history: the month ledger and back-pay records, and how the amount is set.

The service records which months are payable, lost, suspended or paid back, not what was paid: no
amount is shown that the records do not hold. Instead the page says how the benefit standard is set,
from the rule in force for the claim's region (benefit.amount, with its citation), and where the
claimant can see the amounts actually paid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from policy_kb import RuleBase

MONTH_STATES = {
    "paid": "应发放",
    "lost": "未办理，当月不发放",
    "suspended": "暂停发放（月数保留）",
    "backpaid": "已补发",
    "pending": "待办理",
    "future": "未到期",
}
BACKPAY_STATES = {"pending_review": "补发申请待审核", "approved": "补发已批准", "rejected": "补发未批准"}


@dataclass(frozen=True)
class AmountBasis:
    text: str
    citation: str


def history(status: dict[str, Any]) -> list[dict[str, str]]:
    """One row a month from the status's ledger (StatusOut in its JSON form), oldest first."""
    rows = []
    for m in status["ledger"]:
        window = f"{m['window_start']} 至 {m['window_end']}" if m.get("window_start") else "—"
        rows.append(
            {
                "month": m["month"],
                "state": m["state"],
                "label": MONTH_STATES.get(m["state"], m["state"]),
                "checked_in": "已办理" if m["checked_in"] else ("—" if not m.get("window_start") else "未办理"),
                "window": window,
                "backpay": BACKPAY_STATES.get(m.get("backpay") or "", ""),
            }
        )
    return rows


def amount_basis(rule_base: RuleBase, region_code: str, on: date) -> AmountBasis:
    """How the monthly amount is set in `region_code` on `on`, in the rule base's words."""
    rule = rule_base.value(region_code, "benefit.amount", on)
    value = rule.as_dict()["value"]
    cite = rule.citations[0]
    text = (
        f"系统未记录发放金额。失业保险金标准由{value['set_by']}确定，低于当地{value['ceiling']}、"
        f"高于{value['floor']}；每月实发金额以经办机构核定为准，可请来电人查看银行到账记录，"
        "或到经办机构、拨打 12333 查询。"
    )
    return AmountBasis(text=text, citation=f"{cite.document} {cite.clause}：“{cite.quote}”")
