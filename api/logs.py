"""Where the API's log records go, and in which shape (LOG_FORMAT=text|json).

uvicorn configures only its own loggers; without a handler on the root logger the
application's INFO lines (api.*) would fall to logging's last resort and be lost. So the
lifespan puts one stream handler on the root logger and, in json mode, gives uvicorn's
handlers the same formatter, so that a log collector reads one JSON object per line from
every logger. Masking is not done here: the record factory (api/privacy.py) has already
masked each record and stamped its request id before any handler or formatter sees it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message, request_id (and exc_info as text)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        # ensure_ascii=False: Chinese text stays readable (and the masked digits visible as such).
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):  # a record made before the factory was installed
            record.request_id = None
        return super().format(record)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else _TextFormatter(TEXT_FORMAT)


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module added, so a second app in one process replaces it."""


def configure_logging(*, log_format: str, level: str) -> None:
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(handler)
    handler = _OurHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    logging.getLogger("api").setLevel(level.upper())
    if log_format == "json":
        for name in UVICORN_LOGGERS:
            for existing in logging.getLogger(name).handlers:
                existing.setFormatter(JsonFormatter())
