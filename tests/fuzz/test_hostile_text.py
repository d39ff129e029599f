"""Every JSON operation fed text no route may accept: lone surrogates, invalid UTF-8, NUL and 1 MB fields.

Bodies are generated from the OpenAPI document (schemathesis), so they are shaped like what each
route expects; then one string field at a time is replaced by a hostile value and the request is
sent as raw bytes (a JSON encoder would refuse or repair most of these). Every answer must be a
4xx in the contracts' error shape with a Chinese message, never a 5xx, and fast. Query parameters
get the same treatment. Runs on SQLite and PostgreSQL (the fixture's private databases).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from api.main import create_app
from api.staff.seed import seed_staff
from tests.conftest import make_settings
from tests.fuzz.test_openapi import OPERATIONS, Fuzzed

pytestmark = pytest.mark.fuzz

EXAMPLES = max(2, int(os.environ.get("FUZZ_EXAMPLES", "25")) // 5)
MARK = "\u2063HOSTILE\u2063"  # replaced in the encoded bytes by the hostile value
HOSTILE: dict[str, bytes] = {
    "lone-surrogate": b"\\ud800x",
    "lone-low-surrogate": b"a\\udc00",
    "reversed-pair": b"\\udc00\\ud800",
    "invalid-utf8": b"\xff\xfe\xc3(",
    "encoded-surrogate": b"\xed\xa0\x80",
    "nul": b"ab\\u0000cd",
    "one-megabyte": b"x" * 1_000_000,
}
CJK = re.compile(r"[\u4e00-\u9fff]")
SEEN: dict[str, int] = {}
JSON_OPERATIONS = [op for op in OPERATIONS if op.body is not None and len(op.body) and op.method.upper() != "GET"]
QUERY_OPERATIONS = [op for op in OPERATIONS if len(op.query)]


@pytest.fixture(scope="module")
def fuzzed(private_db_url: str) -> Iterator[Fuzzed]:
    app = create_app(make_settings(private_db_url, outbound_sweep_seconds=0))
    with TestClient(app) as client:
        with app.state.sessionmaker() as session, session.begin():
            seed_staff(session, app.state.settings)
        yield Fuzzed(client)


def _string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_paths(item, (*path, index))


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value.get(head), rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _targets(body: Any, operation: Any) -> list[tuple[Any, ...]]:
    """Each string leaf of the generated body; a body with none gets each top-level property instead."""
    paths = list(_string_paths(body))
    if paths or not isinstance(body, dict):
        return paths or [()]
    schema = next(iter(operation.body)).resolved_schema
    return [(name,) for name in schema.get("properties", {})] or [("x",)]


def _assert_refused(response: Any, kind: str, started: float, what: str) -> None:
    elapsed = time.monotonic() - started
    assert response.status_code < 500, (what, kind, response.status_code, response.text[:300])
    assert 400 <= response.status_code < 500, (what, kind, response.status_code, response.text[:300])
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert CJK.search(error["message"]), (what, kind, error)
    assert elapsed < 3, (what, kind, f"{elapsed:.1f}s")


@pytest.mark.parametrize("operation", JSON_OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in JSON_OPERATIONS])
def test_hostile_text_in_every_json_field_is_a_chinese_4xx(fuzzed: Fuzzed, operation: Any) -> None:
    method = operation.method.upper()
    headers, cookies = fuzzed.caller(method, operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        kwargs.pop("cookies", None)
        kwargs.pop("json", None)
        body = case.body if isinstance(case.body, dict | list) else {}
        fuzzed.client.cookies.clear()
        for name, value in cookies.items():
            fuzzed.client.cookies.set(name, value)
        for target in _targets(body, operation):
            raw = json.dumps(_replace(body, target, MARK)).encode()
            mark = json.dumps(MARK)[1:-1].encode()
            for kind, hostile in HOSTILE.items():
                SEEN[kind] = SEEN.get(kind, 0) + 1
                content = raw.replace(mark, hostile)
                started = time.monotonic()
                response = fuzzed.client.request(
                    **{
                        **kwargs,
                        "content": content,
                        "headers": {**kwargs["headers"], "Content-Type": "application/json"},
                    }
                )
                _assert_refused(response, kind, started, f"{method} {operation.path} {target}")
                if kind != "one-megabyte":  # a 1 MB field may also be refused as too long or too large
                    assert response.status_code == 422, (kind, response.status_code, response.text[:200])

    run()


@pytest.mark.parametrize("operation", QUERY_OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in QUERY_OPERATIONS])
@pytest.mark.parametrize("kind", ["%ED%A0%80", "%FF%FE", "%00", "x" * 30_000])  # URLs are capped (httpx: 64 KB)
def test_hostile_query_parameters_are_a_chinese_4xx(fuzzed: Fuzzed, operation: Any, kind: str) -> None:
    method = operation.method.upper()
    headers, cookies = fuzzed.caller(method, operation.path)
    path = re.sub(r"\{[^}]+\}", "1", operation.path)
    for parameter in operation.query:
        fuzzed.client.cookies.clear()
        for name, value in cookies.items():
            fuzzed.client.cookies.set(name, value)
        started = time.monotonic()
        response = fuzzed.client.request(method, f"{path}?{quote(parameter.name)}={kind}", headers=headers)
        _assert_refused(response, kind[:12], started, f"{method} {path} ?{parameter.name}")


def test_report_cases_tried() -> None:
    print(f"\nhostile text: {sum(SEEN.values())} requests ({SEEN})")
