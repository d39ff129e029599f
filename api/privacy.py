"""Masking of personal data (ID numbers, mobile numbers) for logs and unverified answers."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from api.request_id import current_request_id

# 18-digit resident ID (last may be X) and mainland mobile numbers (also written 86138…), not inside
# longer digit runs; a run longer than an ID (an ID and a mobile typed together) is masked whole.
# A digit that ends a percent-escape (a URL in an access log: "电" is %E7%94%B5) does not count as
# part of the run, or "%B513911112222" would hide the mobile number from the patterns.
# Digits may be full-width (１３８…, as Chinese input methods type them), and the usual grouped
# spellings are found too: an ID as 6-8-4 and a mobile as 3-4-4, with spaces or hyphens.
_D = "[0-9\uff10-\uff19]"
_X = "[0-9\uff10-\uff19Xx\uff38\uff58]"
_START = rf"(?<!%[0-9A-Fa-f])(?:(?<!{_D})|(?<=%[0-9A-Fa-f][0-9]))"
_ID_RE = re.compile(_START + rf"([1-9\uff11-\uff19]{_D}{{3}}){_D}{{10}}({_D}{{3}}{_X})(?!{_D})")
_PHONE_RE = re.compile(_START + rf"((?:[8８][6６])?[1１][3-9\uff13-\uff19]{_D}){_D}{{4}}({_D}{{4}})(?!{_D})")
_LONG_RUN_RE = re.compile(_START + rf"{_D}{_X}{{18,}}")
_SEP = r"[ \-\u3000\uff0d]"
_ID_GROUPED_RE = re.compile(
    rf"(?<!{_D})([1-9\uff11-\uff19]{_D}{{3}}){_D}{{2}}{_SEP}{_D}{{8}}{_SEP}({_D}{{3}}{_X})(?!{_D})"
)
_PHONE_GROUPED_RE = re.compile(rf"(?<!{_D})([1１][3-9\uff13-\uff19]{_D}){_SEP}{_D}{{4}}{_SEP}({_D}{{4}})(?!{_D})")


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
    text = _LONG_RUN_RE.sub(lambda m: m.group()[:4] + "*" * (len(m.group()) - 8) + m.group()[-4:], text)
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    text = _ID_GROUPED_RE.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    text = _PHONE_GROUPED_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def install_log_masking() -> None:
    """Mask personal data in every log record, whichever logger or handler writes it.

    A record factory (rather than a handler filter) also covers handlers that
    uvicorn and libraries add after start-up. The same factory stamps each record with
    the current request id (api/request_id.py), for the same reason: every handler sees it.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_masks_personal_data", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        masked = mask_text(message)
        if masked != message:
            _mask_record(record, masked)
        return record

    factory._masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _masked_arg(value: object) -> object:
    if isinstance(value, str):
        return mask_text(value)
    text = str(value)
    masked = mask_text(text)
    return value if masked == text else masked


def _mask_record(record: logging.LogRecord, masked: str) -> None:
    """Mask the record's format string and each argument, keeping the arguments' shape.

    Formatters such as uvicorn's access log unpack `record.args`, so they must stay a tuple
    or mapping; only if masking argument by argument misses something (a number split across
    two arguments) does the record fall back to the fully masked text with no arguments.
    """
    msg, args = record.msg, record.args
    if isinstance(msg, str):
        record.msg = mask_text(msg)
    if isinstance(args, tuple):
        record.args = tuple(_masked_arg(a) for a in args)
    elif isinstance(args, Mapping):
        record.args = {k: _masked_arg(v) for k, v in args.items()}
    try:
        if record.getMessage() == masked:
            return
    except (TypeError, ValueError):
        pass
    record.msg, record.args = masked, None
