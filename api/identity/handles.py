"""Handles: what Rasa sees instead of an ID number or a one-time code.

The gateway (api/chat/service.py) passes every message through `substitute`
before the dialogue engine sees it. A resident ID number becomes
"idref_<12 letters>"; while a code challenge is pending for the sender, a
6-digit run becomes "coderef_<12 letters>". The bot relays the handle to the
identity API, which resolves it (`resolve_id`, `resolve_code`). So Rasa's
tracker, its logs, its Redis keys and the action server hold no ID number and
no code, and a forged tracker holding someone's handle gains nothing: a handle
answers only for the sender whose message it came from, for HANDLE_TTL.

A handle row keeps no clear value either: for an ID number the keyed hash the
claims are found by (api/claims/identity.id_hash) and the mask; for a code the
challenge's own HMAC of it (what `verify` compares). The random part has no
digits, so no number pattern (code, mobile, ID) ever matches inside a handle.

Detection is strict, so that months, dates, amounts and phone numbers
("10月和11月的钱能补发吗", "2026年3月", "交了6年", "13800001234") are never taken
for an ID number: exactly 18 characters (17 digits and a digit or X) with a real
birth date and a valid GB 11643 check digit. An ID-shaped run that fails the
check (a typo, a 15-digit old number that the API does not accept) is masked in
place: it does not reach the tracker, and the bot asks for the number again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.claims.identity import id_hash, masked_id, normalize_id_number
from api.db import utcnow
from api.identity.enums import ChallengeStatus
from api.identity.errors import HandleExpired, HandleMalformed, HandleRefused
from api.identity.models import IdentityChallenge, IdentityHandle
from api.privacy import mask_text

ID_PREFIX = "idref_"
CODE_PREFIX = "coderef_"
HANDLE_TTL = timedelta(minutes=30)
_LETTERS = "abcdefghijkmnpqrstuvwxyz"  # no l or o: nothing that reads as 1 or 0
_RANDOM_LEN = 12
HANDLE = re.compile(rf"(?:{ID_PREFIX}|{CODE_PREFIX})[a-z]{{{_RANDOM_LEN}}}")
# An ID-shaped run, spaces between digits allowed ("1201 0119 8001 011234"), not inside a longer one.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])[0-9](?: ?[0-9]){13,16}(?: ?[0-9Xx])(?![0-9A-Za-z])")
_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


@dataclass(frozen=True)
class IdHandle:
    digest: str  # id_hash of the normalized number
    masked: str
    origin: str | None


def code_digest(secret_key: str, challenge_id: str, code: str) -> str:
    """HMAC-SHA256(SECRET_KEY, challenge id + code): what a challenge stores instead of its code."""
    return hmac.new(secret_key.encode(), f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def network_origin(secret_key: str, address: str) -> str:
    """The quota key of a client address ("ip:<keyed hash>"): the address itself is not stored."""
    digest = hmac.new(secret_key.encode(), f"origin:{address}".encode(), hashlib.sha256).hexdigest()
    return "ip:" + digest[:32]


def _new_handle(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_LETTERS) for _ in range(_RANDOM_LEN))


def valid_id_number(candidate: str) -> str | None:
    """The normalized ID number when `candidate` is one (18 characters, real date, check digit)."""
    compact = candidate.replace(" ", "")
    if len(compact) != 18:
        return None
    try:
        return normalize_id_number(compact)
    except ValueError:
        return None


def _pending_challenge(session: Session, sender: str, now: datetime) -> IdentityChallenge | None:
    return session.scalar(
        select(IdentityChallenge)
        .where(
            IdentityChallenge.sender == sender,
            IdentityChallenge.status == ChallengeStatus.pending,
            IdentityChallenge.expires_at > now,
        )
        .order_by(IdentityChallenge.created_at.desc())
        .limit(1)
    )


def substitute(
    session: Session, *, secret_key: str, sender: str, text: str, origin: str | None = None
) -> tuple[str, bool]:
    """`text` with ID numbers (and, while a challenge is pending, codes) replaced by handles.

    Returns the text and whether anything was replaced. The caller commits.
    """
    now = utcnow()
    changed = False

    def id_handle(match: re.Match[str]) -> str:
        nonlocal changed
        number = valid_id_number(match.group())
        if number is None and " " in match.group():
            return match.group()  # numbers that merely follow each other ("13800001234 1234")
        changed = True
        if number is None:
            return masked_id(match.group())
        handle = _new_handle(ID_PREFIX)
        session.add(
            IdentityHandle(
                handle=handle,
                sender=sender,
                kind="id",
                digest=id_hash(number, secret_key=secret_key),
                masked=masked_id(number),
                origin=origin,
                created_at=now,
                expires_at=now + HANDLE_TTL,
            )
        )
        return handle

    text = _ID_SHAPED.sub(id_handle, text)
    if _CODE.search(text):
        challenge = _pending_challenge(session, sender, now)
        if challenge is not None:
            challenge_id = challenge.id

            def code_handle(match: re.Match[str]) -> str:
                nonlocal changed
                changed = True
                handle = _new_handle(CODE_PREFIX)
                session.add(
                    IdentityHandle(
                        handle=handle,
                        sender=sender,
                        kind="code",
                        digest=code_digest(secret_key, challenge_id, match.group()),
                        masked="******",
                        challenge_id=challenge_id,
                        origin=origin,
                        created_at=now,
                        expires_at=now + HANDLE_TTL,
                    )
                )
                return handle

            text = _CODE.sub(code_handle, text)
    if changed:
        session.execute(delete(IdentityHandle).where(IdentityHandle.expires_at < now))
        session.flush()
    return text, changed


def masked_for_display(session: Session, *, sender: str, text: str) -> str:
    """`text` as the claimant's own bubble shows it: what `substitute` would replace (ID-shaped
    runs and, while a code challenge is pending, codes) masked instead, and mobile numbers masked.

    Uses the same detection as `substitute`, so a number the engine never saw is never shown
    either; call it before the message is answered (the answer may close the challenge).
    Full-width digits are folded first (the engine sees them folded); the rest stays as typed.
    """
    text = text.translate(_FULL_WIDTH_DIGITS)

    def id_mask(match: re.Match[str]) -> str:
        number = valid_id_number(match.group())
        if number is None and " " in match.group():
            return match.group()  # as in `substitute`: numbers that merely follow each other
        return masked_id(number or match.group())

    text = _ID_SHAPED.sub(id_mask, text)
    if _CODE.search(text) and _pending_challenge(session, sender, utcnow()) is not None:
        text = _CODE.sub("******", text)
    return mask_text(text)


def _handle_row(session: Session, *, handle: str, sender: str, kind: str, field: str) -> IdentityHandle:
    prefix = ID_PREFIX if kind == "id" else CODE_PREFIX
    if not HANDLE.fullmatch(handle) or not handle.startswith(prefix):
        raise HandleMalformed(field)
    row = session.get(IdentityHandle, handle)
    if row is None or row.expires_at <= utcnow():
        raise HandleExpired(field)
    # Bound to its sender: someone else's handle (copied from a tracker) is refused.
    if not hmac.compare_digest(row.sender.encode(), sender.encode()):
        raise HandleRefused(field)
    return row


def resolve_id(session: Session, *, handle: str, sender: str) -> IdHandle:
    row = _handle_row(session, handle=handle, sender=sender, kind="id", field="id_handle")
    return IdHandle(digest=row.digest, masked=row.masked, origin=row.origin)


def resolve_code(session: Session, *, handle: str, sender: str, challenge_id: str) -> str | None:
    """The code digest the handle stands for if it was typed for this challenge; None otherwise
    (a code typed for another challenge is simply a wrong code)."""
    row = _handle_row(session, handle=handle, sender=sender, kind="code", field="code_handle")
    return row.digest if row.challenge_id == challenge_id else None
