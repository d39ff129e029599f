"""Every non-public route refuses the anonymous (401, or the console's log-in redirect) and the
wrong role (403); every caller its guards admit gets past them. Routes are read from the app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from itsdangerous import URLSafeTimedSerializer

from api.main import create_app
from api.staff.seed import DEMO_ACCOUNTS, seed_staff
from api.staff.service import csrf_token
from api.staff.sessions import _SALT as SESSION_SALT
from api.staff.sessions import COOKIE_NAME
from tests.conftest import make_settings
from tests.security.routes import CLAIM_ACCESS_CODES, SENDER_MISMATCH, Route, app_routes, concrete_path, is_public

pytestmark = pytest.mark.security


@dataclass(frozen=True)
class Identity:
    name: str
    headers: dict[str, str]
    cookies: dict[str, str]
    integration: bool
    roles: frozenset[str]
    csrf: str = ""
    dialogue: bool = False


@pytest.fixture(scope="module")
def app_client(private_db_url: str) -> Iterator[TestClient]:
    """The app on a database of its own, with the demo staff as seeded (no other test changed them)."""
    app = create_app(make_settings(private_db_url))
    with TestClient(app) as client:
        with app.state.sessionmaker() as session, session.begin():
            seed_staff(session, app.state.settings)
        yield client


def _staff(client: TestClient) -> list[Identity]:
    out = []
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    for username, _, roles, password in DEMO_ACCOUNTS:
        r = client.post("/v1/staff/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        cookie = r.cookies[COOKIE_NAME]
        token = URLSafeTimedSerializer(secret, salt=SESSION_SALT).loads(cookie)
        out.append(
            Identity(
                username,
                {},
                {COOKIE_NAME: cookie},
                False,
                frozenset(roles),
                csrf=csrf_token(secret=secret, token=token),
            )
        )
        client.cookies.clear()
    return out


def _call(client: TestClient, route: Route, who: Identity | None) -> Response:
    client.cookies.clear()
    for name, value in (who.cookies if who else {}).items():
        client.cookies.set(name, value)
    path, headers = concrete_path(route.path), who.headers if who else {}
    if route.method == "GET":
        return client.request("GET", path, headers=headers, follow_redirects=False)
    if route.console:  # a form post with the session's CSRF token, so only the role can refuse it
        return client.request(
            route.method, path, headers=headers, data={"csrf": who.csrf if who else ""}, follow_redirects=False
        )
    if who is not None and who.csrf:  # the JSON API's CSRF header, as the console's pages send it
        headers = {**headers, "X-CSRF-Token": who.csrf}
    return client.request(route.method, path, headers=headers, json={}, follow_redirects=False)


def _refused_anonymously(route: Route, response: Response) -> bool:
    if response.status_code == 401:
        return True
    location = response.headers.get("location", "")
    return route.console and response.status_code in (302, 303, 307) and location.startswith("/console/login")


def test_routes_are_found_and_every_private_route_has_a_guard(app_client: TestClient) -> None:
    routes = app_routes(app_client.app)  # type: ignore[arg-type]
    private = [r for r in routes if not is_public(r.method, r.path)]
    assert len(private) >= 30, [r.id for r in routes]  # the enumeration really sees the domains' routes
    assert [r.id for r in private if not r.guards] == []


def test_anonymous_and_forged_callers_are_refused_everywhere_private(app_client: TestClient) -> None:
    forged = Identity(
        "forged", {"Authorization": "Bearer not-a-token"}, {COOKIE_NAME: "forged.cookie"}, False, frozenset()
    )
    failures = []
    for route in app_routes(app_client.app):  # type: ignore[arg-type]
        if is_public(route.method, route.path):
            continue
        for who in (None, forged):
            r = _call(app_client, route, who)
            if not _refused_anonymously(route, r):
                failures.append(f"{route.id} as {who.name if who else 'anonymous'}: {r.status_code} {r.text[:120]}")
            elif r.status_code == 401:
                assert r.json()["error"]["code"] == "unauthorized"
    assert failures == []


def _next_check_refused(route: Route, r: Response, who: Identity) -> bool:
    """Past the role guard, refused by the claim's or the sender's own check (a 403 with its code)."""
    if r.status_code != 403:
        return False
    code = r.json()["error"]["code"]
    return (route.claim_access and code in CLAIM_ACCESS_CODES) or (who.dialogue and code == SENDER_MISMATCH)


def test_wrong_roles_get_403_and_right_roles_get_past_the_guard(app_client: TestClient) -> None:
    identities = [
        Identity("integration", {"Authorization": "Bearer dev-token"}, {}, True, frozenset()),
        Identity("dialogue", {"Authorization": "Bearer dev-dialogue-token"}, {}, False, frozenset(), dialogue=True),
        *_staff(app_client),
    ]
    failures, refused = [], 0
    for route in app_routes(app_client.app):  # type: ignore[arg-type]
        if is_public(route.method, route.path) or not route.guards:
            continue
        for who in identities:
            if route.console and (who.integration or who.dialogue):
                continue  # the console knows staff sessions only: covered by the anonymous test
            r = _call(app_client, route, who)
            admitted = route.admits(integration=who.integration, roles=who.roles, dialogue=who.dialogue)
            if admitted and r.status_code in (401, 403) and not _next_check_refused(route, r, who):
                failures.append(f"{route.id} as {who.name}: refused ({r.status_code}) but its guard admits it")
            elif not admitted:
                refused += 1
                if r.status_code != 403:
                    failures.append(f"{route.id} as {who.name}: {r.status_code}, want 403: {r.text[:120]}")
    assert failures == []
    assert refused >= 20  # the roles really differ somewhere


def test_development_code_peek_does_not_exist_in_production(app_factory: object) -> None:
    from typing import Any, cast

    from tests.production import PRODUCTION_SETTINGS

    build = cast(Any, app_factory)
    app = build(**PRODUCTION_SETTINGS)
    with TestClient(app) as client:
        r = client.get("/v1/identity/dev/last-code", params={"sender": "web:someone"})
    assert r.status_code == 404
