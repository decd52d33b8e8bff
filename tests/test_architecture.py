"""The layering the design promises: db/ stands alone, the UI's modules import one another
without a cycle, the CLI answers --help without loading it, and every connection is set up the
same way."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from db.ledger import Ledger
from tests.support import ROOT


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_db_never_imports_textual() -> None:
    loaded = modules_after(
        "import db, db.ledger, db.schemas, db.query, db.filters, db.change_log, db.reading, "
        "db.writing, db.reverting, db.references, db.migrate, db.paging, db.window, db.store, "
        "db.dialect, db.engines, db.planning, db.facets, db.sqlite.bulk, db.config"
    )
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_db_sources_do_not_mention_textual() -> None:
    for path in (ROOT / "db").rglob("*.py"):
        source = path.read_text()
        assert "import textual" not in source and "from textual" not in source, path


def imports_within(package: str) -> dict[str, set[str]]:
    """Each module of ``package`` (a folder of ROOT) and the modules of it that it imports
    anywhere: at the top, inside a function, or only for the type checker."""
    modules: dict[str, tuple[Path, bool]] = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        modules[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        here = name if is_package else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here.split(".")[: len(here.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([node.module] if node.module else [])])
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (its modules in order, the first again at the end), or []."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        path.append(module)
        for imported in sorted(graph[module]):
            if cycle := visit(imported):
                return cycle
        path.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if cycle := visit(module):
            return cycle
    return []


def test_the_ui_modules_import_one_another_without_a_cycle() -> None:
    """Screens post messages to the app instead of importing it, and a picker is handed the
    form it opens: no module of tui/ needs, even lazily, one that needs it."""
    graph = imports_within("tui")
    assert graph["tui.app"] >= {"tui.screens.pledges", "tui.messages"}  # the graph is read
    assert cycle_in(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_in(graph) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) == []


def test_the_import_linter_contracts_are_kept() -> None:
    """The layers written in pyproject.toml (db under the UI, no cycles in either package, the
    UI's own layers), checked by import-linter on the code as it is."""
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(no_cache=True, no_logo=True))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_version_and_help_load_neither_the_ui_nor_the_database_layer() -> None:
    for argv in (["--version"], ["--help"]):
        loaded = modules_after(
            "import sys\nfrom tui.cli import main\n"
            f"try:\n    main({argv!r}, standalone_mode=False)\nexcept SystemExit:\n    pass"
        )
        heavy = {
            m for m in loaded if m.split(".")[0] in {"textual", "sqlalchemy", "pydantic", "alembic"}
        }
        assert heavy == set(), argv


def test_every_connection_is_set_up_the_same_way(ledger: Ledger) -> None:
    for engine in (ledger._reader, ledger._writer):
        with engine.connect() as connection:
            pragmas = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
        assert pragmas == {
            "foreign_keys": 1,
            "journal_mode": "wal",
            "synchronous": 2,
            "busy_timeout": 10_000,
        }


def test_writes_begin_immediate_and_reads_begin_deferred(ledger: Ledger) -> None:
    statements: list[str] = []
    from sqlalchemy import event

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            statements.append(statement)

    for engine in (ledger._reader, ledger._writer):
        event.listen(engine, "before_cursor_execute", record)
    ledger.count_pledges()
    from db import schemas

    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    assert statements == ["BEGIN", "BEGIN IMMEDIATE"]


def test_the_api_returns_plain_objects_not_orm_instances(ledger: Ledger) -> None:
    from db import schemas, tables

    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    for value in (ledger.actor("FRA"), ledger.actors(), ledger.facets(), ledger.pledge_page()):
        assert not isinstance(value, tables.Base)
        for item in value if isinstance(value, list) else [value]:
            assert not isinstance(item, tables.Base)


def test_every_record_type_has_its_schema_store_section_form_and_screen() -> None:
    """The record-type tables are complete: a fifth record type added to the Literal and not
    to one of them fails here, not when an analyst opens one."""
    import typing

    from db.record_types import BY_SECTION, KINDS, RecordType
    from tui.editing.form_fields import FORMS
    from tui.screens.records import SCREENS

    every = set(typing.get_args(RecordType))
    assert set(KINDS) == set(FORMS) == set(SCREENS) == every
    for name, kind in KINDS.items():
        assert kind.schema.record_type == kind.store.record_type == name
        assert BY_SECTION[kind.section] is kind
        assert kind.key_field in kind.schema.model_fields
        assert SCREENS[name].record_type == name
        assert kind.key_field in {spec.name for spec in FORMS[name].fields}
    assert {t for t, k in KINDS.items() if k.has_status} == {"pledge", "condition"}
