"""One reminder run from the settings (shared by the command line and the worker)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from api.claims.schemas import validate_month
from api.notify import SmsProvider
from api.reminders.job import ReminderReport, run_reminders
from api.settings import Settings
from policy_kb import RuleBase
from policy_kb.benefits.ledger import month_of, month_text
from policy_kb.clock import today_in_china


def run_from_settings(
    settings: Settings,
    *,
    engine: Engine,
    rule_base: RuleBase,
    provider: SmsProvider,
    month: str | None = None,
    as_of: date | None = None,
    lead_days: int | None = None,
    batch_size: int | None = None,
) -> ReminderReport:
    """Remind for `month` (default: the month of `as_of`) as of `as_of` (default: today in Beijing)."""
    day = as_of or today_in_china()
    return run_reminders(
        factory=engine,
        rule_base=rule_base,
        provider=provider,
        month=validate_month(month) if month else month_text(month_of(day)),
        as_of=day,
        batch_size=batch_size or settings.reminder_batch_size,
        default_region=settings.claims_default_monthly_region or None,
        lead_days=lead_days,
    )
