"""Scheduled jobs of the ticket system (run from cron or a timer; safe to re-run).

python -m api.tickets mark-overdue   mark tickets past their current deadline
python -m api.tickets remind         催办 tickets whose deadline is near
"""

from __future__ import annotations

import argparse
import sys

from api.db import make_engine, make_sessionmaker, utcnow
from api.settings import SettingsError, load_settings
from api.tickets.limits import LimitsError, load_limits
from api.tickets.scheduled import mark_overdue, send_reminders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.tickets")
    parser.add_argument("command", choices=["mark-overdue", "remind"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        limits = load_limits(settings.ticket_limits_path)
    except (SettingsError, LimitsError) as exc:
        print(exc, file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            now = utcnow()
            if args.command == "mark-overdue":
                print(f"标记超期工单 {mark_overdue(session, now=now)} 件")
            else:
                print(f"催办工单 {send_reminders(session, now=now, limits=limits)} 件")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
