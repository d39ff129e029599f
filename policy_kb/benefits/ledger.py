"""The month-by-month ledger of a claim: pure functions, no database, no clock.

Every rule value comes in through :class:`MonthRules` (built from the rule base for
the claim's region and each month by ``policy_kb.benefits.duties``); the date is an input.

How the rules are read (Tianjin 一（二）, Chongqing 一（四）):

- ``missed_month_lost`` (Tianjin 按月申领): a month whose window closed without a
  check-in is lost; ``medical_suspend_after`` consecutive lost months suspend the
  medical-insurance premium from the last of them until the next claimed month.
- ``payment_suspend_after`` (Chongqing 资格核验): from the N-th consecutive month
  without a check, payment is suspended; suspended months do not use up the
  entitlement when ``keeps_months``; a new check resumes payment from the next month
  (the month of the check itself stays suspended). A single missed month is paid.
- ``duty == "none"``: every month of the period is payable; check-ins are recorded
  but not required.
- A stop event ends the ledger at ``stop_from`` (the first month not paid).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from policy_kb.vocab import BackpayStatus, MonthState

MAX_MONTHS_SCANNED = 1200  # a guard: a ledger never spans more than 100 years


# ---- months as integers (year * 12 + month - 1) ------------------------------------------


def month_index(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def month_of(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_text(index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def first_day(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def last_day(index: int) -> date:
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, calendar.monthrange(year, month0 + 1)[1])


# ---- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthRules:
    """The monthly-duty rules in force for one month of one claim."""

    duty: str  # "monthly_claim" | "qualification_check" | "none"
    window_start_day: int = 1
    window_end_day: int | None = None  # None: until the last day of the month
    missed_month_lost: bool = False
    medical_suspend_after: int | None = None
    payment_suspend_after: int | None = None
    keeps_months: bool = False

    @property
    def has_duty(self) -> bool:
        return self.duty != "none"

    def window(self, index: int) -> tuple[date, date]:
        """First and last day on which the month's check-in counts."""
        last = last_day(index)
        start = min(self.window_start_day, last.day)
        end = last.day if self.window_end_day is None else min(self.window_end_day, last.day)
        return first_day(index).replace(day=start), last.replace(day=end)


RulesFor = Callable[[int], MonthRules]


# ---- output --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthEntry:
    month: int
    state: MonthState
    checked_in: bool
    has_duty: bool
    window_start: date
    window_end: date
    medical_premium_suspended: bool = False
    backpay: str | None = None  # status of a back-pay request naming this month

    @property
    def label(self) -> str:
        return month_text(self.month)


@dataclass
class Ledger:
    start: int
    benefit_months: int
    as_of: date
    entries: list[MonthEntry] = field(default_factory=list)
    stop_from: int | None = None
    suspended: bool = False
    suspended_since: int | None = None
    resumes_from: int | None = None
    medical_premium_suspended: bool = False
    medical_suspended_since: int | None = None

    def months(self, *states: MonthState, through_as_of: bool = True) -> list[int]:
        limit = month_of(self.as_of)
        return [e.month for e in self.entries if e.state in states and (not through_as_of or e.month <= limit)]

    @property
    def used(self) -> int:
        """Months of the entitlement used up by the as-of date (paid, lost or back-paid)."""
        return len(self.months(MonthState.paid, MonthState.lost, MonthState.backpaid))

    @property
    def remaining(self) -> int:
        return max(0, self.benefit_months - self.used)

    @property
    def period_end(self) -> int:
        """Last month of the benefit period (projected: later months assumed checked in)."""
        return self.entries[-1].month if self.entries else self.start - 1

    @property
    def stopped(self) -> bool:
        return self.stop_from is not None

    @property
    def ended(self) -> bool:
        return month_of(self.as_of) > self.period_end

    def next_window(self) -> MonthEntry | None:
        """The month whose check-in window is open or comes next, if any is due."""
        current = month_of(self.as_of)
        for e in self.entries:
            if e.month >= current and e.has_duty and not e.checked_in and self.as_of <= e.window_end:
                return e
        return None


# ---- the engine ----------------------------------------------------------------------------


