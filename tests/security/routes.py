"""Every route of the app and who may call it, read from the app itself (not a hand-kept list).

Who may call a route comes from the guards the route declares: `require_roles(...)`
and `require_staff_roles(...)` dependencies (api/auth.py), `current_caller`, the
claim-access dependencies (api/claims/access.py), and for console pages the
`page_user(request, *roles)` call the handler opens with.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from api.auth import current_caller
from api.claims.access import STAFF_CLAIM_ROLES

# Public by contract (contracts.md: the public channels, GET /v1/regions, the health checks) and the
# pages and log-in routes that must be reachable before anyone is known.
PUBLIC = [
    ("POST", r"/v1/chat"),
    ("GET", r"/v1/chat/messages"),  # the web chat page's later messages: the same public channel as /v1/chat
    ("GET", r"/v1/chat/history"),  # the page's conversation after a reload: its browser cookie only (tested)
    ("*", r"/channels/.*"),
    ("GET", r"/v1/regions"),
    ("GET", r"/healthz"),
    ("GET", r"/readyz"),
    ("GET", r"/(openapi\.json|docs|docs/oauth2-redirect|redoc)"),
    ("GET", r"/|/chat"),
    ("*", r"/v1/staff/(login|logout)"),
    ("*", r"/console/(login|logout)"),
    ("GET", r"/console|/console/static/.*"),  # a redirect to the log-in page; the page's own CSS/JS
    # Not public: it checks its own bearer secret, METRICS_TOKEN, as the channels check their signatures
    # (refused without it: tests/api/metrics); no caller role admits it, so the role tests skip it.
    ("GET", r"/metrics"),
    ("GET", r"/v1/identity/dev/last-code"),  # development and test only: 404 in production (tested)
]


def is_public(method: str, path: str) -> bool:
    return any(m in ("*", method) and re.fullmatch(rx, path) for m, rx in PUBLIC)


# What a claim route answers a caller its role guards admit but who has not proved more: staff
# without a recorded caller verification, the dialogue engine without a verified sender.
CLAIM_ACCESS_CODES = frozenset({"caller_not_verified", "claimant_not_verified"})
# What an identity route answers the dialogue engine acting for another conversation than the
# one it names in X-Claimant-Sender (api/identity/views.py): past the role guard, refused per sender.
SENDER_MISMATCH = "sender_mismatch"


@dataclass(frozen=True)
class Guard:
    roles: frozenset[str]  # empty: any authenticated caller of the allowed kinds
    staff_only: bool
    dialogue: bool = False  # require_roles(..., dialogue=True): the dialogue engine too
    claim_access: bool = False  # api/claims/access.py decides per claim (CLAIM_ACCESS_CODES)

    def admits(self, *, integration: bool, roles: frozenset[str], dialogue: bool = False) -> bool:
        if integration:
            return not self.staff_only
        if dialogue:
            return not self.staff_only and (self.dialogue or not self.roles)
        return not self.roles or bool(self.roles & roles)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    console: bool  # an HTML page of the console (session cookie; anonymous is sent to the log-in page)
    guards: tuple[Guard, ...]

    def admits(self, *, integration: bool, roles: frozenset[str], dialogue: bool = False) -> bool:
        return all(g.admits(integration=integration, roles=roles, dialogue=dialogue) for g in self.guards)

    @property
    def claim_access(self) -> bool:
        return any(g.claim_access for g in self.guards)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _dependency_guards(dependant: Any) -> Iterator[Guard]:
    for dep in dependant.dependencies:
        call = dep.call
        name = getattr(call, "__qualname__", "")
        if name in ("require_roles.<locals>._check", "require_staff_roles.<locals>._check"):
            closure = inspect.getclosurevars(call).nonlocals
            yield Guard(
                roles=frozenset(closure["wanted"]),
                staff_only=name.startswith("require_staff_roles"),
                dialogue=bool(closure.get("dialogue", False)),
            )
        elif name == "_reader.<locals>._dependency":  # a claim read: details for the claim roles only
            detail = inspect.getclosurevars(call).nonlocals["detail"]
            yield Guard(
                roles=STAFF_CLAIM_ROLES if detail else frozenset(), staff_only=False, dialogue=True, claim_access=True
            )
        elif name == "_claimant_action":
            yield Guard(roles=frozenset(), staff_only=False, dialogue=True, claim_access=True)
        elif call is current_caller:
            yield Guard(roles=frozenset(), staff_only=False)
        yield from _dependency_guards(dep)


def _page_user_guard(endpoint: Callable[..., Any]) -> Guard | None:
    """The roles of the `page_user(request, ...)` call at the top level of a console handler."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(endpoint)))
    except (OSError, TypeError):
        return None
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
    for stmt in func.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "page_user":
                roles: set[str] = set()
                for arg in node.args[1:]:
                    if isinstance(arg, ast.Constant):
                        roles.add(arg.value)
                    elif isinstance(arg, ast.Starred) and isinstance(arg.value, ast.Name):
                        roles.update(endpoint.__globals__[arg.value.id])
                return Guard(roles=frozenset(roles), staff_only=True)
        if isinstance(stmt, ast.If | ast.For | ast.While | ast.With | ast.Try):
            break  # a call inside a branch guards only that branch
    return None


def app_routes(app: FastAPI) -> list[Route]:
    routes = []
    for rc in iter_route_contexts(app.routes):
        dependant = getattr(rc.route, "dependant", None)
        if dependant is None:
            continue
        guards = list(_dependency_guards(dependant))
        console = rc.path.startswith("/console")
        if console and (page := _page_user_guard(rc.endpoint)) is not None:
            guards.append(page)
        for method in sorted(rc.methods - {"HEAD"}):
            routes.append(Route(method=method, path=rc.path, console=console, guards=tuple(guards)))
    return routes


def concrete_path(path: str) -> str:
    """Fill path parameters with values that pass type checks (an id that does not exist)."""
    return re.sub(r"\{[^}]+\}", "999999", path)
