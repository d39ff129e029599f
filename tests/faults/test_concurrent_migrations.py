"""Several API replicas start at once on an empty PostgreSQL (compose, a rolling deploy): each runs
`python -m api migrate`. They must all succeed and leave one schema at the head, not race on DDL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from api.db import make_engine
from devtools.stack import ROOT
from tests.security.private_db import empty_postgres_schema, postgres_base, schema_url

pytestmark = pytest.mark.faults


@pytest.fixture
def empty_schema_url() -> Iterator[str]:
    base = postgres_base()
    with empty_postgres_schema(base, prefix="m") as schema:
        yield schema_url(base, schema)


def test_replicas_migrating_at_once_all_succeed(empty_schema_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": empty_schema_url, "ENVIRONMENT": "test", "REDIS_URL": ""}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "api", "migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [(p.wait(120), p.stdout.read().decode(errors="replace") if p.stdout else "") for p in procs]
    for p in procs:
        if p.stdout:
            p.stdout.close()
    assert [code for code, _ in outputs] == [0, 0, 0], [out[-800:] for _, out in outputs]
    engine = make_engine(empty_schema_url)
    try:
        with engine.connect() as conn:
            heads = {v for (v,) in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()
    from alembic.script import ScriptDirectory

    from api.migrate import alembic_config

    assert heads == set(ScriptDirectory.from_config(alembic_config()).get_heads())
