"""Chinese explanations of ledger states, check-ins and stop reports, each with the citations of the rules.

Numbers in the text (window days, thresholds, the back-pay cap) come from the rule
values passed in, never from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from policy_kb.benefits.duties import BackpayPolicy, MonthPolicy, StopPolicy, dedupe
from policy_kb.benefits.ledger import Ledger, MonthEntry, month_index, month_of
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
    """ "2026年11月、12月、2027年1月": a year is said again only when it changes (shorter on a phone)."""
    parts: list[str] = []
    year = None
    for index in indexes:
        text = month_zh(index)
        parts.append(text if index // 12 != year else text.split("年", 1)[1])
        year = index // 12
    return "、".join(parts)


def span_zh(start: date, end: date) -> str:
    """ "2026年12月1日至31日"; the year and month are said again only when they change."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{day_zh(start)}至{end.day}日"
    if start.year == end.year:
        return f"{day_zh(start)}至{end.month}月{end.day}日"
    return f"{day_zh(start)}至{day_zh(end)}"


def default_prefix(policy: MonthPolicy, source_name: str) -> str:
    if not policy.by_default:
        return ""
    return f"本地区政策文件未规定每月办理手续，按系统默认规则参照{source_name}的规定执行：" if source_name else ""


def duty_reason(policy: MonthPolicy, *, source_name: str, consequences: bool = True) -> Note:
    """The region's monthly duty as a rule. `consequences` False: without what a missed month
    costs, because a note on the claimant's own missed months already says it."""
    rules = policy.rules
    prefix = default_prefix(policy, source_name)
    if rules.duty == "monthly_claim":
        window = (
            f"每月{rules.window_start_day}日至{rules.window_end_day}日" if rules.window_end_day is not None else "每月"
        )
        text = f"领取失业保险金期间实行按月申领，{window}办理"
        if rules.missed_month_lost and consequences:
            text += "；当月未办理的，当月失业保险金不再享受"
        cites = policy.cite("monthly.duty", "monthly.window", "monthly.missed_month_lost")
    elif rules.duty == "qualification_check":
        text = "领取失业保险金期间须每月进行资格核验（线上或线下），如实说明就业情况"
        if rules.payment_suspend_after is not None and consequences:
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
    """The claim's situation first (suspended or stopped, months lost), then what to do by when,
    then the region's duty as a rule, each rule said once.

    A suspended claim's notes state the suspension rule in the claimant's own months, so the duty
    rule (which would say it again in general terms) is left out; where months were lost, the duty
    rule leaves out what a missed month costs.
    """
    notes: list[Note] = []
    suspended = ledger.suspended and ledger.suspended_since is not None
    if suspended:
        notes.append(suspension_note(ledger, policy))
    elif ledger.stop_from is not None and stop is not None:
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
    lost = ledger.months(MonthState.lost)
    if lost:
        notes.append(
            Note(
                code="MONTHS_LOST",
                message=f"{months_zh(lost)}未在规定时间内办理按月申领，"
                f"{'当月' if len(lost) == 1 else '这几个月的'}失业保险金不再享受。",
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
    if suspended:
        notes.append(resume_note(ledger, policy, checked=ledger.resumes_from is not None))
        if policy.by_default:  # which region's rules apply must still be said: the duty alone, once
            notes.append(duty_reason(policy, source_name=source_name, consequences=False))
        return notes
    upcoming = ledger.next_window()
    if upcoming is not None and ledger.stop_from is None:
        notes.append(next_window_reason(upcoming, policy))
    notes.append(duty_reason(policy, source_name=source_name, consequences=not lost))
    return notes


def _suspension_cites(policy: MonthPolicy) -> list[Citation]:
    return policy.cite("monthly.payment_suspend_after_missed", "monthly.suspension_keeps_months", "monthly.resume")


def suspension_note(ledger: Ledger, policy: MonthPolicy) -> Note:
    """ "您的失业保险金发放到2026年10月；因连续2个月未进行资格核验，自2026年11月起暂停发放，
    2026年11月、12月不发放，暂停期间不影响您应享受的待遇总月数。" (the ledger as of its date)."""
    since = ledger.suspended_since
    assert since is not None
    payable = (MonthState.paid, MonthState.backpaid)
    paid = [e.month for e in ledger.entries if e.month < since and e.state in payable]
    held = [m for m in ledger.months(MonthState.suspended) if m >= since]
    text = f"您的失业保险金发放到{month_zh(paid[-1])}；" if paid else ""
    text += f"因连续{policy.rules.payment_suspend_after}个月未进行资格核验，自{month_zh(since)}起暂停发放"
    if held:
        text += f"，{months_zh(held)}不发放"
    if policy.rules.keeps_months:
        text += "，暂停期间不影响您应享受的待遇总月数"
    return Note(code="PAYMENT_SUSPENDED", message=text + "。", citations=_suspension_cites(policy))


def resume_note(ledger: Ledger, policy: MonthPolicy, *, checked: bool) -> Note:
    """What to do and by when while suspended: check again (in which window), from when payment resumes.

    `checked`: the month's check is done (payment resumes from the next month); the claimant is
    told the next window. Otherwise the open or next window, which resumes payment from the month after.
    """
    current = month_of(ledger.as_of)
    if checked:
        resumes = ledger.resumes_from if ledger.resumes_from is not None else current + 1
        text = f"符合发放条件的，从{month_zh(resumes)}起恢复发放"
        after = next((e for e in ledger.entries if e.month == resumes and e.has_duty), None)
        if after is not None:
            text += f"。请于{span_zh(after.window_start, after.window_end)}办理{month_zh(after.month)}的资格核验"
        return Note(code="PAYMENT_RESUMES", message=text + "。", citations=_suspension_cites(policy))
    upcoming = ledger.next_window()
    if upcoming is None:
        text = "重新办理资格核验、符合发放条件的，从次月起恢复发放。"
    else:
        text = (
            f"请于{span_zh(upcoming.window_start, upcoming.window_end)}通过线上或线下方式办理资格核验，"
            f"符合发放条件的，从{month_zh(upcoming.month + 1)}起恢复发放。"
        )
    return Note(code="NEXT_CHECKIN", message=text, citations=_suspension_cites(policy))


def next_window_reason(entry: MonthEntry, policy: MonthPolicy) -> Note:
    duty = DUTY_ZH.get(policy.rules.duty, "")
    return Note(
        code="NEXT_CHECKIN",
        message=f"请于{span_zh(entry.window_start, entry.window_end)}办理{month_zh(entry.month)}的{duty}。",
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


def stop_report_message(
    answers: list[str],
    *,
    policy: StopPolicy,
    stop_from: int,
    deadline: Deadline | None,
    paid_through: int | None = None,
) -> str:
    """What a claimant is told on reporting a stop event at a check-in: what is still paid, from when
    payment stops, what to do and by when. `paid_through`: the claim's last month before `stop_from`
    (None when the stop takes effect from its first month)."""
    events = "、".join(answer_names_zh(answers))
    if policy.stops_from == "unspecified":
        # The texts do not say from which month: the ledger stops with the event month (nothing is paid
        # for a month the claimant may not be owed) and the claimant is told the office decides.
        message = (
            f"您报告的{events}属于停发情形，失业保险金应停止领取；"
            f"{STOP_MONTH_DECIDED_BY_OFFICE}（系统暂按{month_zh(stop_from)}起记录）。"
        )
    else:
        paid = f"失业保险金发放到{month_zh(paid_through)}，" if paid_through is not None else "失业保险金"
        message = f"您报告的{events}属于停发情形：{paid}自{month_zh(stop_from)}起停止发放。"
    if deadline is not None:
        message += (
            f"请于{day_zh(deadline.date)}前（情形发生之日起{policy.report_within_working_days}个工作日内）"
            "告知失业保险经办机构，办理停发手续。"
        )
        if deadline.provisional:
            message += f"（{deadline.date.year}年节假日安排尚未公布，截止日期按周一至周五计算，仅供参考。）"
    else:
        message += "请及时告知失业保险经办机构，办理停发手续。"
    return message


def checkin_notes(policy: MonthPolicy, index: int, suspended: Ledger | None = None) -> list[Note]:
    """What an accepted check-in for month `index` means.

    `suspended`: the claim's ledger just before this check-in, when its payment is suspended; the
    answer then says what was paid, what is not paid since when, and from when payment resumes.
    """
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
        if suspended is not None and suspended.suspended_since is not None:
            notes.append(suspension_note(suspended, policy))
            resumed = replace(suspended, resumes_from=index + 1)
            notes.append(resume_note(resumed, policy, checked=True))
        return notes
    text = f"已记录{month_zh(index)}的情况。本地区无需每月办理手续，失业保险金按月发放。"
    return [Note(code="NO_MONTHLY_DUTY", message=text, citations=policy.cite("monthly.duty"))]
