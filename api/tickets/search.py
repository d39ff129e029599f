"""Finding tickets in the staff queue by what a caller can tell: the ticket number or their mobile.

A mobile is matched on the normalized number (spaces, dashes and +86 dropped) against the places a
ticket holds it without storing it in clear anywhere new: a reply address written out ("sms:<mobile>",
as the console files it), the SMS channel's pseudonym of that mobile (api/channels/sms/senders.py),
and the claim the ticket is linked to, whose claimant registered the mobile. Summaries and
transcripts are masked when stored, so they are never searched for a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.channels.sms.senders import pseudonym
from api.claims.identity import normalize_phone
from api.claims.models import Claim, Claimant
from api.privacy import mask_phone, mask_text
from api.tickets.models import Ticket

_NUMBER = re.compile(r"^GD[0-9]{1,14}$")
_DIGITS = re.compile(r"^[0-9]{4,14}$")


@dataclass(frozen=True)
class QueueSearch:
    kind: str  # "number", "phone" or "" (not understood)
    shown: str  # what the page repeats back: the number, or the mobile masked
    condition: ColumnElement[bool]


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse(session: Session, q: str, *, secret_key: str) -> QueueSearch:
    """The condition for `q`: a ticket number (GD…, whole or its beginning; or 4 to 14 of its digits),
    else an 11-digit mobile; anything else matches nothing."""
    text = re.sub(r"[\s\u3000-]", "", q).upper()
    try:
        phone = normalize_phone(text)
    except ValueError:
        phone = None
    if phone is not None:
        claims = select(Claim.id).join(Claimant).where(Claimant.phone == phone)
        condition = or_(
            Ticket.sender.in_([f"sms:{phone}", pseudonym(secret_key, phone)]),
            Ticket.claim_id.in_(claims.scalar_subquery()),
        )
        return QueueSearch("phone", mask_phone(phone), condition)
    if _NUMBER.match(text):
        return QueueSearch("number", text, Ticket.number.startswith(text, autoescape=True))
    if _DIGITS.match(text):  # the digits an operator reads off a message: "尾号 000123"
        return QueueSearch("number", text, Ticket.number.like(f"%{_escaped(text)}%", escape="\\"))
    return QueueSearch("", "", false())


def record_search(session: Session, *, actor: str, found: QueueSearch, q: str, total: int) -> None:
    """A staff member's queue search is in the trail like a claim lookup, a mobile masked."""
    record_audit(
        session,
        actor=actor,
        action="console.ticket_search",
        entity_type="ticket",
        entity_id="-",
        after={"by": found.kind or None, "query": found.shown or mask_text(q.strip()), "found": total},
    )


def of_claim(claim_id: int, phone: str, *, secret_key: str) -> ColumnElement[bool]:
    """Tickets about a claim: linked to it, or from its claimant's registered mobile (SMS or reply address)."""
    return or_(Ticket.claim_id == claim_id, Ticket.sender.in_([f"sms:{phone}", pseudonym(secret_key, phone)]))


def of_sender(sender: str) -> ColumnElement[bool]:
    """Every ticket of one conversation (the same channel sender)."""
    return Ticket.sender == sender
