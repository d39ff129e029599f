"""One head again: joins the branches so later revisions have a single parent.

Revision ID: 0008_one_head
Revises: 0003_tickets, 0004_staff, 0006_claim_natural_key, 0006_claimant_privacy, 0007_sms_retry
Create Date: 2026-12-02

No schema change. Another branch adds the identical file; both carry it so either may merge first.
"""

from collections.abc import Sequence

revision: str = "0008_one_head"
down_revision: str | Sequence[str] | None = (
    "0003_tickets",
    "0004_staff",
    "0006_claim_natural_key",
    "0006_claimant_privacy",
    "0007_sms_retry",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
