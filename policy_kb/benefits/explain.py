"""Chinese explanations of ledger states, check-ins and stop reports, each with the citations of the rules.

Numbers in the text (window days, thresholds, the back-pay cap) come from the rule
values passed in, never from this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policy_kb.benefits.duties import BackpayPolicy, MonthPolicy, StopPolicy, dedupe
from policy_kb.benefits.ledger import Ledger, MonthEntry, month_index
from policy_kb.citations import Citation
from policy_kb.engine.stop_events import STOP_MONTH_DECIDED_BY_OFFICE
from policy_kb.vocab import CHECKIN_ANSWER_NAMES_ZH, CheckinAnswer, MonthState
from policy_kb.workdays import Deadline

DUTY_ZH = {"monthly_claim": "按月申领", "qualification_check": "资格核验", "none": "无需每月办理"}


@dataclass(frozen=True, slots=True)
class Note:
    """One explanation: a code, the Chinese text, the citations of the rules it rests on.

    The claims API answers it as a ``policy_kb.schemas.Explanation`` with the same fields.
    """

    code: str
    message: str
    citations: list[Citation]


def month_zh(index: int | str) -> str:
    value = month_index(index) if isinstance(index, str) else index
    year, month0 = divmod(value, 12)
    return f"{year}年{month0 + 1}月"


def day_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def months_zh(indexes: list[int]) -> str:
    return "、".join(month_zh(i) for i in indexes)


def default_prefix(policy: MonthPolicy, source_name: str) -> str:
    if not policy.by_default:
        return ""
    return f"本地区政策文件未规定每月办理手续，按系统默认规则参照{source_name}的规定执行：" if source_name else ""


def duty_reason(policy: MonthPolicy, *, source_name: str) -> Note:
    rules = policy.rules
    prefix = default_prefix(policy, source_name)
    if rules.duty == "monthly_claim":
        window = (
            f"每月{rules.window_start_day}日至{rules.window_end_day}日" if rules.window_end_day is not None else "每月"
        )
        text = f"领取失业保险金期间实行按月申领，{window}办理"
        if rules.missed_month_lost:
            text += "；当月未办理的，当月失业保险金不再享受"
        cites = policy.cite("monthly.duty", "monthly.window", "monthly.missed_month_lost")
    elif rules.duty == "qualification_check":
        text = "领取失业保险金期间须每月进行资格核验（线上或线下），如实说明就业情况"
        if rules.payment_suspend_after is not None:
            text += f"；连续{rules.payment_suspend_after}个月未核验的暂停发放"
            if rules.keeps_months:
                text += "，暂停期间不影响应享受待遇总月数"
            text += "，重新核验后从次月起恢复发放"
        cites = policy.cite(
            "monthly.duty", "monthly.payment_suspend_after_missed", "monthly.suspension_keeps_months", "monthly.resume"
        )
    else:
        text = policy.duty_note or "本地区政策文件未规定按月申领或资格核验"
        text = text.rstrip("。") + "；失业保险金按月发放，无需每月办理手续"
        cites = policy.cite("monthly.duty")
    if policy.by_default:
        cites = dedupe(policy.cite("monthly.duty.region") + cites)
    return Note(code="MONTHLY_DUTY", message=prefix + text + "。", citations=cites)


def status_notes(ledger: Ledger, policy: MonthPolicy, *, source_name: str, stop: StopPolicy | None) -> list[Note]:
    notes = [duty_reason(policy, source_name=source_name)]
    lost = ledger.months(MonthState.lost)
    if lost:
        notes.append(
            Note(
                code="MONTHS_LOST",
                message=f"{months_zh(lost)}未在规定时间内办理按月申领，当月失业保险金不再享受。",
                citations=policy.cite("monthly.missed_month_lost"),
            )
        )
    if ledger.medical_premium_suspended and ledger.medical_suspended_since is not None:
        limit = policy.rules.medical_suspend_after
        notes.append(
            Note(
                code="MEDICAL_PREMIUM_SUSPENDED",
                message=f"已连续{limit}个月未办理按月申领，自{month_zh(ledger.medical_suspended_since)}起"
                "暂停代缴医疗（生育）保险费。",
                citations=policy.cite("monthly.medical_suspend_after_missed"),
            )
        )
    if ledger.suspended and ledger.suspended_since is not None:
        text = (
            f"连续{policy.rules.payment_suspend_after}个月未进行资格核验，自{month_zh(ledger.suspended_since)}起"
            "暂停发放失业保险金"
        )
        if policy.rules.keeps_months:
            text += "，暂停期间不影响应享受待遇总月数"
        if ledger.resumes_from is not None:
            text += f"；已重新核验，符合条件的从{month_zh(ledger.resumes_from)}起恢复发放"
        else:
            text += "；重新办理资格核验、符合发放条件的，从次月起恢复发放"
        notes.append(
            Note(
                code="PAYMENT_SUSPENDED",
                message=text + "。",
                citations=policy.cite(
                    "monthly.payment_suspend_after_missed", "monthly.suspension_keeps_months", "monthly.resume"
                ),
            )
        )
    if ledger.stop_from is not None and stop is not None:
        notes.append(
            Note(
                code="STOPPED",
                message=f"已报告停发情形，自{month_zh(ledger.stop_from)}起停止发放失业保险金。",
                citations=stop.citations,
            )
        )
    elif ledger.ended:
        notes.append(
            Note(
                code="PERIOD_ENDED",
                message=f"失业保险金领取期限已于{month_zh(ledger.period_end)}结束。",
                citations=policy.cite("monthly.duty"),
            )
        )
    upcoming = ledger.next_window()
    if upcoming is not None:
        notes.append(next_window_reason(upcoming, policy))
    return notes


def next_window_reason(entry: MonthEntry, policy: MonthPolicy) -> Note:
    duty = DUTY_ZH.get(policy.rules.duty, "")
    return Note(
        code="NEXT_CHECKIN",
        message=f"请于{day_zh(entry.window_start)}至{day_zh(entry.window_end)}办理{month_zh(entry.month)}的{duty}。",
        citations=policy.cite("monthly.duty", "monthly.window"),
    )


def no_backpay_instead(policy: MonthPolicy, backpay: BackpayPolicy) -> tuple[str, list[Citation]]:
    """What happens instead where a region has no 补发."""
    rules = policy.rules
    if rules.payment_suspend_after is not None:
        text = f"连续{rules.payment_suspend_after}个月未进行资格核验的暂停发放"
        if rules.keeps_months:
            text += "，暂停期间不影响应享受待遇总月数（月数保留）"
        text += "；重新办理资格核验、符合发放条件的，从次月起恢复发放。"
        cites = policy.cite("monthly.payment_suspend_after_missed", "monthly.suspension_keeps_months", "monthly.resume")
    elif not rules.has_duty:
        text = "本地区无需每月办理申领手续，失业保险金按月发放，不会因未办理而漏发。"
        cites = policy.cite("monthly.duty")
    else:
        text = "本地区政策文件未规定漏办月份的补发，请咨询当地经办机构或拨打12333。"
        cites = []
    return text, dedupe(backpay.citations + cites)


def backpay_message(
    *, eligible: list[int], candidates: list[int], used: int, apply_by: date, expired: bool, rules: BackpayPolicy
) -> str:
    places = "或".join(rules.places) if rules.places else "经办机构"
    if expired:
        return f"领取期限已于{day_zh(apply_by)}结束；未在领取期限内提出补发申请的，不予补发。"
    if eligible:
        return (
            f"可在{day_zh(apply_by)}前（失业保险金领取期限内）向{places}申请补发{months_zh(eligible)}的"
            f"失业保险金（并补缴医疗（生育）保险费），申请补发的月份须符合领取条件，最多{rules.max_months}个月。"
        )
    if candidates and rules.max_months is not None and used >= rules.max_months:
        return f"已申请补发{used}个月，已达最多{rules.max_months}个月，其余月份不再补发。"
    return "目前没有可申请补发的月份。"


def checkin_window_text(policy: MonthPolicy, month: int, start: date, end: date) -> str:
    duty = DUTY_ZH.get(policy.rules.duty, "")
    return f"{month_zh(month)}的{duty}办理时间为{day_zh(start)}至{day_zh(end)}"


def answer_names_zh(answers: list[str]) -> list[str]:
    """The check-in answers that report a stop event, in Chinese."""
    return [CHECKIN_ANSWER_NAMES_ZH[CheckinAnswer(a)] for a in answers]


def stop_report_message(answers: list[str], *, policy: StopPolicy, stop_from: int, deadline: Deadline | None) -> str:
    """What a claimant is told on reporting a stop event at a check-in."""
    events = "、".join(answer_names_zh(answers))
    if policy.stops_from == "unspecified":
        # The texts do not say from which month: the ledger stops with the event month (nothing is paid
        # for a month the claimant may not be owed) and the claimant is told the office decides.
        message = (
            f"您报告的情况（{events}）属于停发情形，失业保险金应停止领取；"
            f"{STOP_MONTH_DECIDED_BY_OFFICE}（系统暂按{month_zh(stop_from)}起记录）。"
        )
    else:
        message = f"您报告的情况（{events}）属于停发情形，失业保险金自{month_zh(stop_from)}起停止发放。"
    if deadline is not None:
        message += (
            f"请于{day_zh(deadline.date)}前（自情形发生之日起{policy.report_within_working_days}个工作日内）"
            "告知失业保险经办机构，办理停发失业保险待遇手续。"
        )
        if deadline.provisional:
            message += f"（{deadline.date.year}年节假日安排尚未公布，截止日期按周一至周五计算，仅供参考。）"
    else:
        message += "请及时告知失业保险经办机构，办理停发失业保险待遇手续。"
    return message


def checkin_notes(policy: MonthPolicy, index: int, suspended: bool) -> list[Note]:
    """What an accepted check-in for month `index` means (`suspended`: payment was suspended)."""
    rules = policy.rules
    if rules.duty == "monthly_claim":
        text = f"已办理{month_zh(index)}按月申领，当月失业保险金按规定发放。"
        return [Note(code="MONTH_CLAIMED", message=text, citations=policy.cite("monthly.duty", "monthly.window"))]
    if rules.duty == "qualification_check":
        notes = [
            Note(
                code="QUALIFICATION_CHECKED",
                message=f"已完成{month_zh(index)}资格核验。",
                citations=policy.cite("monthly.duty"),
            )
        ]
        if suspended:
            notes.append(
                Note(
                    code="PAYMENT_RESUMES",
                    message=f"待遇暂停发放期间重新核验，符合发放条件的，从{month_zh(index + 1)}起恢复发放。",
                    citations=policy.cite("monthly.resume", "monthly.suspension_keeps_months"),
                )
            )
        return notes
    text = f"已记录{month_zh(index)}的情况。本地区无需每月办理手续，失业保险金按月发放。"
    return [Note(code="NO_MONTHLY_DUTY", message=text, citations=policy.cite("monthly.duty"))]
