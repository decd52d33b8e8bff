"""The ledger in time, read as the present is: the columns the pledge list filters, sorts and
searches, on each row of ``record_states``, indexed in the list's orders, and a full-text index
over them, so that a query as of a past date is the same SQL as today's over the rows of then.

The upgrade adds the columns, the indexes and the full-text index; the rows are filled again from
the log by 0008, which changes the table once more. A downgrade drops
them all (for developers and tests only).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db import dialect

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (
    ("title", sa.String(length=300)),
    ("text", sa.Text()),
    ("notes", sa.Text()),
    ("search_extra", sa.Text()),
    ("pledger", sa.String(length=16)),
    ("beneficiary", sa.String(length=16)),
    ("category", sa.String(length=64)),
    ("announced", sa.String(length=10)),
    ("announced_lo", sa.String(length=10)),
    ("announced_hi", sa.String(length=10)),
    ("due", sa.String(length=10)),
    ("due_lo", sa.String(length=10)),
    ("due_hi", sa.String(length=10)),
    ("amount", sa.String(length=64)),
    ("delivered", sa.String(length=64)),
    ("unit", sa.String(length=32)),
    ("confidence", sa.String(length=16)),
    ("supersedes", sa.String(length=64)),
)
ORDERS = ("status", "pledger", "category", "announced", "due")
#: What counting the pledges as of a date reads: the validity of each row, and the facets.
COUNTED = [
    "record_type",
    "valid_from",
    "valid_to",
    "recorded_from",
    "recorded_to",
    "status",
    "pledger",
    "category",
]


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column("record_states", sa.Column(name, type_, nullable=True))
    # A record's rows by its type and key, in the order they were written (the list's
    # order by key, and its tie-break, as of any date), instead of by recording end too.
    op.drop_index("ix_record_states_record_type_record_key_recorded_to", "record_states")
    for column in ("record_key", *ORDERS):
        op.create_index(
            op.f(f"ix_record_states_record_type_{column}"),
            "record_states",
            ["record_type", column],
            unique=False,
        )
    op.create_index(op.f(f"ix_record_states_{'_'.join(COUNTED)}"), "record_states", COUNTED)
    name = op.get_bind().dialect.name
    # Made before the rows, so that its triggers index them as they are written. The rows are
    # filled by the last migration that changes the table (0008), with the code that keeps
    # them: one rule, one place.
    for statement in dialect.past_fulltext_create(name):
        op.execute(statement)


def downgrade() -> None:
    for statement in dialect.past_fulltext_drop(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index(op.f(f"ix_record_states_{'_'.join(COUNTED)}"), "record_states")
    for column in ("record_key", *ORDERS):
        op.drop_index(op.f(f"ix_record_states_record_type_{column}"), "record_states")
    op.create_index(
        "ix_record_states_record_type_record_key_recorded_to",
        "record_states",
        ["record_type", "record_key", "recorded_to"],
        unique=False,
    )
    with op.batch_alter_table("record_states") as batch:
        for name, _ in COLUMNS:
            batch.drop_column(name)
