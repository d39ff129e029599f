"""Command line of the API service: check, migrate, seed.

python -m api check     settings valid and database / Redis reachable (one line either way)
python -m api migrate   apply every migration
python -m api seed      insert the demo data (idempotent)
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.settings import Settings, SettingsError, load_settings


def _check(settings: Settings) -> None:
    from api.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        raise SettingsError(f"配置错误 DATABASE_URL: 无法连接数据库（{type(cause).__name__}）") from None
    finally:
        engine.dispose()
    if settings.redis_url:
        import redis

        try:
            redis.Redis.from_url(settings.redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            raise SettingsError(f"配置错误 REDIS_URL: 无法连接 Redis（{type(exc).__name__}）") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api")
    parser.add_argument("command", choices=["check", "migrate", "seed"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        _check(settings)
        if args.command == "migrate":
            from api.migrate import upgrade

            upgrade(url=settings.database_url)
            print("数据库已迁移到最新版本")
        elif args.command == "seed":
            from api.db import make_engine, make_sessionmaker
            from api.seed import SEEDERS

            engine = make_engine(settings.database_url)
            with make_sessionmaker(engine)() as session, session.begin():
                for seeder in SEEDERS:
                    print(seeder(session, settings))
            engine.dispose()
        else:
            print("配置检查通过")
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
