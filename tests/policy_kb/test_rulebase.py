"""Loading validates the rule files; lookups go city → province → national by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from policy_kb import RuleBase, RuleBaseError, RuleNotFound, load_rule_base
from policy_kb.sources import load_documents, quote_found

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_packaged_rule_base_loads_with_every_layer(rules: RuleBase) -> None:
    assert set(rules.region_codes) == {"CN", "120000", "210000", "500000", "370000", "371500", "150000"}
    assert len(rules.version) == 16


def test_every_value_has_a_verbatim_citation(rules: RuleBase) -> None:
    docs = load_documents()
    for code in rules.region_codes:
        for windows in rules.layer(code).rules.values():
            for value in windows:
                assert value.citations, value.key
                for cit in value.citations:
                    assert quote_found(docs[cit.document], cit.quote), (code, value.key, cit.quote)


def test_quote_check_normalises_only_whitespace() -> None:
    doc = load_documents()["辽人社函〔2025〕111号"]
    # the source breaks this sentence across lines ("审\n\n核条件")
    assert quote_found(doc, "在严把审核条件防控基金风险的前提下")
    assert not quote_found(doc, "在严把审核条件，防控基金风险的前提下")


def test_good_fixture_layers(tmp_path: Path) -> None:
    rules = load_rule_base(FIXTURES / "good")
    assert rules.value("500000", "review.working_days", date(2025, 7, 31)).value == 10
    got = rules.value("500000", "review.working_days", date(2025, 8, 1))
    assert (got.value, got.region_code, got.replaces) == (7, "500000", "CN:review.working_days")
    with pytest.raises(RuleNotFound):
        rules.value("500000", "review.working_days", date(2024, 12, 29))


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("overlap", "overlaps"),
        ("no_citation", "citations"),
        ("bad_quote", "not found verbatim"),
        ("unsaid_replace", "does not say so"),
        ("bad_value", "bad value"),
    ],
)
def test_loader_rejects_bad_rule_files(fixture: str, message: str) -> None:
    with pytest.raises(RuleBaseError, match=message):
        load_rule_base(FIXTURES / fixture)


def test_tianjin_layer_only_inside_its_dates(rules: RuleBase) -> None:
    assert rules.get("120000", "review.joint_review_working_days", date(2025, 12, 31)) is None
    assert rules.value("120000", "review.joint_review_working_days", date(2026, 1, 1)).region_code == "120000"
    assert rules.value("120000", "review.joint_review_working_days", date(2028, 12, 31)).region_code == "120000"
    assert rules.get("120000", "review.joint_review_working_days", date(2029, 1, 1)) is None


def test_tianjin_short_term_check_adds_to_the_national_one(rules: RuleBase) -> None:
    """60号 七 (continuous < 3 months) holds in Tianjin too; Tianjin adds its own ≤ 6 months check."""
    on = date(2026, 6, 1)
    assert rules.value("120000", "risk.short_term", on).region_code == "CN"
    assert rules.value("120000", "risk.short_term_local", on).region_code == "120000"


def test_liaocheng_inherits_shandong(rules: RuleBase) -> None:
    got = rules.value("371500", "claim_window.refusal_for_60_days", date(2026, 1, 1))
    assert (got.value, got.region_code) == (False, "370000")
    assert [layer.code for layer in rules.chain("371500")] == ["371500", "370000", "CN"]


def test_rule_keys_other_parts_rely_on(rules: RuleBase) -> None:
    on = date(2026, 3, 1)
    assert rules.value("120000", "monthly.duty", on).value == "monthly_claim"
    assert rules.value("500000", "monthly.duty", on).value == "qualification_check"
    assert rules.value("CN", "monthly.duty", on).value == "none"
    assert rules.value("120000", "monthly.window", on).value.model_dump() == {"start_day": 5, "end_day": 25}
    assert rules.value("120000", "backpay.max_months", on).value == 3
    assert rules.value("500000", "backpay.max_months", on).value is None
    assert rules.value("500000", "monthly.payment_suspend_after_missed", on).value == 2
    assert rules.value("120000", "monthly.medical_suspend_after_missed", on).value == 3
    assert rules.value("120000", "stop.report_within_working_days", on).value == 20
    assert rules.value("150000", "dispute.route", on).value.stages == ["初审", "复审", "终审"]
    assert rules.value("370000", "claim_window.refusal_for_60_days", on).value is False


def test_rules_in_force_lists_each_key_once(rules: RuleBase) -> None:
    found = rules.rules_in_force("120000", date(2026, 3, 1))
    keys = [v.key for v in found]
    assert len(keys) == len(set(keys))
    assert {"review.working_days", "risk.short_term", "monthly.window"} <= set(keys)
    assert all(v.in_force(date(2026, 3, 1)) for v in found)
    as_json = found[0].as_dict()
    assert set(as_json) >= {"key", "value", "region_code", "effective_from", "citations", "replaces"}
