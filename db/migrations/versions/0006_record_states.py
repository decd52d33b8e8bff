"""The ledger in time as a table: each record's state over periods of valid time (when it held in
the world) and of recording time (when the ledger believed it), kept from the change log in the
same transaction as every write, so that the ledger as of any date, as recorded on any date, is
one indexed read instead of a fold over the whole log.

The upgrade first orders each change from its record's creation on: a change dated before its
record began (an edit dated ``2024`` of a pledge created in 2025) counted, in the world, before
the record existed, and reading the log then lost it at the creation. Its ``effective_lo`` (the
day it is ordered by; the date as given stays in ``effective``) becomes its record's creation
day, as every write now does. The last migration that changes the table fills it from the log
(a few seconds for a hundred thousand records). A downgrade drops the table (for developers and
tests only: the log it is made from stays).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_to", sa.String(length=10), nullable=False),
        sa.Column("recorded_from", sa.String(length=32), nullable=False),
        sa.Column("recorded_to", sa.String(length=32), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("status_since", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_states")),
        sqlite_autoincrement=True,
    )
    for columns in (
        ["record_type", "record_key", "recorded_to"],
        ["record_type", "recorded_to", "valid_from"],
        ["record_type", "recorded_to", "valid_to"],
    ):
        op.create_index(
            op.f(f"ix_record_states_{'_'.join(columns)}"), "record_states", columns, unique=False
        )
    creation = """(
        SELECT c.effective_lo FROM change_log AS c
        WHERE c.record_type = change_log.record_type AND c.record_key = change_log.record_key
          AND c.action = 'create' AND c.id < change_log.id
        ORDER BY c.id DESC LIMIT 1)"""
    op.execute(
        sa.text(
            f"UPDATE change_log SET effective_lo = {creation} "
            f"WHERE action != 'create' AND effective_lo < {creation}"
        )
    )
    # The rows are made by the code that keeps them, from the log (one rule, one place), once
    # the table has all its columns: by the last migration that changes it (0007).


def downgrade() -> None:
    op.drop_table("record_states")
