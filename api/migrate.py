"""Running the Alembic migrations (up to the single head) from code."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"


def alembic_config(*, url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


# Any constant shared by every process of the application: the key of the migration lock.
MIGRATION_LOCK_KEY = 7_302_551_001


def upgrade(*, url: str | None = None, connection: Connection | None = None) -> None:
    """Apply every migration. On PostgreSQL, replicas starting together take turns (an advisory
    lock held for the run): the first migrates, the others then find the schema at the head."""
    if connection is None and url is not None and url.startswith("postgresql"):
        from sqlalchemy import text

        from api.db import make_engine

        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
                try:
                    command.upgrade(alembic_config(connection=conn), "head")
                    conn.commit()
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                    conn.commit()
        finally:
            engine.dispose()
        return
    command.upgrade(alembic_config(url=url, connection=connection), "head")
