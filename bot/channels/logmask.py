"""Masking of mobiles and ID numbers in the Rasa process's own logs.

The gateway (api/chat/service.py) already replaces ID numbers and pending codes with handles
before Rasa sees a message, and folds full-width digits (NFKC); what can still reach Rasa is a
mobile number typed in free text ("我的手机是138…"), which Rasa logs at DEBUG with the message
and a custom action's failure may log with the tracker. This is the API's record factory
(api/privacy.py) cut down to ASCII digits; bot/ ships without api/, so the two patterns are kept
in step by tests/security/test_bot_logmask.py rather than by an import.

Installed when Rasa imports the gateway channel (bot/channels/gateway.py), which happens at
start-up before any message is served, on every way Rasa is started (scripts/run.sh,
docker/bot.Dockerfile, devtools/stack.py): no command line to keep in step.
"""

from __future__ import annotations

import logging
import re

# Not inside a longer digit run; a digit that ends a percent-escape (%E7%94%B5…) does not count.
_START = r"(?<!%[0-9A-Fa-f])(?:(?<![0-9])|(?<=%[0-9A-Fa-f][0-9]))"
_LONG_RUN_RE = re.compile(_START + r"[0-9][0-9Xx]{18,}")
_ID_RE = re.compile(_START + r"([1-9][0-9]{3})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
_PHONE_RE = re.compile(_START + r"((?:86)?1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask(text: str) -> str:
    text = _LONG_RUN_RE.sub(lambda m: m.group()[:4] + "*" * (len(m.group()) - 8) + m.group()[-4:], text)
    text = _ID_RE.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def install() -> None:
    """A record factory, so Sanic's and Rasa's handlers (added at any time) all get masked text."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_masks_personal_data", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        masked = mask(message)
        if masked != message:
            # The formatted text replaces format string and arguments: simpler than the API's
            # argument-by-argument masking, and Rasa's formatters do not unpack record.args.
            record.msg, record.args = masked, None
        return record

    factory._masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
