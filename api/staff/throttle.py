"""Login throttling: failed attempts counted per account and per client address.

The counts are the audit trail's own `staff.login_failed` rows (every failed attempt is
already one, committed with the answer), so every API replica sees the same count without
another store. While either count is at its limit, no password is checked at all, the right
one included, and the refusal says how many minutes remain.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.staff.errors import LoginLocked

FAILED_ACTION = "staff.login_failed"
WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # a person mistyping gets five tries; a guesser gets twenty an hour
PER_ADDRESS = 20  # one address trying many accounts (a shared office NAT stays well below this)


def failed_actor(username: str) -> str:
    return f"anonymous:{username[:60]}"


def check_login_allowed(session: Session, *, username: str, address: str, now: datetime) -> None:
    """Raise LoginLocked (with the minutes left) while the account or the address is locked."""
    since = now - WINDOW
    recent = select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == FAILED_ACTION, AuditEvent.at >= since
    )
    by_account = session.execute(recent.where(AuditEvent.actor == failed_actor(username))).one()
    by_address = session.execute(recent.where(AuditEvent.after["address"].as_string() == address)).one()
    for (count, oldest), limit, whose in ((by_account, PER_ACCOUNT, "该账号"), (by_address, PER_ADDRESS, "本机")):
        if count >= limit and oldest is not None:
            minutes = max(1, math.ceil((oldest + WINDOW - now).total_seconds() / 60))
            raise LoginLocked(whose, minutes)
