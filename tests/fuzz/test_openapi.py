"""Every JSON endpoint of the OpenAPI document, fed generated requests (schemathesis strategies).

No request may produce a 5xx, and every response must match what the document promises
(status-code-specific body schema, content type). Each operation is called as a caller its
guards admit (an integration token, or a staff session for staff-only routes), so generated
bodies reach validation and the services rather than stopping at 401/403. Runs on SQLite and
PostgreSQL (PostgreSQL refuses over-long strings that SQLite stores). FUZZ_EXAMPLES sets the
number of generated requests per operation (default 25).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from api.main import create_app
from api.staff.seed import DEMO_ACCOUNTS, seed_staff
from api.staff.sessions import COOKIE_NAME
from tests.conftest import make_settings
from tests.security.routes import Route, app_routes

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# HTML pages, and the WeChat endpoint whose body is XML (tests/fuzz/test_wechat_xml.py).
NOT_JSON = ("/console", "/docs", "/redoc", "/openapi.json", "/channels/wechat")
SCHEMA = schemathesis.openapi.from_dict(create_app().openapi())
OPERATIONS = [
    op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
    if not op.path.startswith(NOT_JSON) and op.path not in ("/", "/chat", "/healthz", "/readyz")  # no input
]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
CASES: dict[str, int] = {}


class Fuzzed:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.routes = {(r.method, r.path): r for r in app_routes(client.app)}  # type: ignore[arg-type]
        self.cookies: dict[str, str] = {}
        self.csrf: dict[str, str] = {}
        for username, _, _, password in DEMO_ACCOUNTS:
            r = client.post("/v1/staff/login", json={"username": username, "password": password})
            assert r.status_code == 200, r.text
            self.cookies[username] = r.cookies[COOKIE_NAME]
            self.csrf[username] = r.headers["X-CSRF-Token"]
        client.cookies.clear()

    def caller(self, method: str, path: str) -> tuple[dict[str, str], dict[str, str]]:
        """(headers, cookies) of a caller the route's guards admit."""
        route: Route | None = self.routes.get((method, path))
        if route is None or not any(g.staff_only for g in route.guards):
            return {"Authorization": "Bearer dev-token"}, {}
        for username, _, roles, _ in DEMO_ACCOUNTS:
            if route.admits(integration=False, roles=frozenset(roles)):
                return {"X-CSRF-Token": self.csrf[username]}, {COOKIE_NAME: self.cookies[username]}
        return {}, {}


@pytest.fixture(scope="module")
def fuzzed(private_db_url: str) -> Iterator[Fuzzed]:
    # A database of its own: fuzzing changes staff roles, passwords and active flags.
    app = create_app(make_settings(private_db_url, outbound_sweep_seconds=0))
    with TestClient(app) as client:
        with app.state.sessionmaker() as session, session.begin():
            seed_staff(session, app.state.settings)
        yield Fuzzed(client)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in OPERATIONS])
def test_no_server_error_and_responses_match_the_document(fuzzed: Fuzzed, operation: Any) -> None:
    method = operation.method.upper()
    key = f"{method} {operation.path}"
    headers, cookies = fuzzed.caller(method, operation.path)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        CASES[key] = CASES.get(key, 0) + 1
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        kwargs.pop("cookies", None)
        fuzzed.client.cookies.clear()
        for name, value in cookies.items():
            fuzzed.client.cookies.set(name, value)
        response = fuzzed.client.request(**kwargs)
        case.validate_response(response, checks=CHECKS, headers=kwargs["headers"])

    run()


def test_report_cases_tried() -> None:
    """Runs after the operations: how many generated requests they were given."""
    print(f"\nschemathesis: {sum(CASES.values())} generated requests over {len(CASES)} operations")
