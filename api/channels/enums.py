"""Statuses of channel records (the sender prefixes, ChannelKind, are in api.vocab)."""

from __future__ import annotations

from enum import StrEnum


class OutboundStatus(StrEnum):
    answering = "answering"  # a pending reply: the text is the question until its answer replaces it
    queued = "queued"  # waiting for delivery (or a retry)
    sending = "sending"  # claimed by one deliverer
    sent = "sent"  # accepted by WeChat / the SMS provider (or recorded by the development one)
    stored = "stored"  # web: kept for the page to fetch
    undeliverable = "undeliverable"  # a platform rule forbids it (48-hour window, quota, unsubscribed)
    failed = "failed"  # gave up after retries or an unexpected answer


class DedupState(StrEnum):
    processing = "processing"  # the first delivery is being answered
    answered = "answered"  # answered in the HTTP reply (a retry gets the same reply)
    deferred = "deferred"  # answered "success"; the answer goes out as a customer-service message
    done = "done"  # nothing more to do (no reply, or delivered by the outbound path)
