"""The reminder job as an arq worker on Redis (compose: ``python -m api.reminders worker``).

- ``monthly_reminders(month=, as_of=, lead_days=)``: one run, enqueued by
  ``python -m api.reminders enqueue`` or any arq client on queue ``arq:reminders``;
- a daily cron at 09:00 Asia/Shanghai runs the current month with
  ``REMINDER_LEAD_DAYS``: each claimant gets one reminder within that many days
  before their window closes (the dedup key makes later days send nothing new);
- scheduled jobs (api.reminders.scheduled), each under a lock of its own so that two
  workers (or a manual run) never do one twice: ticket overdue marking and 催办 every
  five minutes, re-sending SMS rows left in status retry every minute, and a nightly
  purge of expired sender bindings, identity challenges and channel dedup rows.

Settings are read when the worker starts (``on_startup``), never at import; a test
passes its own in ``ctx["settings"]``. Started with ``arq api.reminders.worker.WorkerSettings``
the worker uses arq's default Redis (localhost); the CLI passes REDIS_URL.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, ClassVar, TypeVar, cast

from arq import cron
from arq.worker import func
from prometheus_client import CollectorRegistry, Counter, start_http_server

from api.db import utcnow
from api.notify.retry import RetryPolicy
from api.reminders import scheduled
from api.reminders.runner import run_from_settings
from policy_kb.clock import CHINA_TZ

log = logging.getLogger(__name__)
QUEUE = "arq:reminders"
# The worker's own registry, served by start_http_server when WORKER_METRICS_PORT is set: a
# separate process from the API, so it cannot share the API's /metrics. Unauthenticated, hence
# bound to WORKER_METRICS_HOST (loopback by default) and holding job counts only.
WORKER_REGISTRY = CollectorRegistry(auto_describe=True)
JOBS_RUN = Counter("worker_jobs_total", "Jobs the reminder worker ran, by job.", ["job"], registry=WORKER_REGISTRY)
JOBS_FAILED = Counter("worker_jobs_failed_total", "Jobs that raised, by job.", ["job"], registry=WORKER_REGISTRY)


async def startup(ctx: dict[str, Any]) -> None:
    from api.db import make_engine
    from api.logs import configure_logging
    from api.notify.providers import build_sms_provider
    from api.privacy import install_log_masking
    from api.settings import load_settings
    from api.tickets.limits import load_limits
    from policy_kb import default_rule_base

    settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    # The worker's log lines (reminders name claimants' mobiles) are masked as the API's are.
    install_log_masking()
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    ctx["engine"] = make_engine(settings.database_url)
    ctx["rule_base"] = default_rule_base()
    # The provider SMS_PROVIDER names (the development outbox records and sends nothing).
    ctx["sms"] = ctx.get("sms") or build_sms_provider(settings)
    ctx["ticket_limits"] = load_limits(settings.ticket_limits_path)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, addr=settings.worker_metrics_host, registry=WORKER_REGISTRY)
        log.info("worker metrics on %s:%d", settings.worker_metrics_host, settings.worker_metrics_port)


async def shutdown(ctx: dict[str, Any]) -> None:
    engine = ctx.get("engine")
    if engine is not None:
        engine.dispose()


Job = TypeVar("Job", bound=Callable[..., Awaitable[dict[str, object]]])


def counted(job: Job) -> Job:
    """Count each run and each failure of `job` (arq's hooks do not say whether a job failed).

    functools.wraps keeps the name, which arq uses for the job and cron ids ("cron:daily_reminders").
    """

    @functools.wraps(job)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, object]:
        JOBS_RUN.labels(job.__name__).inc()
        try:
            return await job(ctx, *args, **kwargs)
        except Exception:
            JOBS_FAILED.labels(job.__name__).inc()
            raise

    return cast(Job, run)


async def monthly_reminders(
    ctx: dict[str, Any], month: str | None = None, as_of: str | None = None, lead_days: int | None = None
) -> dict[str, object]:
    day = date.fromisoformat(as_of) if as_of else None
    report = await asyncio.to_thread(
        run_from_settings,
        ctx["settings"],
        engine=ctx["engine"],
        rule_base=ctx["rule_base"],
        provider=ctx["sms"],
        month=month,
        as_of=day,
        lead_days=lead_days,
    )
    log.info("%s", report.line())
    return report.as_dict()


async def daily_reminders(ctx: dict[str, Any]) -> dict[str, object]:
    lead: int = ctx["settings"].reminder_lead_days
    return await monthly_reminders(ctx, lead_days=lead)


async def tickets_overdue(ctx: dict[str, Any]) -> dict[str, object]:
    return await _scheduled(scheduled.tickets_overdue, ctx["engine"], now=utcnow())


async def tickets_remind(ctx: dict[str, Any]) -> dict[str, object]:
    return await _scheduled(scheduled.tickets_remind, ctx["engine"], now=utcnow(), limits=ctx["ticket_limits"])


async def sms_resend(ctx: dict[str, Any]) -> dict[str, object]:
    settings = ctx["settings"]
    policy = RetryPolicy(max_attempts=settings.sms_retry_max_attempts, base_seconds=settings.sms_retry_base_seconds)
    return await _scheduled(scheduled.sms_resend, ctx["engine"], ctx["sms"], now=utcnow(), policy=policy)


async def purge_expired(ctx: dict[str, Any]) -> dict[str, object]:
    return await _scheduled(scheduled.purge_expired, ctx["engine"], now=utcnow())


async def _scheduled(job: Callable[..., dict[str, object]], *args: Any, **kwargs: Any) -> dict[str, object]:
    report = await asyncio.to_thread(job, *args, **kwargs)
    log.info("scheduled %s", report)
    return report


EVERY_5_MINUTES = set(range(0, 60, 5))


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        func(counted(monthly_reminders), name="monthly_reminders", timeout=3600),
        func(counted(tickets_overdue), name="tickets_overdue", timeout=600),
        func(counted(tickets_remind), name="tickets_remind", timeout=600),
        func(counted(sms_resend), name="sms_resend", timeout=600),
        func(counted(purge_expired), name="purge_expired", timeout=1800),
    ]
    # arq enqueues each tick once per Redis (job id = name + time); the job locks cover the rest.
    cron_jobs: ClassVar[list[Any]] = [
        cron(counted(daily_reminders), hour={9}, minute={0}, timeout=3600),
        cron(counted(tickets_overdue), minute=EVERY_5_MINUTES, timeout=600),
        cron(counted(tickets_remind), minute={m + 2 for m in EVERY_5_MINUTES}, timeout=600),
        cron(counted(sms_resend), second={0}, timeout=600),
        cron(counted(purge_expired), hour={3}, minute={30}, timeout=1800),
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = QUEUE
    # `python -m api.reminders health` (the container's liveness probe) reads the key this refreshes.
    health_check_interval = 60
    timezone = CHINA_TZ  # cron times are Beijing time
    max_jobs = 2
