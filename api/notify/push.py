"""What every SMS provider push endpoint checks first: its secret path token and the batch size.

Used by the delivery receipts (api/notify/views.py) and the inbound SMS push
(api/channels/sms/views.py), so both refuse in the same words.
"""

from __future__ import annotations

import hmac

from api.notify.errors import BadPushToken, BatchTooLarge


def check_push_token(given: str, expected: str) -> None:
    """Constant-time comparison: the token is the push URL's only secret."""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise BadPushToken()


def check_batch_size(count: int, limit: int) -> None:
    if count > limit:
        raise BatchTooLarge(limit)
