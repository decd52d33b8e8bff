"""The ledger in time, linked as the present is: each row of ``record_states`` gets its tags and
conditions as rows of ``record_state_links``, with the row's periods and indexed by value, so
that the pledges with a tag or a condition as of a date, and the condition facet, are read from
an index instead of from the fields of every row of then. The index for counting as of a date
is put in the order of what it counts by (status, pledger, category), so that grouping reads it
in order, with no sort. On SQLite, the query planner is given statistics of both tables, so
that it reads the past by its indexes well (see :mod:`db.sqlite.statistics`).

The upgrade makes the table and the index, then fills ``record_states`` and its links again
from the log, with the code that keeps them (one rule, one place): a few seconds for a hundred
thousand records, and about that per hundred thousand more. A later migration that changes
either table must move this fill to itself. A downgrade drops the links and puts the index back
(for developers and tests only).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db import dialect

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PERIOD = ["valid_from", "valid_to", "recorded_from", "recorded_to"]
OLD_COUNTED = ["record_type", *PERIOD, "status", "pledger", "category"]
COUNTED = ["record_type", "status", "pledger", "category", *PERIOD]
BY_VALUE = ["kind", "value", *PERIOD, "state_id"]


def _name(table: str, columns: list[str]) -> str:
    return op.f(f"ix_{table}_{'_'.join(columns)}")


def upgrade() -> None:
    op.create_table(
        "record_state_links",
        sa.Column("state_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_to", sa.String(length=10), nullable=False),
        sa.Column("recorded_from", sa.String(length=32), nullable=False),
        sa.Column("recorded_to", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint(
            "state_id", "kind", "value", "position", name=op.f("pk_record_state_links")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(_name("record_state_links", BY_VALUE), "record_state_links", BY_VALUE)
    op.drop_index(_name("record_states", OLD_COUNTED), "record_states")
    op.create_index(_name("record_states", COUNTED), "record_states", COUNTED)
    from db.record_states import rebuild

    rebuild(op.get_bind())
    for statement in dialect.planner_statistics(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(_name("record_states", COUNTED), "record_states")
    op.create_index(_name("record_states", OLD_COUNTED), "record_states", OLD_COUNTED)
    op.drop_table("record_state_links")
