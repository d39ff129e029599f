"""One claim per person, rule layer and first benefit month (concurrent or repeated POST /v1/claims).

Revision ID: 0006_claim_natural_key
Revises: 0005_channels (the newest) and 0002_claims (whose table it changes)
Create Date: 2026-12-02

`claims.natural_key` is "<claimant id>:<region layer>:<start month>" under a UNIQUE index. Claims
written before this revision keep their rows: in each group of duplicates only the oldest gets
the key (NULLs never collide), so the upgrade never fails on existing data and deletes nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_claim_natural_key"
down_revision: str | Sequence[str] | None = ("0002_claims", "0005_channels")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("natural_key", sa.String(80), nullable=True))
    op.execute(
        "UPDATE claims SET natural_key = CAST(claimant_id AS VARCHAR(20)) || ':' || region_code || ':' || start_month "
        "WHERE id IN (SELECT MIN(id) FROM claims GROUP BY claimant_id, region_code, start_month)"
    )
    op.create_index("uq_claims_natural_key", "claims", ["natural_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_claims_natural_key", table_name="claims")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("natural_key")
