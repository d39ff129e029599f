"""The dashboard: 响应率, 解决率, 满意率 and tickets by category and by status."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from api.console.charts import bars, gauge
from api.console.web import page_user, render
from api.db import SessionDep, utcnow
from api.tickets.deps import READ_ROLES
from api.tickets.enums import CATEGORY_LABELS, STATUS_LABELS
from api.tickets.stats import ticket_stats

router = APIRouter()


@router.get("/dashboard")
def dashboard(request: Request, session: SessionDep) -> Response:
    ctx = page_user(request, *READ_ROLES)
    stats = ticket_stats(session, now=utcnow())
    gauges = [
        (gauge(stats.response_rate.rate, "响应率"), stats.response_rate),
        (gauge(stats.resolution_rate.rate, "解决率"), stats.resolution_rate),
        (gauge(stats.satisfaction_rate.rate, "满意率"), stats.satisfaction_rate),
    ]
    by_category = bars([(CATEGORY_LABELS[k], v) for k, v in stats.by_category.items()])
    by_status = bars([(STATUS_LABELS[k], v) for k, v in stats.by_status.items()])
    return render(
        request,
        ctx,
        "dashboard.html",
        stats=stats,
        gauges=[(Markup(svg), rate) for svg, rate in gauges],
        by_category=Markup(by_category),
        by_status=Markup(by_status),
    )
