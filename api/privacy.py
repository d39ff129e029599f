"""Masking of personal data (ID numbers, mobile numbers) for logs and unverified answers."""

from __future__ import annotations

import logging
import re

# 18-digit resident ID (last may be X) and mainland mobile numbers, not inside longer digit runs.
_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
_PHONE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_id_number(id_number: str) -> str:
    """1101**********1234 (contracts.md)."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """138****1234."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text."""
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def install_log_masking() -> None:
    """Mask personal data in every log record, whichever logger or handler writes it.

    A record factory (rather than a handler filter) also covers handlers that
    uvicorn and libraries add after start-up.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_masks_personal_data", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    factory._masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
