"""Tests of the ledger core (``db/``): the store, writes, the change log and undo, the query
languages, paging, schemas, migrations, the check, and the ledger on PostgreSQL."""
