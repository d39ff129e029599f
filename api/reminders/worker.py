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
import logging
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from arq import cron
from arq.worker import func

from api.db import utcnow
from api.notify.retry import RetryPolicy
from api.reminders import scheduled
from api.reminders.runner import run_from_settings
from policy_kb.clock import CHINA_TZ

log = logging.getLogger(__name__)
QUEUE = "arq:reminders"


async def startup(ctx: dict[str, Any]) -> None:
    from api.db import make_engine
    from api.notify.providers import build_sms_provider
    from api.settings import load_settings
    from api.tickets.limits import load_limits
    from policy_kb import default_rule_base

    settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["engine"] = make_engine(settings.database_url)
    ctx["rule_base"] = default_rule_base()
    # The provider SMS_PROVIDER names (the development outbox records and sends nothing).
    ctx["sms"] = ctx.get("sms") or build_sms_provider(settings)
    ctx["ticket_limits"] = load_limits(settings.ticket_limits_path)


async def shutdown(ctx: dict[str, Any]) -> None:
    engine = ctx.get("engine")
    if engine is not None:
        engine.dispose()


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
        func(monthly_reminders, name="monthly_reminders", timeout=3600),
        func(tickets_overdue, name="tickets_overdue", timeout=600),
        func(tickets_remind, name="tickets_remind", timeout=600),
        func(sms_resend, name="sms_resend", timeout=600),
        func(purge_expired, name="purge_expired", timeout=1800),
    ]
    # arq enqueues each tick once per Redis (job id = name + time); the job locks cover the rest.
    cron_jobs: ClassVar[list[Any]] = [
        cron(daily_reminders, hour={9}, minute={0}, timeout=3600),
        cron(tickets_overdue, minute=EVERY_5_MINUTES, timeout=600),
        cron(tickets_remind, minute={m + 2 for m in EVERY_5_MINUTES}, timeout=600),
        cron(sms_resend, second={0}, timeout=600),
        cron(purge_expired, hour={3}, minute={30}, timeout=1800),
    ]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = QUEUE
    # `python -m api.reminders health` (the container's liveness probe) reads the key this refreshes.
    health_check_interval = 60
    timezone = CHINA_TZ  # cron times are Beijing time
    max_jobs = 2
