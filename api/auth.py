"""Who is calling: an integration or the dialogue engine (bearer tokens) or a staff member (console session).

Public routes (chat, channels, GET /v1/regions, health) use neither.
An integration (an agency system, INTEGRATION_TOKENS) may do what its routes allow.
The dialogue engine's action server (DIALOGUE_TOKENS) acts for one claimant at a
time, named by the X-Claimant-Sender header; claim routes then answer only for
the claim that sender is verified to (api/claims/access.py), so a forged tracker
gains nothing. It is admitted only where a route says so (`dialogue=True`) or
where any authenticated caller is.
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

SENDER_HEADER = "X-Claimant-Sender"
MAX_SENDER_LENGTH = 160


class BadToken(UnauthorizedError):
    message = "访问令牌无效"


class NotAuthenticated(UnauthorizedError):
    message = "请先登录或提供访问令牌"


class DialogueRefused(ForbiddenError):
    message = "对话引擎无权进行此操作"


class StaffOnly(ForbiddenError):
    message = "此操作仅限工作人员"


class RoleRefused(ForbiddenError):
    message = "当前账号没有此操作的权限"


@dataclass(frozen=True)
class Caller:
    kind: Literal["integration", "dialogue", "staff"]
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    staff_id: int | None = None
    # Dialogue callers only: the channel sender (e.g. "web:…") the call is made for.
    claimant_sender: str | None = None

    @property
    def is_integration(self) -> bool:
        return self.kind == "integration"

    @property
    def is_dialogue(self) -> bool:
        return self.kind == "dialogue"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

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


def _matching(known_tokens: Iterable[str], token: str) -> str | None:
    found = None
    for known in known_tokens:  # every one compared, in constant time
        if hmac.compare_digest(known.encode(), token.encode()):
            found = known
    return found


def _claimant_sender(request: Request) -> str | None:
    sender = request.headers.get(SENDER_HEADER, "").strip()
    return sender if 0 < len(sender) <= MAX_SENDER_LENGTH else None


def _token_caller(request: Request, token: str) -> Caller | None:
    settings = request.app.state.settings
    # Only a short prefix names the token in audit trails.
    known = _matching(settings.dialogue_tokens, token)
    if known is not None:
        return Caller(
            kind="dialogue",
            name=f"token-{known[:4]}",
            roles=frozenset({"dialogue"}),
            claimant_sender=_claimant_sender(request),
        )
    known = _matching(settings.integration_tokens, token)
    if known is not None:
        return Caller(kind="integration", name=f"token-{known[:4]}", roles=frozenset({"integration"}))
    return None


async def current_caller(request: Request) -> Caller:
    """Async on purpose: a bearer token needs no I/O, and a sync dependency would cost a
    thread-pool hop on every request (measured: about half the throughput on hot routes).
    A staff session may need the database, so only that path goes to the thread pool."""
    token = _bearer(request)
    if token is not None:
        caller = _token_caller(request, token)
        if caller is None:
            raise BadToken()
        return caller
    resolver: StaffResolver | None = getattr(request.app.state, "staff_resolver", None)
    staff = await run_in_threadpool(resolver, request) if resolver else None
    if staff is None:
        raise NotAuthenticated()
    return staff


CallerDep = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: str, dialogue: bool = False) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that admits integrations and staff holding any of `roles`, and the
    dialogue engine when `dialogue` is true.

    `require_roles()` with no roles admits any authenticated caller.
    """

    wanted = frozenset(roles)

    async def _check(caller: CallerDep) -> Caller:
        if caller.is_integration or not wanted:
            return caller
        if caller.is_dialogue:
            if dialogue:
                return caller
            raise DialogueRefused()
        if caller.roles & wanted:
            return caller
        raise RoleRefused()

    return _check


def require_staff_roles(*roles: str) -> Callable[[Caller], Awaitable[Caller]]:
    """Staff only (integrations are refused), holding any of `roles`."""

    wanted = frozenset(roles)

    async def _check(caller: CallerDep) -> Caller:
        if not caller.is_staff:
            raise StaffOnly()
        if wanted and not caller.roles & wanted:
            raise RoleRefused()
        return caller

    return _check


def has_any(caller: Caller, roles: Iterable[str]) -> bool:
    return bool(caller.roles & frozenset(roles))


IntegrationOrStaff = Annotated[Caller, Depends(require_roles())]
