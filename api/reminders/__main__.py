"""Command line of the reminder job (cron-friendly: one line of output, exit code 0 on success).

python -m api.reminders run [--month 2026-03] [--as-of 2026-03-20] [--lead-days 5] [--batch-size 2000]
python -m api.reminders enqueue [--month 2026-03] [--as-of 2026-03-20]   # onto the arq queue (REDIS_URL)
python -m api.reminders worker [--burst]                                  # the arq worker
python -m api.reminders health                                            # 0 while a worker is alive
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from api.settings import Settings, SettingsError, load_settings


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("日期格式应为 YYYY-MM-DD") from None


def _month(text: str) -> str:
    from api.claims.schemas import validate_month

    try:
        return validate_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _run(settings: Settings, args: argparse.Namespace) -> None:
    from api.db import make_engine
    from api.notify.providers import build_sms_provider
    from api.reminders.runner import run_from_settings
    from policy_kb import default_rule_base

    engine = make_engine(settings.database_url)
    try:
        report = run_from_settings(
            settings,
            engine=engine,
            rule_base=default_rule_base(),
            provider=build_sms_provider(settings),
            month=args.month,
            as_of=args.as_of,
            lead_days=args.lead_days,
            batch_size=args.batch_size,
        )
    finally:
        engine.dispose()
    print(report.line())


def _redis(settings: Settings) -> object:
    from arq.connections import RedisSettings

    if not settings.redis_url:
        raise SettingsError("配置错误 REDIS_URL: 提醒队列需要 Redis")
    return RedisSettings.from_dsn(settings.redis_url)


async def _enqueue(settings: Settings, args: argparse.Namespace) -> None:
    from arq import create_pool

    from api.reminders.worker import QUEUE

    pool = await create_pool(_redis(settings), default_queue_name=QUEUE)  # type: ignore[arg-type]
    try:
        job = await pool.enqueue_job(
            "monthly_reminders", args.month, args.as_of.isoformat() if args.as_of else None, args.lead_days
        )
    finally:
        await pool.aclose()
    print(f"已加入提醒队列：{job.job_id if job else '已在队列中'}")


async def _health(settings: Settings) -> int:
    # A live worker rewrites arq's health-check key every health_check_interval (api/reminders/
    # worker.py); it expires a second after that, so a worker whose loop hangs or dies fails this.
    # (arq's own async_check_health closes its pool with a deprecated call.)
    from arq import create_pool
    from arq.constants import health_check_key_suffix

    from api.reminders.worker import QUEUE

    pool = await create_pool(_redis(settings))  # type: ignore[arg-type]
    try:
        alive = await pool.get(QUEUE + health_check_key_suffix)
    finally:
        await pool.aclose()
    print("提醒进程存活" if alive else "没有存活的提醒进程", file=sys.stdout if alive else sys.stderr)
    return 0 if alive else 1


def _worker(settings: Settings, args: argparse.Namespace) -> None:
    from arq.worker import run_worker

    from api.reminders.worker import WorkerSettings

    run_worker(WorkerSettings, redis_settings=_redis(settings), ctx={"settings": settings}, burst=args.burst)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.reminders", description="失业保险金按月申领提醒")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "enqueue"):
        p = sub.add_parser(name)
        p.add_argument("--month", type=_month, help="提醒哪个月（YYYY-MM），缺省为 --as-of 所在月")
        p.add_argument("--as-of", type=_date, help="按哪一天（YYYY-MM-DD），缺省为今天（北京时间）")
        p.add_argument("--lead-days", type=int, help="只提醒办理截止前这么多天以内的（缺省：截止前都提醒）")
        if name == "run":
            p.add_argument("--batch-size", type=int, help="每批读取的待遇数")
    worker = sub.add_parser("worker")
    worker.add_argument("--burst", action="store_true", help="处理完队列中的任务后退出")
    sub.add_parser("health", help="有存活的提醒进程时退出码为 0（容器探针用）")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "run":
            _run(settings, args)
        elif args.command == "enqueue":
            asyncio.run(_enqueue(settings, args))
        elif args.command == "health":
            return asyncio.run(_health(settings))
        else:
            _worker(settings, args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
