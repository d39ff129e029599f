"""The dashboard: 响应率, 解决率, 满意率, a daily trend and tickets by category and by status, for a date
range (the day a ticket was received, Beijing time), a region and the operator who signed for them;
CSV export of the same figures."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import ColumnElement

from api.console.charts import bars, columns, gauge
from api.console.pages_claims import REGION_CHOICES
from api.console.web import ConsoleRoute, form_date, page_user, render
from api.db import SessionDep, utcnow
from api.errors import ValidationFailed
from api.tickets.deps import READ_ROLES
from api.tickets.enums import CATEGORY_LABELS, STATUS_LABELS
from api.tickets.schemas import TicketStats
from api.tickets.stats import Pending, assignees, daily_counts, pending_counts, ticket_filter, ticket_stats
from policy_kb.clock import now_in_china, today_in_china

router = APIRouter(route_class=ConsoleRoute)
REGIONS = dict(REGION_CHOICES)


def _conditions(
    date_from: date | None, date_to: date | None, region: str, operator: int | None = None
) -> list[ColumnElement[bool]]:
    region_code = region if region in REGIONS else ""
    return ticket_filter(date_from=date_from, date_to=date_to, region_code=region_code, assignee_staff_id=operator)


TREND_DAYS = 31  # the trend's default span, ending today
TREND_MAX_DAYS = 92  # longer ranges show their last TREND_MAX_DAYS days
# What the numerator and the denominator of each rate count, said next to the two numbers.
RATE_TERMS = {
    "响应率": ("按时签收", "应签收（已签收或签收时限已过）"),
    "解决率": ("认为已解决", "已回访"),
    "满意率": ("满意和基本满意", "已评价"),
}


def rate_notes(pending: Pending) -> dict[str, str]:
    """What each rate is counted over, and what it leaves out for now."""
    return {
        "响应率": f"已到期应签收的工单中按时签收的比例；另有 {pending.accept_not_due} 件待签收未到期，暂不计入",
        "解决率": f"已回访工单中诉求人认为已解决的比例；另有 {pending.awaiting_follow_up} 件已答复待回访，暂不计入",
        "满意率": "已回访工单中评价满意和基本满意的比例（诉求人在对话中的评价优先，未评价的按回访结果）",
    }


def _figures(session: SessionDep, where: list[ColumnElement[bool]]) -> tuple[TicketStats, Pending]:
    now = utcnow()
    return ticket_stats(session, now=now, where=where), pending_counts(session, now=now, where=where)


def _dates(date_from: str, date_to: str) -> tuple[date | None, date | None]:
    return form_date(date_from, "date_from", "受理起始日期"), form_date(date_to, "date_to", "受理截止日期")


def _operator(value: str) -> int | None:
    """The 承办人 filter: a staff id, or "" (the form's 全部承办人) for everyone."""
    value = value.strip()
    if not value:
        return None
    if not value.isdecimal() or not 0 < int(value) <= 2**31 - 1:
        raise ValidationFailed("承办人参数有误，请从列表中选择", fields={"operator": "取值有误"})
    return int(value)


def _trend_span(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    end = min(date_to or today_in_china(), today_in_china())
    start = date_from or end - timedelta(days=TREND_DAYS - 1)
    return max(start, end - timedelta(days=TREND_MAX_DAYS - 1)), end


def _query(date_from: date | None, date_to: date | None, region: str, operator: int | None) -> dict[str, str]:
    values = {
        "date_from": date_from.isoformat() if date_from else "",
        "date_to": date_to.isoformat() if date_to else "",
        "region": region if region in REGIONS else "",
        "operator": str(operator) if operator is not None else "",
    }
    return {k: v for k, v in values.items() if v}


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    date_from_text: Annotated[str, Query(alias="date_from", max_length=12)] = "",
    date_to_text: Annotated[str, Query(alias="date_to", max_length=12)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    operator: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    ctx = page_user(request, *READ_ROLES)
    date_from, date_to = _dates(date_from_text, date_to_text)
    operator_id = _operator(operator)
    where = _conditions(date_from, date_to, region, operator_id)
    stats, pending = _figures(session, where)
    notes = rate_notes(pending)
    gauges = [
        (gauge(rate.rate, label), rate, notes[label], RATE_TERMS[label])
        for label, rate in (
            ("响应率", stats.response_rate),
            ("解决率", stats.resolution_rate),
            ("满意率", stats.satisfaction_rate),
        )
    ]
    by_category = bars([(CATEGORY_LABELS[k], v) for k, v in stats.by_category.items()])
    by_status = bars([(STATUS_LABELS[k], v) for k, v in stats.by_status.items()])
    span = _trend_span(date_from, date_to)
    # The trend follows the region and operator filters; its days are the range's (or the last month).
    daily = daily_counts(session, day_from=span[0], day_to=span[1], where=_conditions(None, None, region, operator_id))
    trend = columns([(f"{d:%m-%d}", r, a) for d, r, a in daily])
    query = _query(date_from, date_to, region, operator_id)
    return render(
        request,
        ctx,
        "dashboard.html",
        stats=stats,
        pending=pending,
        gauges=[(Markup(svg), rate, note, terms) for svg, rate, note, terms in gauges],
        by_category=Markup(by_category),
        by_status=Markup(by_status),
        trend=Markup(trend),
        trend_span=span,
        trend_total=(sum(r for _, r, _ in daily), sum(a for _, _, a in daily)),
        date_from=date_from,
        date_to=date_to,
        region=region,
        regions=REGION_CHOICES,
        operator=operator_id,
        operators=assignees(session),
        query=urlencode(query),
    )


@router.get("/dashboard.csv")
def dashboard_csv(
    request: Request,
    session: SessionDep,
    date_from_text: Annotated[str, Query(alias="date_from", max_length=12)] = "",
    date_to_text: Annotated[str, Query(alias="date_to", max_length=12)] = "",
    region: Annotated[str, Query(max_length=12)] = "",
    operator: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """The dashboard's figures for the same filters as CSV (UTF-8 with BOM, for Excel)."""
    page_user(request, *READ_ROLES)
    date_from, date_to = _dates(date_from_text, date_to_text)
    operator_id = _operator(operator)
    stats, pending = _figures(session, _conditions(date_from, date_to, region, operator_id))
    notes = rate_notes(pending)
    names = dict(assignees(session))
    who = f"；承办人 {names.get(operator_id, operator_id)}" if operator_id is not None else ""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "统计范围",
            f"受理日期 {date_from or '不限'} 至 {date_to or '不限'}；{REGIONS.get(region, '不限地区')}{who}",
        ]
    )
    w.writerow(["指标", "分子", "分母", "比率", "口径"])
    for label, rate in (
        ("响应率", stats.response_rate),
        ("解决率", stats.resolution_rate),
        ("满意率", stats.satisfaction_rate),
    ):
        shown = f"{rate.rate:.2%}" if rate.rate is not None else "—"
        w.writerow([label, rate.numerator, rate.denominator, shown, notes[label]])
    w.writerow([])
    w.writerow(["工单总数", stats.total])
    w.writerow(["未办结", stats.open])
    w.writerow(["当前超期", stats.overdue])
    w.writerow([])
    w.writerow(["类别", "件数"])
    for k, v in stats.by_category.items():
        w.writerow([CATEGORY_LABELS[k], v])
    w.writerow([])
    w.writerow(["状态", "件数"])
    for k, v in stats.by_status.items():
        w.writerow([STATUS_LABELS[k], v])
    span = _trend_span(date_from, date_to)
    w.writerow([])
    w.writerow(["日期", "受理", "答复"])
    for d, received, answered in daily_counts(
        session, day_from=span[0], day_to=span[1], where=_conditions(None, None, region, operator_id)
    ):
        w.writerow([d.isoformat(), received, answered])
    stamp = now_in_china().strftime("%Y%m%d-%H%M")
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="dashboard-{stamp}.csv"'},
    )
