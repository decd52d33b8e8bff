"""The full-text index: an FTS5 table over the pledges' own text, kept in sync by triggers.

It is an *external content* table (the text stays in ``pledges``; FTS5 keeps only its index in
the shadow tables), so a pledge's row and its index entry are written by the three triggers
below, in the same transaction as the pledge. User text never reaches FTS5's syntax: a search
is cut into tokens here and the tokens are quoted (:func:`phrase`).

Conditions have no index: their titles are matched word by word with the SQL function
:data:`TITLE_WORDS_FUNCTION`, which every connection registers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from sqlalchemy import Select, column, func, literal, literal_column, select, table

from ..like import word_starts

TABLE: Final = "pledges_fts"
#: Pledge columns indexed for full-text search.
COLUMNS: Final = ("title", "text", "notes", "search_extra")
#: The tables FTS5 keeps the index in (external content: there is no content table).
SHADOW_TABLES: Final = tuple(f"{TABLE}_{part}" for part in ("data", "idx", "docsize", "config"))

# The DDL, as ``sqlite_master`` keeps it: opening a ledger compares the stored text with this
# (spacing aside), so a change here is a schema change.
_TABLE = """\
CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{content}', content_rowid='id',
  tokenize="unicode61 remove_diacritics 2", prefix='2 3')"""

_INSERT_TRIGGER = """\
CREATE TRIGGER {fts}_insert AFTER INSERT ON {content} BEGIN
  INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});
END"""

_DELETE_TRIGGER = """\
CREATE TRIGGER {fts}_delete AFTER DELETE ON {content} BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
END"""

_UPDATE_TRIGGER = """\
CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON pledges BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
  INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});
END"""

_REBUILD = "INSERT INTO {fts}({fts}) VALUES ('rebuild')"

#: The new pledges (those whose id is above the one parameter) indexed in one statement.
_INDEX_NEW = """\
INSERT INTO {fts}(rowid, {columns})
  SELECT id, {columns} FROM pledges WHERE id > ?"""

_NAMES: Final = {
    "fts": TABLE,
    "content": "pledges",
    "columns": ", ".join(COLUMNS),
    "new": ", ".join(f"new.{c}" for c in COLUMNS),
    "old": ", ".join(f"old.{c}" for c in COLUMNS),
}


def table_ddl() -> str:
    """The DDL of the index (an FTS5 table over the pledges' own columns)."""
    return _TABLE.format(**_NAMES)


def insert_trigger() -> str:
    """The DDL of the trigger that indexes a new pledge."""
    return _INSERT_TRIGGER.format(**_NAMES)


def triggers() -> dict[str, str]:
    """The triggers that keep the index in sync with the pledges, by name, with their DDL."""
    return {
        f"{TABLE}_insert": insert_trigger(),
        f"{TABLE}_delete": _DELETE_TRIGGER.format(**_NAMES),
        f"{TABLE}_update": _UPDATE_TRIGGER.format(**_NAMES),
    }


def rebuild() -> str:
    """The statement that builds the index again from the pledges."""
    return _REBUILD.format(**_NAMES)


def index_new() -> str:
    """The statement that indexes the pledges whose id is above its one parameter."""
    return _INDEX_NEW.format(**_NAMES)


def create() -> list[str]:
    """The statements that make the index and its triggers, and fill it."""
    return [table_ddl(), *triggers().values(), rebuild()]


def drop() -> list[str]:
    """The statements that drop the triggers and the index."""
    return [f"DROP TRIGGER IF EXISTS {name}" for name in triggers()] + [
        f"DROP TABLE IF EXISTS {TABLE}"
    ]


def is_fulltext_table(name: str) -> bool:
    """The FTS tables and their shadow tables, which the ORM models do not declare."""
    return any(name == t or name.startswith(t + "_") for t in (TABLE, PAST_TABLE))


# -- the index of the ledger in time ---------------------------------------------------------

#: The same index over the rows of ``record_states`` (the state of each record over periods
#: of time), for free words as of a past date (see :mod:`db.past`): the same columns, the same
#: tokenizer. Those rows are only ever inserted and deleted.
PAST_TABLE: Final = "record_states_fts"
PAST_SHADOW_TABLES: Final = tuple(
    f"{PAST_TABLE}_{part}" for part in ("data", "idx", "docsize", "config")
)

_PAST_NAMES: Final = {**_NAMES, "fts": PAST_TABLE, "content": "record_states"}


def past_table_ddl() -> str:
    """The DDL of the index over ``record_states``."""
    return _TABLE.format(**_PAST_NAMES)


def past_triggers() -> dict[str, str]:
    """The triggers that keep the index over ``record_states`` in sync, by name."""
    return {
        f"{PAST_TABLE}_insert": _INSERT_TRIGGER.format(**_PAST_NAMES),
        f"{PAST_TABLE}_delete": _DELETE_TRIGGER.format(**_PAST_NAMES),
    }


def past_rebuild() -> str:
    return _REBUILD.format(**_PAST_NAMES)


def past_create() -> list[str]:
    """The statements that make the index over ``record_states``, its triggers, and fill it."""
    return [past_table_ddl(), *past_triggers().values(), past_rebuild()]


def past_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in past_triggers()] + [
        f"DROP TABLE IF EXISTS {PAST_TABLE}"
    ]


