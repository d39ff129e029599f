"""A provider's error code as one of the outcomes the outbox acts on."""

from __future__ import annotations

from collections.abc import Collection

from api.notify.sms import SendResult


def classify(
    code: str,
    *,
    retry: Collection[str],
    failed: Collection[str],
    retry_prefixes: tuple[str, ...] = (),
    message: str | None = None,
) -> SendResult:
    """retry: try again later; failed: this message can never go; alert (anything else): staff must act."""
    if code in retry or code.startswith(retry_prefixes or ("\x00",)):
        status = "retry"
    elif code in failed:
        status = "failed"
    else:
        status = "alert"
    return SendResult(status=status, error_code=code[:60], error_message=(message or "")[:200] or None)
