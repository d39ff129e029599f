"""Who may read or act on one claim: the one place every claim-scoped route asks.

- An integration (an agency system) keeps full access.
- The dialogue engine (a DIALOGUE_TOKENS caller) acts for the claimant sender it
  names; it reaches a claim only while that sender holds a live identity binding to
  that very claim. What the tracker says (slots, a forged /execute) does not count.
- Staff follow the console's rules (api/console/pages_claims.py uses the same
  functions): who and where, masked, for any staff role; the name, payment months and
  back-pay only for the claim roles, and only after the operator has recorded in this
  login how the caller was verified (within VERIFIED_MINUTES). Every staff read is an
  audit event. Auditors see masked data and audit trails only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit import record_audit
from api.auth import Caller, CallerDep
from api.claims.errors import CallerNotVerified, ClaimantNotVerified, MaskedReadsOnly, NotThisConversation
from api.db import SessionDep, utcnow
from api.identity.service import current_binding
from api.privacy import mask_text
from api.staff.models import CallerVerification
from api.staff.sessions import staff_context

# Staff roles that may see a verified caller's claim in full (the console's claim pages).
STAFF_CLAIM_ROLES = frozenset({"operator", "supervisor", "reviewer"})
VERIFIED_MINUTES = 30


@dataclass(frozen=True)
class ClaimAccess:
    claim_id: int
    caller: Caller
    # False: a staff member without a recorded caller verification (masked reads only).
    full: bool


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def caller_verification(
    session: Session, *, staff_session_id: int, claim_id: int, now: datetime
) -> CallerVerification | None:
    """The operator's recorded verification of this claim's caller in this login, if recent."""
    return session.scalar(
        select(CallerVerification)
        .where(
            CallerVerification.session_id == staff_session_id,
            CallerVerification.claim_id == claim_id,
            CallerVerification.verified_at >= now - timedelta(minutes=VERIFIED_MINUTES),
        )
        .order_by(CallerVerification.id.desc())
    )


def record_caller_verification(
    session: Session, *, staff_session_id: int, claim_id: int, method: str, actor: str, now: datetime
) -> CallerVerification:
    """The operator records how the caller proved to be the claimant (audited); it lasts VERIFIED_MINUTES."""
    row = CallerVerification(session_id=staff_session_id, claim_id=claim_id, verified_at=now, method=method)
    session.add(row)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="console.caller_verified",
        entity_type="claim",
        entity_id=claim_id,
        after={"method": method, "session_id": staff_session_id},
    )
    return row


def record_console_view(
    session: Session, *, actor: str, claim_id: int, verification: CallerVerification | None
) -> None:
    """A staff member opened the claim's console page (masked, or in full after a verification)."""
    record_audit(
        session,
        actor=actor,
        action="console.claim_view",
        entity_type="claim",
        entity_id=claim_id,
        after={
            "verified_at": verification.verified_at.isoformat() if verification else None,
            "masked": verification is None,
        },
    )


def record_console_lookup(session: Session, *, actor: str, query: str, by: str, found: int) -> None:
    """A staff member searched claims (`by`: what the query was taken for); the query is masked in the
    trail as on the page: a name as 张*, an ID or mobile number as everywhere (api/privacy.py)."""
    record_audit(
        session,
        actor=actor,
        action="console.claim_lookup",
        entity_type="claim",
        entity_id="-",
        after={"query": mask_name(query) if by == "name" else mask_text(query), "by": by or None, "found": found},
    )


def _require_binding(session: Session, caller: Caller, claim_id: int) -> None:
    sender = caller.claimant_sender
    binding = current_binding(session, sender=sender) if sender else None
    if binding is None or binding.claim_id != claim_id:
        raise ClaimantNotVerified()


def authorize(
    request: Request, session: Session, caller: Caller, claim_id: int, *, detail: bool, what: str
) -> ClaimAccess:
    """Check `caller` may reach claim `claim_id`; `detail`: name, payment months or back-pay.

    `what` names the read in the audit trail (e.g. "status"); staff reads are audited here.
    """
    if caller.is_integration:
        return ClaimAccess(claim_id=claim_id, caller=caller, full=True)
    if caller.is_dialogue:
        _require_binding(session, caller, claim_id)
        return ClaimAccess(claim_id=claim_id, caller=caller, full=True)
    claim_role = bool(caller.roles & STAFF_CLAIM_ROLES)
    if detail and not claim_role:
        raise MaskedReadsOnly()
    ctx = staff_context(request)
    verification = None
    if claim_role and ctx is not None:
        verification = caller_verification(session, staff_session_id=ctx.session_id, claim_id=claim_id, now=utcnow())
    if detail and verification is None:
        raise CallerNotVerified()
    record_audit(
        session,
        actor=caller.actor,
        action=f"claim.read.{what}",
        entity_type="claim",
        entity_id=claim_id,
        after={
            "caller_verified_at": verification.verified_at.isoformat() if verification else None,
            "masked": verification is None,
        },
    )
    return ClaimAccess(claim_id=claim_id, caller=caller, full=verification is not None)


def authorize_claimant_action(session: Session, caller: Caller, claim_id: int) -> None:
    """A change for a claimant (check-in, back-pay request, ticket): the dialogue engine
    only for its verified sender's claim. Staff and integrations are checked by role."""
    if caller.is_dialogue:
        _require_binding(session, caller, claim_id)


def authorize_conversation(caller: Caller, sender: str | None) -> None:
    """The dialogue engine hands over (pauses) only the conversation it acts for."""
    if caller.is_dialogue and sender is not None and sender != caller.claimant_sender:
        raise NotThisConversation()


def _reader(*, detail: bool, what: str) -> object:
    def _dependency(claim_id: int, request: Request, session: SessionDep, caller: CallerDep) -> ClaimAccess:
        return authorize(request, session, caller, claim_id, detail=detail, what=what)

    return Depends(_dependency)


def _claimant_action(claim_id: int, session: SessionDep, caller: CallerDep) -> None:
    authorize_claimant_action(session, caller, claim_id)


# GET /v1/claims/{id}: masked for staff until the caller is verified.
ClaimSummaryRead = Annotated[ClaimAccess, _reader(detail=False, what="claim")]
StatusRead = Annotated[ClaimAccess, _reader(detail=True, what="status")]
BackpayRead = Annotated[ClaimAccess, _reader(detail=True, what="backpay")]
BackpayRequestsRead = Annotated[ClaimAccess, _reader(detail=True, what="backpay_requests")]
ClaimantAction = Depends(_claimant_action)