#: Which index answers for "the pledges" in this context: :data:`TABLE`, or while the ledger
#: is read as of a past date (:func:`reading_the_past`), :data:`PAST_TABLE`, whose rowids are
#: those of the pledges' rows then (see :mod:`db.past`).
_answering: ContextVar[str] = ContextVar("pledges_fulltext_index", default=TABLE)


@contextmanager
def reading_the_past() -> Iterator[None]:
    """Searches made inside go to the index of the ledger in time."""
    token = _answering.set(PAST_TABLE)
    try:
        yield
    finally:
        _answering.reset(token)


# -- searching -------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The tokens the index sees in ``text`` (letters and digits, any script)."""
    return _TOKEN.findall(text)


def phrase(text: str, *, prefix: bool = True) -> str | None:
    """A phrase as a safe FTS5 expression, or None if it has no searchable tokens.

    ``AND``, ``NEAR``, ``*``, ``"`` or ``%`` in a search are just characters: only the tokens
    reach the index, quoted.
    """
    tokens = words(text)
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def all_of(phrases: Sequence[str]) -> str:
    """Phrase expressions that must all match (FTS5 intersects them natively)."""
    return " AND ".join(phrases)


def expression_words(expression: str) -> list[str]:
    """The tokens of a :func:`phrase`/:func:`all_of` expression (what other databases match
    one by one)."""
    return [t for t in words(expression) if t != "AND"]


def matching_ids(expression: str) -> Select[Any]:
    """The ids of the pledges matching a :func:`phrase`/:func:`all_of` expression."""
    name = _answering.get()
    index = table(name, column("rowid"))
    matches = literal_column(name).op("MATCH")(literal(expression))
    return select(index.c.rowid).where(matches)


def count(connection: Any, expression: str) -> int:
    """How many pledges match an expression: the index alone answers (as of a past date, the
    index holds every record's rows of every period: they are counted as the pledges then)."""
    name = _answering.get()
    if name == PAST_TABLE:
        statement = (
            f"SELECT count(*) FROM pledges WHERE id IN "
            f"(SELECT rowid FROM {name} WHERE {name} MATCH ?)"
        )
        return int(connection.exec_driver_sql(statement, (expression,)).scalar_one())
    statement = f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?"
    return int(connection.exec_driver_sql(statement, (expression,)).scalar_one())


# -- the titles of conditions ----------------------------------------------------------------

#: The SQL function that gives a title's words as :func:`title_holds` matches them.
TITLE_WORDS_FUNCTION: Final = "pledges_title_words"


def folded_words(text: str) -> list[str]:
    """The words of ``text`` as titles are matched: full stops dropped (so "U.S." is "us"),
    case and diacritics folded (as the index folds them)."""
    decomposed = unicodedata.normalize("NFKD", text.replace(".", "").casefold())
    return words("".join(char for char in decomposed if not unicodedata.combining(char)))


def title_words(text: str | None) -> str | None:
    """The SQL function :data:`TITLE_WORDS_FUNCTION`: `` word word `` (a space each side)."""
    return None if text is None else " " + " ".join(folded_words(str(text))) + " "


def title_holds(title: Any, tokens: Sequence[str]) -> Any:
    """The condition that the title in column ``title`` holds ``tokens`` (folded as
    :func:`folded_words` folds them) in order, each as the start of a word."""
    return getattr(func, TITLE_WORDS_FUNCTION)(title).like(word_starts(tokens), escape="\\")
