"""The web chat page's history: each bubble of a web conversation, masked as shown.

Revision ID: 0010_web_chat_history
Revises: 0009_handoff_rating
Create Date: 2026-12-03

- web_chat_turns: sender, author (claimant | assistant), text (the claimant's with ID numbers,
  mobile numbers and codes masked), quick_replies, created_at; read newest-first per sender,
  purged by age (api/channels/web/history.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_web_chat_history"
down_revision: str | Sequence[str] | None = "0009_handoff_rating"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_chat_turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("author", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quick_replies", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_chat_turns_sender_id", "web_chat_turns", ["sender", "id"])
    op.create_index("ix_web_chat_turns_created_at", "web_chat_turns", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_web_chat_turns_created_at", table_name="web_chat_turns")
    op.drop_index("ix_web_chat_turns_sender_id", table_name="web_chat_turns")
    op.drop_table("web_chat_turns")
