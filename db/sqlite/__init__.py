"""What pledges does on SQLite, the ledger's home, and only there.

Every connection is set up the same way (:mod:`.connections`); a ledger file can be looked at,
copied and checked without opening it as a ledger (:mod:`.ledger_file`); SQLite's errors are
put in words that say what to do (:mod:`.errors`). Pledges derives two things from its
records with triggers, as readable DDL templates: the full-text index (:mod:`.fulltext`) and
the facet counts (:mod:`.facet_counts`); a large write goes around the per-row triggers
(:mod:`.bulk`). :mod:`.catalog` reads the schema as ``sqlite_master`` lists it.

Nothing here asks which database it is on: :mod:`db.dialect` chooses between these and the
portable ways of other databases.
"""