def build_ledger(
    *,
    start: int,
    benefit_months: int,
    checked_in: Collection[int],
    as_of: date,
    rules_for: RulesFor,
    stop_from: int | None = None,
    backpay: Mapping[int, str] | None = None,
) -> Ledger:
    """Walk the claim month by month from `start` and classify every month as of `as_of`.

    Months after the as-of month are projected as checked in, so the ledger's last
    entry is the expected end of the benefit period.
    """
    backpay = backpay or {}
    ledger = Ledger(start=start, benefit_months=benefit_months, as_of=as_of, stop_from=stop_from)
    current = month_of(as_of)
    consumed = 0
    missed_run = 0
    suspended = False
    suspended_since: int | None = None
    resume_at: int | None = None
    month = start
    while consumed < benefit_months and month < start + MAX_MONTHS_SCANNED:
        if stop_from is not None and month >= stop_from:
            break
        rules = rules_for(month)
        window_start, window_end = rules.window(month)
        if resume_at is not None and month >= resume_at:
            suspended, suspended_since, resume_at = False, None, None
        if month > current:
            suspended = False  # projection: assume the claimant checks in from now on
        checked = month in checked_in
        medical = False
        request = backpay.get(month)
        if not rules.has_duty:
            state = MonthState.paid if month <= current else MonthState.future
            missed_run = 0
        elif checked:
            if suspended:
                state, resume_at = MonthState.suspended, month + 1
            else:
                state = MonthState.paid
            missed_run = 0
        elif as_of > window_end:
            missed_run += 1
            threshold = rules.payment_suspend_after
            if request == BackpayStatus.approved:
                state, missed_run = MonthState.backpaid, 0
            elif threshold is not None and (suspended or missed_run >= threshold):
                if not suspended:
                    suspended, suspended_since = True, month
                state = MonthState.suspended
            elif rules.missed_month_lost:
                state = MonthState.lost
                limit = rules.medical_suspend_after
                medical = limit is not None and missed_run >= limit
            else:
                state = MonthState.paid  # a single missed check does not stop payment
        elif month > current:
            state = MonthState.future
        else:
            state = MonthState.suspended if suspended else MonthState.pending
        entry = MonthEntry(
            month=month,
            state=state,
            checked_in=checked,
            has_duty=rules.has_duty,
            window_start=window_start,
            window_end=window_end,
            medical_premium_suspended=medical,
            backpay=request,
        )
        ledger.entries.append(entry)
        if month == current:
            _record_as_of_state(ledger, entry, suspended, suspended_since, resume_at)
        if not (state == MonthState.suspended and rules.keeps_months):
            consumed += 1
        month += 1
    return ledger


def _record_as_of_state(
    ledger: Ledger, entry: MonthEntry, suspended: bool, since: int | None, resume_at: int | None
) -> None:
    ledger.suspended = suspended
    ledger.suspended_since = since if suspended else None
    ledger.resumes_from = resume_at if suspended else None
    previous = ledger.entries[-2] if len(ledger.entries) > 1 else None
    if entry.state == MonthState.lost:
        medical = entry.medical_premium_suspended
    elif entry.state == MonthState.pending and previous is not None:
        medical = previous.medical_premium_suspended  # the run of lost months goes on
    else:
        medical = False
    ledger.medical_premium_suspended = medical
    if medical:
        first = len(ledger.entries) - 1 if entry.medical_premium_suspended else len(ledger.entries) - 2
        while first > 0 and ledger.entries[first - 1].medical_premium_suspended:
            first -= 1
        ledger.medical_suspended_since = ledger.entries[first].month


# ---- back-pay (补发) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackpayCalc:
    candidates: list[int]  # lost months not yet asked for
    eligible: list[int]  # what may still be requested, within the cap
    used: int  # months already asked for (pending or approved)
    apply_by: date
    expired: bool


def backpay_options(ledger: Ledger, *, max_months: int, within_benefit_period: bool) -> BackpayCalc:
    """Lost months that may be back-paid on request, at most `max_months` in all.

    The deadline is the last day of the benefit period (the period ends early with a
    stop event); `within_benefit_period` false would mean no deadline is set, which no
    notice does today, so the period end is still reported as the deadline.
    """
    end = ledger.stop_from - 1 if ledger.stop_from is not None else ledger.period_end
    apply_by = last_day(end)
    expired = within_benefit_period and ledger.as_of > apply_by
    asked = {e.month for e in ledger.entries if e.backpay in (BackpayStatus.pending_review, BackpayStatus.approved)}
    candidates = [
        e.month
        for e in ledger.entries
        if e.state == MonthState.lost and e.backpay is None and e.month <= month_of(ledger.as_of)
    ]
    room = max(0, max_months - len(asked))
    eligible = [] if expired else candidates[:room]
    return BackpayCalc(candidates, eligible, len(asked), apply_by, expired)
