"""Statuses of claims, months, check-ins and back-pay requests."""

from __future__ import annotations

from enum import StrEnum


class ClaimStatus(StrEnum):
    active = "active"
    stopped = "stopped"  # a stop event was reported: payment stops from `stop_from_month`


# The one allowed-transition table of a claim (conventions 6). Suspension is not a
# stored status: it follows from the ledger on a given date.
CLAIM_TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.active: frozenset({ClaimStatus.stopped}),
    ClaimStatus.stopped: frozenset(),
}


class MonthState(StrEnum):
    paid = "paid"  # payable for this month (checked in, or no duty applies)
    lost = "lost"  # no check-in and the window closed: the month's benefit is not paid (Tianjin)
    suspended = "suspended"  # payment suspended; the month is not used up (Chongqing)
    backpaid = "backpaid"  # lost, then paid on an approved back-pay request
    pending = "pending"  # this month's window has not closed and there is no check-in yet
    future = "future"  # a later month of the (projected) benefit period


class CheckinStatus(StrEnum):
    accepted = "accepted"
    stop_reported = "stop_reported"
    outside_window = "outside_window"
    duplicate = "duplicate"


class Channel(StrEnum):
    wechat = "wechat"
    sms = "sms"
    web = "web"
    app = "app"
    hotline = "hotline"
    counter = "counter"  # at a service counter (街镇党群服务中心, 社保分中心)
    integration = "integration"  # recorded by another agency system


class BackpayStatus(StrEnum):
    pending_review = "pending_review"
    approved = "approved"
    rejected = "rejected"


BACKPAY_TRANSITIONS: dict[BackpayStatus, frozenset[BackpayStatus]] = {
    BackpayStatus.pending_review: frozenset({BackpayStatus.approved, BackpayStatus.rejected}),
    BackpayStatus.approved: frozenset(),
    BackpayStatus.rejected: frozenset(),
}
