"""The ledger's tables: actors, sources, conditions, pledges, their links, and the change log.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 14:41:38.265953
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("affiliation", sa.String(length=16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["affiliation"],
            ["actors.code"],
            name=op.f("fk_actors_affiliation_actors"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("code", name=op.f("uq_actors_code")),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["batches.id"],
            name=op.f("fk_batches_target_id_batches"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_author"), ["author"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("publisher", sa.String(length=300), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("reliability", sa.String(length=1), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("key", name=op.f("uq_sources_key")),
    )
    op.create_table(
        "actor_aliases",
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_aliases_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("actor_id", "position", name=op.f("pk_actor_aliases")),
    )
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_aliases_alias"), ["alias"], unique=False)

    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("effective", sa.String(length=10), nullable=True),
        sa.Column("effective_lo", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batches.id"],
            name=op.f("fk_change_log_batch_id_batches"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_change_log_effective_lo"), ["effective_lo"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_log_record_type_record_key_id"),
            ["record_type", "record_key", "id"],
            unique=False,
        )

    op.create_table(
        "coalition_members",
        sa.Column("coalition_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coalition_id"],
            ["actors.id"],
            name=op.f("fk_coalition_members_coalition_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member"],
            ["actors.code"],
            name=op.f("fk_coalition_members_member_actors"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("coalition_id", "member", name=op.f("pk_coalition_members")),
    )
    with op.batch_alter_table("coalition_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coalition_members_member"), ["member"], unique=False)

    op.create_table(
        "conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("responsible", sa.String(length=16), nullable=True),
        sa.Column("resolved", sa.String(length=10), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["responsible"],
            ["actors.code"],
            name=op.f("fk_conditions_responsible_actors"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conditions")),
        sa.UniqueConstraint("key", name=op.f("uq_conditions_key")),
    )
    with op.batch_alter_table("conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conditions_responsible"), ["responsible"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conditions_status"), ["status"], unique=False)

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("pledger", sa.String(length=16), nullable=False),
        sa.Column("beneficiary", sa.String(length=16), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("announced", sa.String(length=10), nullable=True),
        sa.Column("announced_lo", sa.String(length=10), nullable=True),
        sa.Column("announced_hi", sa.String(length=10), nullable=True),
        sa.Column("due", sa.String(length=10), nullable=True),
        sa.Column("due_lo", sa.String(length=10), nullable=True),
        sa.Column("due_hi", sa.String(length=10), nullable=True),
        sa.Column("amount", sa.String(length=64), nullable=True),
        sa.Column("delivered", sa.String(length=64), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("search_extra", sa.Text(), nullable=True),
        sa.Column("conditions_total", sa.Integer(), nullable=False),
        sa.Column("conditions_open", sa.Integer(), nullable=False),
        sa.Column("conditions_failed", sa.Integer(), nullable=False),
        sa.Column("conditions_state", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "conditions_state BETWEEN 0 AND 3", name=op.f("ck_pledges_conditions_state")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary"],
            ["actors.code"],
            name=op.f("fk_pledges_beneficiary_actors"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["pledger"],
            ["actors.code"],
            name=op.f("fk_pledges_pledger_actors"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["pledges.id"],
            name=op.f("fk_pledges_supersedes_id_pledges"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        sa.UniqueConstraint("key", name=op.f("uq_pledges_key")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledges_announced_id"), ["announced", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledges_beneficiary_id"), ["beneficiary", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledges_category_id"), ["category", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledges_conditions_state_id"), ["conditions_state", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pledges_due_hi_status"), ["due_hi", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pledges_due_id"), ["due", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_pledger_id"), ["pledger", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_status_id"), ["status", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pledges_supersedes_id"), ["supersedes_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pledges_title_id"), ["title", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pledges_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "condition_sources",
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["conditions.id"],
            name=op.f("fk_condition_sources_condition_id_conditions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_condition_sources_source_id_sources"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("condition_id", "source_id", name=op.f("pk_condition_sources")),
    )
    with op.batch_alter_table("condition_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_sources_source_id"), ["source_id"], unique=False
        )

    op.create_table(
        "pledge_conditions",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["conditions.id"],
            name=op.f("fk_pledge_conditions_condition_id_conditions"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_conditions_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", "condition_id", name=op.f("pk_pledge_conditions")),
    )
    with op.batch_alter_table("pledge_conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_conditions_condition_id_pledge_id"),
            ["condition_id", "pledge_id"],
            unique=False,
        )

    op.create_table(
        "pledge_sources",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_sources_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_pledge_sources_source_id_sources"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("pledge_id", "source_id", name=op.f("pk_pledge_sources")),
    )
    with op.batch_alter_table("pledge_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_sources_source_id_pledge_id"),
            ["source_id", "pledge_id"],
            unique=False,
        )

    op.create_table(
        "pledge_tags",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_tags_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", "tag", name=op.f("pk_pledge_tags")),
    )
    with op.batch_alter_table("pledge_tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_tags_tag_pledge_id"), ["tag", "pledge_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pledge_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_tags_tag_pledge_id"))

    op.drop_table("pledge_tags")
    with op.batch_alter_table("pledge_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_sources_source_id_pledge_id"))

    op.drop_table("pledge_sources")
    with op.batch_alter_table("pledge_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_conditions_condition_id_pledge_id"))

    op.drop_table("pledge_conditions")
    with op.batch_alter_table("condition_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_sources_source_id"))

    op.drop_table("condition_sources")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_title_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_supersedes_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_status_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_pledger_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_due_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_due_hi_status"))
        batch_op.drop_index(batch_op.f("ix_pledges_conditions_state_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_category_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_beneficiary_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_announced_id"))

    op.drop_table("pledges")
    with op.batch_alter_table("conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conditions_status"))
        batch_op.drop_index(batch_op.f("ix_conditions_responsible"))

    op.drop_table("conditions")
    with op.batch_alter_table("coalition_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coalition_members_member"))

    op.drop_table("coalition_members")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_record_type_record_key_id"))
        batch_op.drop_index(batch_op.f("ix_change_log_effective_lo"))
        batch_op.drop_index(batch_op.f("ix_change_log_batch_id"))

    op.drop_table("change_log")
    with op.batch_alter_table("actor_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_aliases_alias"))

    op.drop_table("actor_aliases")
    op.drop_table("sources")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_author"))

    op.drop_table("batches")
    op.drop_table("actors")
