"""Stop events: which stop payment in the region, from which month, and the duty to report them."""

from __future__ import annotations

from datetime import date

from policy_kb.engine.context import Ctx
from policy_kb.months import first_of_next_month, month_str
from policy_kb.rule_types import StopEvents
from policy_kb.schemas import Event
from policy_kb.vocab import EVENT_NAMES_ZH, EventType
from policy_kb.workdays import add_working_days

# What is said when the texts do not fix the month from which payment stops.
STOP_MONTH_DECIDED_BY_OFFICE = "从哪个月起停发由经办机构核定"


def first_unpaid_month(event_date: date, stops_from: str) -> date:
    """First day of the first month not paid after a stop event on `event_date`.

    ``stops_from`` is the region's ``stop.events`` rule: "next_month" stops from the
    month after the event, "event_month" from its month. "unspecified" (the texts do
    not say) gives the event's month: nothing is paid for a month that may not be
    owed, and answers say that the office decides (:data:`STOP_MONTH_DECIDED_BY_OFFICE`).
    """
    return first_of_next_month(event_date) if stops_from == "next_month" else event_date.replace(day=1)


def check_stop_events(ctx: Ctx) -> None:
    for event in sorted(ctx.req.events, key=lambda e: e.date):
        _check_event(ctx, event)


def _check_event(ctx: Ctx, event: Event) -> None:
    rule = ctx.rule("stop.events", event.date)  # selected by the date of the event
    if rule is None:
        return
    config: StopEvents = rule.value
    name = EVENT_NAMES_ZH[event.type]
    when = f"{event.date.year}年{event.date.month}月{event.date.day}日"
    if event.type not in config.events:
        ctx.reason(
            "EVENT_NOT_A_STOP_REASON",
            "info",
            f"您提到的情况（{name}）不在当地规定的停发情形中，请如实告知经办机构，由经办机构核定。",
            rule.citations,
            {"event": str(event.type), "date": event.date.isoformat()},
        )
        return
    start = first_unpaid_month(event.date, config.stops_from)
    if config.stops_from == "unspecified":
        # The law says payment stops, not from which month: say so instead of picking one.
        stop = f"按规定应停止领取失业保险金，{STOP_MONTH_DECIDED_BY_OFFICE}"
    else:
        from_text = "次月" if config.stops_from == "next_month" else "当月"
        stop = f"按规定自{from_text}（{start.year}年{start.month}月）起停止发放失业保险金"
    message = f"您{when}{name}，{stop}。"
    if event.type in config.resumable:
        message += "刑满释放或解除隔离后，可以恢复申领。"
    if event.type == EventType.deceased:
        message = f"领取人于{when}死亡，{stop}；家属可以按规定申请丧葬补助金和抚恤金。"
    ctx.reason(
        "STOP_EVENT",
        "fail",
        message,
        rule.citations,
        {
            "event": str(event.type),
            "date": event.date.isoformat(),
            "stop_from_month": None if config.stops_from == "unspecified" else month_str(start),
        },
    )
    report = ctx.rule("stop.report_within_working_days", event.date)
    if report is not None:
        days: int = report.value
        deadline = add_working_days(event.date, days)
        note = "（该年节假日安排未公布，按周一至周五估算）" if deadline.provisional else ""
        ctx.step(
            "REPORT_STOP_EVENT",
            f"请本人或家属自情形发生之日起{days}个工作日内（{deadline.date.isoformat()}前{note}）告知经办机构，"
            "办理停发手续；多领的待遇需要退回。",
            report.citations,
        )
