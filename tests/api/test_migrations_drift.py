"""The migrations and the ORM models describe the same schema, and there is one Alembic head.

A model change without a migration (or a migration the models do not follow) used to go unnoticed
until a deploy: here an empty database is upgraded to the head and Alembic's autogenerate compares
it with the models, on SQLite and on PostgreSQL. Any difference means a migration is missing.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from api.db import make_engine
from api.migrate import alembic_config
from api.models_registry import metadata
from tests.security.private_db import private_db_url  # noqa: F401 - a fixture: a fresh database migrated to the head


def test_there_is_exactly_one_head() -> None:
    # Parallel heads make "upgrade head" fail and let branches drift apart: merge them instead.
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_migrated_schema_matches_the_models(private_db_url: str) -> None:  # noqa: F811 - the fixture
    engine = make_engine(private_db_url)
    try:
        with engine.connect() as conn:
            # The options autogenerate uses in api/migrations/env.py, plus server defaults (the
            # migrations set them for existing rows, so the models must declare the same ones).
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == [], "the models and the migrations differ; add a migration:\n" + "\n".join(map(str, diff))
