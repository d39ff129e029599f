"""The reminder job as an arq worker on Redis (compose: ``python -m api.reminders worker``).

- ``monthly_reminders(month=, as_of=, lead_days=)``: one run, enqueued by
  ``python -m api.reminders enqueue`` or any arq client on queue ``arq:reminders``;
- a daily cron at 09:00 Asia/Shanghai runs the current month with
  ``REMINDER_LEAD_DAYS``: each claimant gets one reminder within that many days
  before their window closes (the dedup key makes later days send nothing new).

Settings are read when the worker starts (``on_startup``), never at import; a test
passes its own in ``ctx["settings"]``. Started with ``arq api.reminders.worker.WorkerSettings``
the worker uses arq's default Redis (localhost); the CLI passes REDIS_URL.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta, timezone
from typing import Any, ClassVar

from arq import cron
from arq.worker import func

from api.reminders.runner import run_from_settings

log = logging.getLogger(__name__)
QUEUE = "arq:reminders"
# China keeps one offset all year (no daylight saving): cron times are Beijing time.
BEIJING = timezone(timedelta(hours=8))


async def startup(ctx: dict[str, Any]) -> None:
    from api.db import make_engine
    from api.notify.providers import build_sms_provider
    from api.settings import load_settings
    from policy_kb import default_rule_base

    settings = ctx.get("settings") or load_settings()
    ctx["settings"] = settings
    ctx["engine"] = make_engine(settings.database_url)
    ctx["rule_base"] = default_rule_base()
    # The provider SMS_PROVIDER names (the development outbox records and sends nothing).
    ctx["sms"] = ctx.get("sms") or build_sms_provider(settings)


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


class WorkerSettings:
    functions: ClassVar[list[Any]] = [func(monthly_reminders, name="monthly_reminders", timeout=3600)]
    cron_jobs: ClassVar[list[Any]] = [cron(daily_reminders, hour={9}, minute={0}, timeout=3600)]
    on_startup = startup
    on_shutdown = shutdown
    queue_name = QUEUE
    timezone = BEIJING
    max_jobs = 2
