"""Hypothesis: malformed input is always a 422 that names the bad field, never a 500."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DEV_AUTH

URL = "/v1/eligibility/evaluate"
GOOD: dict[str, Any] = {
    "region": "120000",
    "application_date": "2026-04-07",
    "person": {"birth_date": "1990-08-01", "retirement_category": "male"},
    "contribution": {"total_months": 26, "last_employer_months": 26, "last_employer_continuous_months": 26},
    "separation": {"date": "2026-03-20", "recorded_reason": "involuntary", "claims_involuntary": False},
    "registered_unemployed": True,
}
# (path, bad values): each is invalid for that field whatever else the request holds
BAD_FIELDS: list[tuple[tuple[str, ...], st.SearchStrategy[Any]]] = [
    (("region",), st.sampled_from(["不存在的地方", "火星", "999999", 42, None, ""])),
    (("application_date",), st.sampled_from(["2026-02-30", "2026-13-01", "昨天", 20260101, "1999-12-31"])),
    (("contribution", "total_months"), st.one_of(st.integers(max_value=-1), st.just("十二"), st.floats(0.1, 0.9))),
    (("contribution", "last_employer_months"), st.integers(max_value=-1)),
    (("previous_unused_months",), st.one_of(st.integers(max_value=-1), st.integers(min_value=25))),
    (("person", "birth_date"), st.sampled_from(["1990-02-29", "not a date", "2027-01-01", 5])),
    (
        ("person", "retirement_category"),
        st.text(min_size=1, max_size=5).filter(lambda s: s not in {"male", "female_cadre", "female_worker"}),
    ),
    (("separation", "recorded_reason"), st.sampled_from(["fired", "quit", 1, "自愿"])),
    (("registered_unemployed",), st.sampled_from(["maybe", 2, [], {}])),
]


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD.items()}
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@st.composite
def bad_requests(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    path, values = draw(st.sampled_from(BAD_FIELDS))
    return ".".join(path), _with(path, draw(values))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bad_requests())
def test_bad_input_is_a_422_naming_the_field(client: TestClient, bad: tuple[str, dict[str, Any]]) -> None:
    field, body = bad
    resp = client.post(URL, json=body, headers=DEV_AUTH)
    assert resp.status_code == 422, (body, resp.text)
    assert field in resp.json()["error"]["fields"], resp.json()
