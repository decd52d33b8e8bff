"""Alembic environment for the ledger.

Run by :mod:`db.migrate` with an open connection (``config.attributes["connection"]``) whose
foreign keys are already off; every migration runs in one transaction that ends with a
foreign-key check, so a batch operation (which recreates a table on SQLite) can never cascade
deletes into child tables or leave a dangling reference.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from db import dialect
from db.tables import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_object=dialect.include_in_migrations,
        # SQLite does run DDL inside a transaction; Alembic assumes it cannot and commits
        # each step, so a failed foreign-key check would leave the upgrade written.
        transactional_ddl=True,
        transaction_per_migration=False,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        problems = dialect.foreign_key_problems(connection)
        if problems:
            raise RuntimeError(f"migration would break foreign keys: {problems[:5]}")


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # the alembic command line, for developers: alembic -x url=sqlite:///path revision ...
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x url=sqlite:////path/to/ledger.sqlite ...")
    engine = create_engine(url)
    with engine.connect() as standalone:
        run(standalone)
