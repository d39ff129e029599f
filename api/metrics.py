"""Prometheus metrics of the API: GET /metrics, behind METRICS_TOKEN.

One registry for the process (not prometheus_client's global one, so that nothing a library
registers there is exposed by accident). Counters are module-level: every app built in one
process (tests build many) adds to the same series, which is what a scrape of one process
should show; tests compare before and after.

Labels are bounded on purpose: a route is its template (/v1/claims/{claim_id}), never the raw
path, and a request that matched no route is "unmatched" — otherwise every scanned URL or claim
id would become a new time series.

The outbound queue depth is counted when Prometheus scrapes: one COUNT … GROUP BY status over
the not-yet-finished rows, which the (status, next_attempt_at) index answers without reading the
table. That is cheaper and truer than a gauge kept by the sweeper: the sweep runs in every API
process every OUTBOUND_SWEEP_SECONDS whether anyone scrapes or not, its figure would be up to a
sweep old, and the worker (which queues reminders) has no sweeper at all. Several API replicas
report the same figure; aggregate it with max(), not sum().
"""

from __future__ import annotations

import hmac
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.channels.enums import OutboundStatus
from api.channels.models import OutboundMessage
from api.db import SessionDep
from api.deps import SettingsDep
from api.errors import UnauthorizedError

REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "api_request_duration_seconds",
    "Time to answer an HTTP request, by route template, method and status class.",
    ["route", "method", "status"],
    # A chat turn waits for Rasa (up to RASA_TIMEOUT_SECONDS, 10 s); most routes take milliseconds.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
CHAT_TURNS = Counter(
    "chat_turns_total", "Messages that reached the chat gateway, by channel.", ["channel"], registry=REGISTRY
)
CHAT_FALLBACKS = Counter(
    "chat_fallbacks_total",
    "Turns answered by the gateway itself: engine unavailable, or an empty (silent) answer.",
    ["channel", "reason"],
    registry=REGISTRY,
)
ABSTENTIONS = Counter(
    "answers_abstained_total", "POST /v1/answers that abstained (not sure: 12333, 转人工).", registry=REGISTRY
)
ANSWERS = Counter("answers_total", "POST /v1/answers answered (abstained or not).", registry=REGISTRY)
HANDOFFS = Counter(
    "handoffs_total",
    "Tickets created from a conversation (the conversation goes to people).",
    ["channel"],
    registry=REGISTRY,
)
OUTBOUND_FAILURES = Counter(
    "outbound_delivery_failures_total",
    "Outbound messages that ended failed or undeliverable, by channel and status.",
    ["channel", "status"],
    registry=REGISTRY,
)
OUTBOUND_DEPTH = Gauge(
    "outbound_queue_depth",
    "Outbound messages not yet finished, by status (counted at scrape time).",
    ["status"],
    registry=REGISTRY,
)
# Finished rows (sent, stored, failed, undeliverable) only grow; counting them would get slower
# every day and say nothing about the queue.
QUEUE_STATUSES = (OutboundStatus.answering, OutboundStatus.queued, OutboundStatus.sending)


def route_label(scope: Scope) -> str:
    """The matched route's template; FastAPI's router leaves the route in the scope."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else "unmatched"


class MetricsMiddleware:
    """Observes every HTTP request's duration (pure ASGI: it sees the scope the router fills in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception escaping the app becomes a 500 outside this middleware

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            REQUEST_SECONDS.labels(route_label(scope), scope["method"], f"{status // 100}xx").observe(
                time.perf_counter() - started
            )


def count_queue(session: Session) -> None:
    counts: dict[str, int] = {str(status): 0 for status in QUEUE_STATUSES}
    rows = session.execute(
        select(OutboundMessage.status, func.count())
        .where(OutboundMessage.status.in_(QUEUE_STATUSES))
        .group_by(OutboundMessage.status)
    )
    for status, count in rows:
        counts[status] = count
    for status, count in counts.items():  # a status that emptied reads 0, not its last value
        OUTBOUND_DEPTH.labels(status).set(count)


class MetricsTokenRequired(UnauthorizedError):
    message = "需要 METRICS_TOKEN"


def require_metrics_token(settings: SettingsDep, authorization: Annotated[str | None, Header()] = None) -> None:
    expected = f"Bearer {settings.metrics_token}".encode()
    if not hmac.compare_digest((authorization or "").encode(), expected):
        raise MetricsTokenRequired()


router = APIRouter()


# The token is checked first (dependencies resolve in order): a refused scrape opens no database session.
@router.get("/metrics", include_in_schema=False, dependencies=[Depends(require_metrics_token)])
def metrics(session: SessionDep) -> Response:
    count_queue(session)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
