"""Staff accounts and login sessions (keyword-only functions; the caller's session commits)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.auth import Caller
from api.db import utcnow
from api.staff.duties import check_role_combination
from api.staff.errors import (
    CannotDeactivateSelf,
    DemoPasswordRefused,
    LoginFailed,
    PasswordTooShort,
    StaffNotFound,
    UsernameTaken,
    WrongOldPassword,
)
from api.staff.models import StaffAccount, StaffSession
from api.staff.passwords import MIN_PASSWORD_LENGTH, hash_password, needs_rehash, verify_password
from api.staff.throttle import FAILED_ACTION, check_login_allowed, failed_actor

SESSION_HOURS = 12


@dataclass(frozen=True)
class LoggedIn:
    account: StaffAccount
    session: StaffSession
    token: str


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def caller_of(account: StaffAccount) -> Caller:
    return Caller(kind="staff", name=account.username, roles=frozenset(account.roles), staff_id=account.id)


def get_account(session: Session, *, staff_id: int) -> StaffAccount:
    account = session.get(StaffAccount, staff_id) if 0 < staff_id <= 2**31 - 1 else None
    if account is None:
        raise StaffNotFound()
    return account


def find_account(session: Session, *, username: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.username == username))


def list_accounts(session: Session) -> list[StaffAccount]:
    return list(session.scalars(select(StaffAccount).order_by(StaffAccount.id)))


def username_named(session: Session, *, name: str) -> str | None:
    """The username of the account whose display name or username is `name` (as pages show staff)."""
    return session.scalar(
        select(StaffAccount.username).where((StaffAccount.display_name == name) | (StaffAccount.username == name))
    )


def display_names(session: Session, *, usernames: Iterable[str]) -> dict[str, str]:
    """Display names of the accounts among `usernames`, by username."""
    wanted = set(usernames)
    if not wanted:
        return {}
    rows = session.execute(
        select(StaffAccount.username, StaffAccount.display_name).where(StaffAccount.username.in_(wanted))
    )
    return {u: d for u, d in rows}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(MIN_PASSWORD_LENGTH)


def create_account(
    session: Session,
    *,
    actor: str,
    username: str,
    display_name: str,
    unit: str,
    password: str,
    roles: list[str],
) -> StaffAccount:
    checked = check_role_combination(roles)
    _check_password(password)
    if find_account(session, username=username) is not None:
        raise UsernameTaken(username)
    account = StaffAccount(
        username=username,
        display_name=display_name,
        unit=unit,
        password_hash=hash_password(password),
        roles=[r.value for r in checked],
        active=True,
    )
    try:
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError:  # created by a concurrent request meanwhile
        raise UsernameTaken(username) from None
    record_audit(
        session,
        actor=actor,
        action="staff.create",
        entity_type="staff",
        entity_id=account.id,
        after={"username": username, "unit": unit, "roles": account.roles},
    )
    return account


def set_roles(session: Session, *, actor: Caller, staff_id: int, roles: list[str]) -> StaffAccount:
    account = get_account(session, staff_id=staff_id)
    checked = [r.value for r in check_role_combination(roles)]
    before = {"roles": list(account.roles)}
    account.roles = checked
    record_audit(
        session,
        actor=actor.actor,
        action="staff.set_roles",
        entity_type="staff",
        entity_id=account.id,
        before=before,
        after={"roles": checked},
    )
    return account


def set_active(session: Session, *, actor: Caller, staff_id: int, active: bool) -> StaffAccount:
    account = get_account(session, staff_id=staff_id)
    if actor.staff_id == staff_id and not active:
        raise CannotDeactivateSelf()
    before = {"active": account.active}
    account.active = active
    if not active:
        now = utcnow()
        for open_session in session.scalars(
            select(StaffSession).where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        ):
            open_session.revoked_at = now
    record_audit(
        session,
        actor=actor.actor,
        action="staff.activate" if active else "staff.deactivate",
        entity_type="staff",
        entity_id=account.id,
        before=before,
        after={"active": active},
    )
    return account


def login(
    session: Session, *, username: str, password: str, address: str, refused_passwords: frozenset[str]
) -> LoggedIn:
    """Check the password and open a session; every attempt is audited, failures are throttled
    (api/staff/throttle.py) per account and per client `address`."""
    check_login_allowed(session, username=username, address=address, now=utcnow())
    account = find_account(session, username=username)
    # An unknown name costs the same Argon2 check as a wrong password: the answer's timing
    # must not tell which user names exist.
    stored = account.password_hash if account is not None else _unknown_user_hash()
    ok = verify_password(stored, password) and account is not None and account.active
    if not ok or account is None:
        record_audit(
            session,
            actor=failed_actor(username),
            action=FAILED_ACTION,
            entity_type="staff",
            entity_id=account.id if account else "-",
            after={"address": address},
        )
        raise LoginFailed()
    if password in refused_passwords:
        record_audit(
            session,
            actor=f"staff:{username}",
            action="staff.login_refused_demo_password",
            entity_type="staff",
            entity_id=account.id,
        )
        raise DemoPasswordRefused()
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    staff_session = StaffSession(
        token_hash=_token_hash(token),
        staff_id=account.id,
        created_at=now,
        expires_at=now + timedelta(hours=SESSION_HOURS),
    )
    session.add(staff_session)
    session.flush()
    record_audit(
        session,
        actor=f"staff:{username}",
        action="staff.login",
        entity_type="staff",
        entity_id=account.id,
        after={"session_id": staff_session.id},
    )
    return LoggedIn(account=account, session=staff_session, token=token)


def resolve_token(session: Session, *, token: str) -> tuple[StaffAccount, StaffSession] | None:
    """The account and session of a live login, or None (unknown, expired, revoked, deactivated)."""
    row = session.execute(
        select(StaffAccount, StaffSession)
        .join(StaffSession, StaffSession.staff_id == StaffAccount.id)
        .where(StaffSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    account, staff_session = row
    if staff_session.revoked_at is not None or staff_session.expires_at <= utcnow() or not account.active:
        return None
    return account, staff_session


def logout(session: Session, *, token: str) -> None:
    found = resolve_token(session, token=token)
    if found is None:
        return
    account, staff_session = found
    staff_session.revoked_at = utcnow()
    record_audit(
        session,
        actor=f"staff:{account.username}",
        action="staff.logout",
        entity_type="staff",
        entity_id=account.id,
        after={"session_id": staff_session.id},
    )


def change_password(session: Session, *, account: StaffAccount, old: str, new: str) -> None:
    if not verify_password(account.password_hash, old):
        raise WrongOldPassword()
    _check_password(new)
    account.password_hash = hash_password(new)
    record_audit(
        session,
        actor=f"staff:{account.username}",
        action="staff.change_password",
        entity_type="staff",
        entity_id=account.id,
    )


def csrf_token(*, secret: str, token: str) -> str:
    """A per-session token for console forms (the cookie alone does not authorise a form post)."""
    return hmac.new(secret.encode(), f"csrf:{_token_hash(token)}".encode(), hashlib.sha256).hexdigest()[:40]
