"""Request dependencies of the ticket routes: the acting staff member and the limits (the SMS provider: api.deps)."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from api.auth import Caller, require_roles, require_staff_roles
from api.db import SessionDep
from api.staff.models import StaffAccount
from api.tickets.actions import Actor
from api.tickets.limits import TicketLimits, load_limits

READ_ROLES = ("operator", "reviewer", "auditor", "supervisor")
HANDLE_ROLES = ("operator", "supervisor")


def install_ticket_limits(app: FastAPI) -> None:
    """Start-up hook: read (and so validate) the service limits once."""
    app.state.ticket_limits = load_limits(app.state.settings.ticket_limits_path)


def get_limits(request: Request) -> TicketLimits:
    limits: TicketLimits | None = getattr(request.app.state, "ticket_limits", None)
    return limits if limits is not None else load_limits(request.app.state.settings.ticket_limits_path)


def actor_for(*roles: str, staff_only: bool, dialogue: bool = False) -> Callable[..., Actor]:
    guard = require_staff_roles(*roles) if staff_only else require_roles(*roles, dialogue=dialogue)

    def _actor(session: SessionDep, caller: Annotated[Caller, Depends(guard)]) -> Actor:
        if caller.is_integration or caller.staff_id is None:
            return Actor(caller=caller, unit=None)
        account = session.get(StaffAccount, caller.staff_id)
        return Actor(
            caller=caller,
            unit=account.unit if account else None,
            display_name=account.display_name if account else None,
        )

    return _actor


Limits = Annotated[TicketLimits, Depends(get_limits)]
Reader = Annotated[Caller, Depends(require_roles(*READ_ROLES))]
# The dialogue engine files tickets for its claimant (api/tickets/views.py checks which).
Creator = Annotated[Actor, Depends(actor_for(*HANDLE_ROLES, staff_only=False, dialogue=True))]
Handler = Annotated[Actor, Depends(actor_for(*HANDLE_ROLES, staff_only=True))]
Supervisor = Annotated[Actor, Depends(actor_for("supervisor", staff_only=True))]
