"""Who is calling: an integration (bearer token) or a staff member (console session).

Public routes (chat, channels, GET /v1/regions, health) use neither.
Staff sessions are resolved by the staff domain, which registers a resolver
on app.state at start-up so this module does not import it.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Literal, Protocol

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.errors import ForbiddenError, UnauthorizedError


@dataclass(frozen=True)
class Caller:
    kind: Literal["integration", "staff"]
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    staff_id: int | None = None

    @property
    def is_integration(self) -> bool:
        return self.kind == "integration"

    @property
    def actor(self) -> str:
        """How the caller is written in audit trails."""
        return f"{self.kind}:{self.name}"


class StaffResolver(Protocol):
    def __call__(self, request: Request) -> Caller | None: ...


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return token.strip()


def _integration(request: Request, token: str) -> Caller | None:
    for known in request.app.state.settings.integration_tokens:
        if hmac.compare_digest(known.encode(), token.encode()):
            # Only a short prefix names the integration in audit trails.
            return Caller(kind="integration", name=f"token-{known[:4]}", roles=frozenset({"integration"}))
    return None


async def current_caller(request: Request) -> Caller:
    """Async on purpose: a bearer token needs no I/O, and a sync dependency would cost a
    thread-pool hop on every request (measured: about half the throughput on hot routes).
    A staff session may need the database, so only that path goes to the thread pool."""
    token = _bearer(request)
    if token is not None:
        caller = _integration(request, token)
        if caller is None:
            raise UnauthorizedError("访问令牌无效")
        return caller
    resolver: StaffResolver | None = getattr(request.app.state, "staff_resolver", None)
    staff = await run_in_threadpool(resolver, request) if resolver else None
    if staff is None:
        raise UnauthorizedError("请先登录或提供访问令牌")
    return staff


CallerDep = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that admits integrations and staff holding any of `roles`.

    `require_roles()` with no roles admits any authenticated caller.
    """

    wanted = frozenset(roles)

    async def _check(caller: CallerDep) -> Caller:
        if caller.is_integration or not wanted or caller.roles & wanted:
            return caller
        raise ForbiddenError("当前账号没有此操作的权限")

    return _check


def require_staff_roles(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """Staff only (integrations are refused), holding any of `roles`."""

    wanted = frozenset(roles)

    async def _check(caller: CallerDep) -> Caller:
        if caller.is_integration:
            raise ForbiddenError("此操作仅限工作人员")
        if wanted and not caller.roles & wanted:
            raise ForbiddenError("当前账号没有此操作的权限")
        return caller

    return _check


def has_any(caller: Caller, roles: Iterable[str]) -> bool:
    return bool(caller.roles & frozenset(roles))


IntegrationOrStaff = Annotated[Caller, Depends(require_roles())]
