"""The query planner's statistics for the tables of the ledger in time (``record_states`` and
``record_state_links``), fixed rather than measured.

Without statistics, SQLite takes an equality on the first column of any index to select about
ten rows, so on the views of the past (see :mod:`db.past`) it reads "every row of this type"
through some index, believing it cheap, instead of looking up the rows a filter found by
their ids: a condition's pledges as of a date took 400 ms on a million pledges instead of a
few. ``ANALYZE`` would measure the truth, but a ledger is made empty and filled later, and
statistics measured on an empty ledger mislead as much as none. The shape of these tables is
the same at any size (four record types, a few periods per record, a few links per period),
so the figures below, measured once with ``ANALYZE`` on the 100,000-pledge bench ledger, are
written by the migration that made the tables and hold as the ledger grows. They only steer
the planner: no answer depends on them.
"""

from __future__ import annotations

from typing import Final

#: ``sqlite_stat1`` rows by index: rows in the table, then rows per distinct value of each
#: leading run of the index's columns (the index named like its table: a WITHOUT ROWID table's
#: key).
STATISTICS: Final = {
    ("record_states", "ix_record_states_record_type_record_key"): "275584 68896 3",
    (
        "record_states",
        "ix_record_states_record_type_recorded_to_valid_from",
    ): "275584 68896 904 234",
    ("record_states", "ix_record_states_record_type_recorded_to_valid_to"): "275584 68896 904 237",
    ("record_states", "ix_record_states_record_type_status"): "275584 68896 19685",
    ("record_states", "ix_record_states_record_type_pledger"): "275584 68896 3205",
    ("record_states", "ix_record_states_record_type_category"): "275584 68896 18373",
    ("record_states", "ix_record_states_record_type_announced"): "275584 68896 316",
    ("record_states", "ix_record_states_record_type_due"): "275584 68896 6890",
    (
        "record_states",
        "ix_record_states_record_type_status_pledger_category_valid_from_valid_to_recorded_from_"
        "recorded_to",
    ): "275584 68896 19685 469 40 2 2 2 2",
    ("record_state_links", "record_state_links"): "755013 4 3 1 1",
    (
        "record_state_links",
        "ix_record_state_links_kind_value_valid_from_valid_to_recorded_from_recorded_to_state_id",
    ): "755013 377507 1888 3 2 2 2 1",
}
TABLES: Final = ("record_states", "record_state_links")


def write() -> list[str]:
    """The statements that write the statistics (``ANALYZE`` of the schema table alone first
    makes ``sqlite_stat1`` where there is none, measuring nothing of the ledger); they take
    effect on connections opened after."""
    rows = ", ".join(
        f"('{table}', '{index}', '{stat}')" for (table, index), stat in STATISTICS.items()
    )
    tables = ", ".join(f"'{t}'" for t in TABLES)
    return [
        "ANALYZE sqlite_master",
        f"DELETE FROM sqlite_stat1 WHERE tbl IN ({tables})",
        f"INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES {rows}",
    ]
