"""policy_kb/benefits/explain.py: the wording of months and windows, and the stop report's order."""

from __future__ import annotations

from datetime import date

from policy_kb.benefits.duties import StopPolicy
from policy_kb.benefits.explain import months_zh, span_zh, stop_report_message
from policy_kb.benefits.ledger import month_index
from policy_kb.workdays import Deadline


def test_months_say_the_year_only_when_it_changes() -> None:
    months = [month_index(m) for m in ("2026-11", "2026-12", "2027-01", "2027-03")]
    assert months_zh(months) == "2026年11月、12月、2027年1月、3月"
    assert months_zh([month_index("2026-02")]) == "2026年2月"


def test_a_window_says_its_month_once() -> None:
    assert span_zh(date(2026, 12, 1), date(2026, 12, 31)) == "2026年12月1日至31日"
    assert span_zh(date(2026, 11, 25), date(2026, 12, 5)) == "2026年11月25日至12月5日"
    assert span_zh(date(2026, 12, 25), date(2027, 1, 5)) == "2026年12月25日至2027年1月5日"


def _policy(stops_from: str, within: int | None = 20) -> StopPolicy:
    return StopPolicy(
        events=frozenset(),
        stops_from=stops_from,
        citations=[],
        report_within_working_days=within,
        report_citations=[],
        pension_excluded=False,
        pension_citations=[],
    )


def test_a_stop_report_leads_with_the_months_then_what_to_do_by_when() -> None:
    deadline = Deadline(date=date(2026, 4, 8), provisional=False)
    text = stop_report_message(
        ["reemployed"],
        policy=_policy("next_month"),
        stop_from=month_index("2026-04"),
        deadline=deadline,
        paid_through=month_index("2026-03"),
    )
    paid, stops, todo = (
        text.index("发放到2026年3月"),
        text.index("自2026年4月起停止发放"),
        text.index("请于2026年4月8日前"),
    )
    assert text.startswith("您报告的重新就业属于停发情形") and paid < stops < todo
    # From the claim's first month: nothing was paid, so nothing is said to be.
    first = stop_report_message(
        ["enlisted"], policy=_policy("next_month", None), stop_from=month_index("2026-04"), deadline=None
    )
    assert (
        first
        == "您报告的应征服兵役属于停发情形：失业保险金自2026年4月起停止发放。请及时告知失业保险经办机构，办理停发手续。"
    )
