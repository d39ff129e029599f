"""POST /v1/eligibility/evaluate through HTTP: the shared development scenarios, auth and errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.conftest import DEV_AUTH
from tests.policy_kb.scenario_check import load_scenarios, mismatches

EVAL = yaml.safe_load((Path(__file__).parent / "data" / "eligibility.yaml").read_text(encoding="utf-8"))["cases"]
URL = "/v1/eligibility/evaluate"
BASE: dict[str, Any] = EVAL[0]["request"]


def _eval_problems(case: dict[str, Any], status: int, ans: Any) -> list[str]:
    """The same checks as ../shared/tools/run_eval.py, for the fields these cases use."""
    exp = case["expect"]
    if "http" in exp:
        return [] if status == exp["http"] else [f"http {status}"]
    if status != 200:
        return [f"http {status}: {ans}"]
    bad = []
    if "status" in exp:
        allowed = exp["status"] if isinstance(exp["status"], list) else [exp["status"]]
        if ans["status"] not in allowed:
            bad.append(f"status {ans['status']}")
    if "benefit_months" in exp and ans["benefit_months"] != exp["benefit_months"]:
        bad.append("benefit_months")
    for key in ("working_days", "deadline", "provisional"):
        if key in exp and ans["review"][key] != exp[key]:
            bad.append(key)
    if "retirement_month" in exp and (ans["statutory_retirement"] or {}).get("month") != exp["retirement_month"]:
        bad.append("retirement_month")
    have = {r["code"] for r in ans["reasons"] + ans["flags"]}
    bad += [f"missing {c}" for c in exp.get("flags", []) + exp.get("reasons", []) if c not in have]
    bad += [f"{r['code']} uncited" for r in ans["reasons"] + ans["flags"] if not r["citations"]]
    return bad


@pytest.mark.parametrize("case", EVAL, ids=[c["id"] for c in EVAL])
def test_shared_eval_case(client: TestClient, case: dict[str, Any]) -> None:
    resp = client.post(URL, json=case["request"], headers=DEV_AUTH)
    assert _eval_problems(case, resp.status_code, resp.json()) == []


def test_scenarios_through_http(client: TestClient) -> None:
    for _, name, given, expected in load_scenarios():
        resp = client.post(URL, json=given, headers=DEV_AUTH)
        assert resp.status_code == 200, (name, resp.text)
        assert mismatches(resp.json(), expected) == [], name


def test_response_shape_matches_the_contract(client: TestClient) -> None:
    body = client.post(URL, json={**BASE, "region": "500000"}, headers=DEV_AUTH).json()
    assert set(body) >= {
        "region",
        "rule_base_version",
        "status",
        "benefit_months",
        "review",
        "statutory_retirement",
        "reasons",
        "flags",
        "required_documents",
        "next_steps",
        "missing_facts",
    }
    assert body["region"]["code"] == "500000" and body["region"]["name"] == "重庆市"
    assert set(body["review"]) == {"working_days", "deadline", "provisional"}
    assert set(body["statutory_retirement"]) >= {"month", "age"}
    reason = body["reasons"][0]
    assert set(reason) >= {"code", "outcome", "message", "citations"}
    assert set(reason["citations"][0]) == {"document", "clause", "quote"}
    assert all(isinstance(s, str) and "依据：" in s for s in body["next_steps"])


def test_requires_a_token(client: TestClient) -> None:
    assert client.post(URL, json=BASE | {"region": "120000"}).status_code == 401
    wrong = client.post(URL, json=BASE | {"region": "120000"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "不存在的地方"}, "region"),
        ({"application_date": "2026-02-30"}, "application_date"),
        ({"contribution": {"total_months": -1}}, "contribution.total_months"),
        ({"contribution": {"total_months": "很多"}}, "contribution.total_months"),
        ({"previous_unused_months": -3}, "previous_unused_months"),
        ({"registered_unemployed": "也许"}, "registered_unemployed"),
        ({"person": {"birth_date": "2030-01-01", "retirement_category": "male"}}, "person.birth_date"),
        ({"person": {"birth_date": "1980-01-01", "retirement_category": "robot"}}, "person.retirement_category"),
        ({"separation": {"date": "2026-05-01", "recorded_reason": "involuntary"}}, "separation.date"),
        ({"events": [{"type": "moved_to_mars", "date": "2026-05-01"}]}, "events.0.type"),
        ({"receiving": ["lottery"]}, "receiving.0"),
        ({"contribution": {"total_months": 10, "last_employer_months": 20}}, "contribution.last_employer_months"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_input_is_422_naming_the_field(client: TestClient, change: dict[str, Any], field: str) -> None:
    resp = client.post(URL, json={**BASE, "region": "120000", **change}, headers=DEV_AUTH)
    assert resp.status_code == 422, resp.text
    err = resp.json()["error"]
    assert field in err["fields"], err
    assert re.search(r"[\u4e00-\u9fff]", err["fields"][field]), err  # a Chinese message
    assert re.search(r"[\u4e00-\u9fff]", err["message"])


def test_missing_required_fields(client: TestClient) -> None:
    resp = client.post(URL, json={"person": {}}, headers=DEV_AUTH)
    assert resp.status_code == 422
    assert {"region", "application_date"} <= set(resp.json()["error"]["fields"])
