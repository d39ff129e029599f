"""Compare a decision (as JSON-ready dict) with a scenario's `expected` block; returns the mismatches."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def load_scenarios() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(file stem, name, input, expected) for every case in scenarios/*.yaml."""
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            out.append((path.stem, case["name"], case["input"], case["expected"]))
    return out


def _codes(items: list[dict[str, Any]]) -> set[str]:
    return {i["code"] for i in items}


def mismatches(ans: dict[str, Any], exp: dict[str, Any]) -> list[str]:
    bad: list[str] = []

    def want(cond: bool, text: str) -> None:
        if not cond:
            bad.append(text)

    if "status" in exp:
        allowed = exp["status"] if isinstance(exp["status"], list) else [exp["status"]]
        want(ans["status"] in allowed, f"status {ans['status']} want {allowed}")
    simple = {
        "benefit_months": ans["benefit_months"],
        "working_days": ans["review"]["working_days"],
        "deadline": ans["review"]["deadline"],
        "provisional": ans["review"]["provisional"],
        "region_code": ans["region"]["code"],
        "retirement_month": (ans["statutory_retirement"] or {}).get("month"),
        "retirement_age": (ans["statutory_retirement"] or {}).get("age"),
        "required_documents": ans["required_documents"],
        "medical_refund_amount": (ans.get("medical_refund") or {}).get("amount"),
    }
    for key, have in simple.items():
        if key in exp:
            want(have == exp[key], f"{key} {have!r} want {exp[key]!r}")
    reasons, flags = _codes(ans["reasons"]), _codes(ans["flags"])
    steps = _codes(ans["next_step_details"])
    for code in exp.get("reasons", []):
        want(code in reasons, f"missing reason {code}")
    for code in exp.get("reasons_absent", []):
        want(code not in reasons, f"unexpected reason {code}")
    for code in exp.get("flags", []):
        want(code in flags, f"missing flag {code}")
    for code in exp.get("flags_absent", []):
        want(code not in flags, f"unexpected flag {code}")
    for code in exp.get("next_step_codes", []):
        want(code in steps, f"missing next step {code}")
    for code in exp.get("next_step_codes_absent", []):
        want(code not in steps, f"unexpected next step {code}")
    for doc in exp.get("required_documents_contain", []):
        want(doc in ans["required_documents"], f"required_documents lacks {doc}")
    if "missing_facts" in exp:
        want(
            sorted(ans["missing_facts"]) == sorted(exp["missing_facts"]),
            f"missing_facts {ans['missing_facts']} want {exp['missing_facts']}",
        )
    for fact in exp.get("unchecked", []):
        want(fact in ans["unchecked"], f"unchecked lacks {fact}")
    if "stop_from_month" in exp:
        months = [r["details"]["stop_from_month"] for r in ans["reasons"] if r["code"] == "STOP_EVENT"]
        want(exp["stop_from_month"] in months, f"stop_from_month {months} want {exp['stop_from_month']}")
    text = json.dumps(ans, ensure_ascii=False)
    for rx in exp.get("text_contains", []):
        want(re.search(rx, text) is not None, f"text lacks /{rx}/")
    for item in ans["reasons"] + ans["flags"] + ans["next_step_details"]:
        want(bool(item["citations"]), f"{item['code']} has no citation")
    return bad
