"""Claims service: the keyword-only functions the routes, the console, the bot and the channels call.

Services never commit (the caller's session does); every change to a claim writes an
audit event in the same transaction. The functions live in small modules by use case
and are gathered here:

- ``get_claim(session=, claim_id=)`` → ORM ``Claim`` (404 when absent)
- ``find_claims_by_id_number(session=, id_number=)`` (keyed hash), ``find_claims_by_phone(session=, phone=)``,
  ``find_claims_by_name(session=, name=, limit=)`` (exact or prefix match, bounded)
- ``register_claim(...)`` → ``Registered(claim, created)`` (idempotent: the same person, region
  layer and start month answers with the existing claim), ``create_claim(...)`` (its claim),
  ``claim_out(claim, rule_base)`` (masked answer)
- ``record_checkin(...)`` (``at=None``: the server's clock, as for a claimant's own check-in)
- ``get_status(session=, claim_id=, as_of=, rule_base=)``, ``get_backpay(...)``
- ``request_backpay(...)``, ``decide_backpay(...)``, ``list_backpay_requests(...)``
"""

from __future__ import annotations

from api.claims.backpay import decide_backpay, list_backpay_requests, request_backpay
from api.claims.checkins import record_checkin
from api.claims.records import (
    ClaimsConfig,
    Registered,
    claim_out,
    config_from,
    create_claim,
    default_config,
    find_claims_by_id_number,
    find_claims_by_name,
    find_claims_by_phone,
    get_claim,
    register_claim,
)
from api.claims.status import get_backpay, get_status

__all__ = [
    "ClaimsConfig",
    "Registered",
    "claim_out",
    "config_from",
    "create_claim",
    "decide_backpay",
    "default_config",
    "find_claims_by_id_number",
    "find_claims_by_name",
    "find_claims_by_phone",
    "get_backpay",
    "get_claim",
    "get_status",
    "list_backpay_requests",
    "record_checkin",
    "register_claim",
    "request_backpay",
]
