"""The month-by-month engine on its own: rules from the real rule base, no database, dates as input."""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb import default_rule_base
from policy_kb.benefits.duties import ClaimsPolicy
from policy_kb.benefits.ledger import Ledger, MonthRules, backpay_options, build_ledger, month_index, month_text
from policy_kb.vocab import BackpayStatus, MonthState

TIANJIN, CHONGQING, LIAONING = "120000", "500000", "210000"


@pytest.fixture(scope="module")
def policy() -> ClaimsPolicy:
    return ClaimsPolicy(default_rule_base())


def ledger(
    policy: ClaimsPolicy,
    region: str,
    *,
    start: str = "2026-01",
    months: int = 12,
    checked: tuple[str, ...] = (),
    as_of: date,
    stop_from: str | None = None,
    backpay: dict[str, str] | None = None,
) -> Ledger:
    return build_ledger(
        start=month_index(start),
        benefit_months=months,
        checked_in={month_index(m) for m in checked},
        as_of=as_of,
        rules_for=policy.rules_for(region),
        stop_from=month_index(stop_from) if stop_from else None,
        backpay={month_index(k): v for k, v in (backpay or {}).items()},
    )


def states(result: Ledger) -> dict[str, str]:
    return {month_text(e.month): e.state.value for e in result.entries}


def labels(indexes: list[int]) -> list[str]:
    return [month_text(i) for i in indexes]


def test_tianjin_rules_come_from_the_rule_base(policy: ClaimsPolicy) -> None:
    rules = policy.month(TIANJIN, month_index("2026-03")).rules
    assert rules == MonthRules(
        duty="monthly_claim", window_start_day=5, window_end_day=25, missed_month_lost=True, medical_suspend_after=3
    )
    # Before the Tianjin notice came into force (2026-01-01) the national baseline sets no duty.
    assert policy.month(TIANJIN, month_index("2025-12")).rules.duty == "none"


def test_tianjin_month_without_claim_is_lost_once_the_window_closes(policy: ClaimsPolicy) -> None:
    on_25th = ledger(policy, TIANJIN, checked=("2026-01", "2026-02"), as_of=date(2026, 3, 25))
    assert states(on_25th)["2026-03"] == "pending"
    on_26th = ledger(policy, TIANJIN, checked=("2026-01", "2026-02"), as_of=date(2026, 3, 26))
    assert states(on_26th)["2026-03"] == "lost"
    assert labels(on_26th.months(MonthState.lost)) == ["2026-03"]
    # The benefit period does not move: a lost month is used up.
    assert month_text(on_26th.period_end) == "2026-12"
    assert on_26th.remaining == 9


def test_tianjin_window_before_the_5th_is_not_open(policy: ClaimsPolicy) -> None:
    result = ledger(policy, TIANJIN, checked=("2026-01",), as_of=date(2026, 2, 3))
    upcoming = result.next_window()
    assert upcoming is not None
    assert (upcoming.label, upcoming.window_start, upcoming.window_end) == (
        "2026-02",
        date(2026, 2, 5),
        date(2026, 2, 25),
    )


def test_tianjin_medical_premium_suspended_from_the_third_missed_month(policy: ClaimsPolicy) -> None:
    two = ledger(policy, TIANJIN, checked=("2026-01", "2026-02"), as_of=date(2026, 4, 28))
    assert not two.medical_premium_suspended
    three = ledger(policy, TIANJIN, checked=("2026-01", "2026-02"), as_of=date(2026, 5, 28))
    assert three.medical_premium_suspended
    assert month_text(three.medical_suspended_since or 0) == "2026-05"
    assert [e.medical_premium_suspended for e in three.entries[2:5]] == [False, False, True]
    # Still suspended while June's window is open and nothing is claimed.
    june = ledger(policy, TIANJIN, checked=("2026-01", "2026-02"), as_of=date(2026, 6, 10))
    assert june.medical_premium_suspended
    # A claim in June ends the run.
    claimed = ledger(policy, TIANJIN, checked=("2026-01", "2026-02", "2026-06"), as_of=date(2026, 6, 10))
    assert not claimed.medical_premium_suspended


def test_tianjin_interrupted_misses_do_not_suspend_the_premium(policy: ClaimsPolicy) -> None:
    result = ledger(policy, TIANJIN, checked=("2026-01", "2026-03", "2026-05"), as_of=date(2026, 6, 28))
    assert labels(result.months(MonthState.lost)) == ["2026-02", "2026-04", "2026-06"]
    assert not result.medical_premium_suspended


