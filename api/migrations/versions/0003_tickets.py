"""接诉即办 tickets, their append-only events, and paused conversations (handoff).

Revision ID: 0003_tickets
Revises: 0001_base
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_tickets"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ticket events are the trail of every change: the database refuses to rewrite them.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only';
END;
$$ LANGUAGE plpgsql
"""


def _ts(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("region_code", sa.String(12), nullable=False),
        sa.Column("region_name", sa.String(40), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(160), nullable=True),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner_unit", sa.String(80), nullable=False),
        sa.Column("assignee_staff_id", sa.Integer(), nullable=True),
        sa.Column("assignee_name", sa.String(64), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=False),
        _ts("created_at"),
        _ts("accept_by"),
        _ts("respond_by"),
        _ts("resolve_by"),
        sa.Column("deadlines_provisional", sa.Boolean(), nullable=False),
        _ts("due_at", nullable=True),
        _ts("first_accepted_at", nullable=True),
        _ts("responded_at", nullable=True),
        _ts("closed_at", nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("overdue_marked_for", sa.String(20), nullable=True),
        sa.Column("reminded_for", sa.String(20), nullable=True),
        sa.Column("extension_requested_by", sa.String(120), nullable=True),
        sa.Column("extension_working_days", sa.Integer(), nullable=True),
        sa.Column("extension_reason", sa.String(500), nullable=True),
        sa.Column("extensions_granted", sa.Integer(), nullable=False),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.String(24), nullable=True),
        sa.Column("solved", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
        sa.UniqueConstraint("number", name="uq_tickets_number"),
    )
    op.create_index("ix_tickets_status_due_at", "tickets", ["status", "due_at"])
    op.create_index("ix_tickets_due_at", "tickets", ["due_at"])
    op.create_index("ix_tickets_sender", "tickets", ["sender"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_events"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name="fk_ticket_events_ticket_id_tickets"),
    )
    op.create_index("ix_ticket_events_ticket_id", "ticket_events", ["ticket_id", "id"])
    op.create_table(
        "conversation_pauses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(160), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        _ts("paused_at"),
        _ts("released_at", nullable=True),
        sa.Column("released_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_pauses"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name="fk_conversation_pauses_ticket_id_tickets"),
    )
    op.create_index(
        "uq_conversation_pauses_active_sender",
        "conversation_pauses",
        ["sender"],
        unique=True,
        sqlite_where=sa.text("released_at IS NULL"),
        postgresql_where=sa.text("released_at IS NULL"),
    )
    op.create_index("ix_conversation_pauses_ticket_id", "conversation_pauses", ["ticket_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER ticket_events_no_change BEFORE UPDATE OR DELETE ON ticket_events "
            "FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER ticket_events_no_truncate BEFORE TRUNCATE ON ticket_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION ticket_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ticket_events_no_{verb.lower()} BEFORE {verb} ON ticket_events "
                "BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END"
            )


def downgrade() -> None:
    op.drop_table("conversation_pauses")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ticket_events_no_change ON ticket_events")
        op.execute("DROP TRIGGER IF EXISTS ticket_events_no_truncate ON ticket_events")
        op.execute("DROP FUNCTION IF EXISTS ticket_events_append_only()")
    op.drop_table("ticket_events")
    op.drop_table("tickets")
