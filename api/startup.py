"""Work each domain needs done once at start-up (load the rule base, build indexes, …) and at shutdown.

A hook takes the app and stores what it builds on app.state; it runs in the
lifespan after the settings, database and Redis are set up. A domain adds one
entry here rather than editing main.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI

from api.channels.runtime import close_channels, setup_channels
from api.kb.deps import load_knowledge_base_on_startup
from api.policy.deps import load_rule_base_on_startup
from api.staff.sessions import install_staff_resolver
from api.tickets.deps import install_ticket_limits

STARTUP_HOOKS: list[Callable[[FastAPI], None]] = [
    load_rule_base_on_startup,
    load_knowledge_base_on_startup,
    install_staff_resolver,
    install_ticket_limits,
    setup_channels,
]

# Run at shutdown in this order, before Redis, the dialogue client and the database engine close.
SHUTDOWN_HOOKS: list[Callable[[FastAPI], Awaitable[None]]] = [
    close_channels,
]