def test_tianjin_backpay_within_the_period_capped_at_three(policy: ClaimsPolicy) -> None:
    result = ledger(policy, TIANJIN, checked=("2026-01",), as_of=date(2026, 6, 28))
    calc = backpay_options(result, max_months=3, within_benefit_period=True)
    assert labels(calc.candidates) == ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert labels(calc.eligible) == ["2026-02", "2026-03", "2026-04"]
    assert calc.apply_by == date(2026, 12, 31)
    assert not calc.expired


def test_tianjin_backpay_counts_months_already_requested(policy: ClaimsPolicy) -> None:
    asked = {"2026-02": BackpayStatus.pending_review.value, "2026-03": BackpayStatus.approved.value}
    result = ledger(policy, TIANJIN, checked=("2026-01",), as_of=date(2026, 6, 28), backpay=asked)
    assert states(result)["2026-03"] == "backpaid"
    calc = backpay_options(result, max_months=3, within_benefit_period=True)
    assert calc.used == 2
    assert labels(calc.eligible) == ["2026-04"]


def test_tianjin_no_backpay_after_the_period(policy: ClaimsPolicy) -> None:
    result = ledger(policy, TIANJIN, checked=("2026-01",), as_of=date(2027, 1, 1))
    calc = backpay_options(result, max_months=3, within_benefit_period=True)
    assert calc.expired
    assert calc.eligible == []
    assert result.ended
    last_day = ledger(policy, TIANJIN, checked=("2026-01",), as_of=date(2026, 12, 31))
    assert backpay_options(last_day, max_months=3, within_benefit_period=True).eligible


def test_chongqing_two_missed_checks_suspend_and_a_new_check_resumes_next_month(policy: ClaimsPolicy) -> None:
    one_missed = ledger(policy, CHONGQING, checked=("2026-01",), as_of=date(2026, 3, 5))
    assert states(one_missed)["2026-02"] == "paid"  # a single missed check does not stop payment
    assert not one_missed.suspended
    suspended = ledger(policy, CHONGQING, checked=("2026-01",), as_of=date(2026, 4, 5))
    assert suspended.suspended
    assert month_text(suspended.suspended_since or 0) == "2026-03"
    checked = ledger(policy, CHONGQING, checked=("2026-01", "2026-04"), as_of=date(2026, 4, 15))
    assert checked.suspended  # the month of the new check stays suspended ...
    assert month_text(checked.resumes_from or 0) == "2026-05"  # ... payment resumes from the next
    resumed = ledger(policy, CHONGQING, checked=("2026-01", "2026-04"), as_of=date(2026, 5, 5))
    assert not resumed.suspended
    assert states(resumed)["2026-03"] == states(resumed)["2026-04"] == "suspended"


def test_chongqing_suspension_keeps_the_months(policy: ClaimsPolicy) -> None:
    result = ledger(policy, CHONGQING, checked=("2026-01", "2026-04"), as_of=date(2026, 5, 5))
    # Two suspended months do not reduce the 12: the period runs two months longer.
    assert month_text(result.period_end) == "2027-02"
    assert result.remaining == 12 - len(result.months(MonthState.paid))
    assert labels(result.months(MonthState.suspended)) == ["2026-03", "2026-04"]


def test_chongqing_long_suspension_lasts_until_a_check(policy: ClaimsPolicy) -> None:
    result = ledger(policy, CHONGQING, checked=("2026-01",), as_of=date(2026, 9, 10))
    assert result.suspended
    assert labels(result.months(MonthState.suspended)) == [f"2026-0{m}" for m in range(3, 10)]


def test_region_without_duty_pays_every_month(policy: ClaimsPolicy) -> None:
    result = ledger(policy, LIAONING, as_of=date(2026, 4, 10))
    assert labels(result.months(MonthState.paid)) == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert result.next_window() is None
    assert not result.suspended


def test_configured_default_applies_where_no_duty_is_set() -> None:
    policy = ClaimsPolicy(default_rule_base(), default_region=CHONGQING)
    month = policy.month(LIAONING, month_index("2026-03"))
    assert month.by_default and month.source_region == CHONGQING
    assert month.rules.duty == "qualification_check"
    result = ledger(policy, LIAONING, checked=("2026-01",), as_of=date(2026, 4, 5))
    assert result.suspended
    # A region with its own duty keeps it.
    assert not policy.month(TIANJIN, month_index("2026-03")).by_default


def test_stop_event_ends_the_ledger(policy: ClaimsPolicy) -> None:
    result = ledger(
        policy, TIANJIN, checked=("2026-01", "2026-02", "2026-03"), as_of=date(2026, 3, 20), stop_from="2026-04"
    )
    assert month_text(result.entries[-1].month) == "2026-03"
    assert result.stopped
    assert result.remaining == 9  # kept for a later claim
    calc = backpay_options(result, max_months=3, within_benefit_period=True)
    assert calc.apply_by == date(2026, 3, 31)
