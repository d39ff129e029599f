"""Statuses of claims and check-ins, and the allowed transitions of stored statuses.

Month states and back-pay request statuses are rule vocabulary: ``policy_kb.vocab``.
"""

from __future__ import annotations

from enum import StrEnum

from policy_kb.vocab import BackpayStatus


class ClaimStatus(StrEnum):
    active = "active"
    stopped = "stopped"  # a stop event was reported: payment stops from `stop_from_month`


# The one allowed-transition table of a claim (conventions 6). Suspension is not a
# stored status: it follows from the ledger on a given date.
CLAIM_TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.active: frozenset({ClaimStatus.stopped}),
    ClaimStatus.stopped: frozenset(),
}


class CheckinStatus(StrEnum):
    accepted = "accepted"
    stop_reported = "stop_reported"
    outside_window = "outside_window"
    duplicate = "duplicate"


BACKPAY_TRANSITIONS: dict[BackpayStatus, frozenset[BackpayStatus]] = {
    BackpayStatus.pending_review: frozenset({BackpayStatus.approved, BackpayStatus.rejected}),
    BackpayStatus.approved: frozenset(),
    BackpayStatus.rejected: frozenset(),
}
