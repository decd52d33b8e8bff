"""``pledges --demo``: a throw-away copy of the bundled sample ledger.

The fixture importer (issue 3, ``db/fixtures/``) is the proper way to read fixture files. Until
it is on main, :func:`build_demo_ledger` reads the sample itself, in this one place: YAML read
as data only (every scalar a string, no tags, no aliases, duplicate keys refused), each record
validated by the core's schemas, and everything saved through the service API in one batch.
When the importer lands, this function becomes a call to it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

import fixtures
from db import schemas
from db.errors import LedgerError
from db.ledger import Ledger

SECTIONS = (
    ("actors", schemas.Actor),
    ("sources", schemas.Source),
    ("conditions", schemas.Condition),
    ("pledges", schemas.Pledge),
)


class _StringLoader(yaml.SafeLoader):
    """PyYAML's safe loader with every scalar a string: ``NO`` is Norway, ``010`` is not 8."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class attribute

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "aliases are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _refuse_tags(loader: _StringLoader, suffix: str, node: Any) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"tag {node.tag!r} is not allowed", node.start_mark
    )


_StringLoader.add_multi_constructor("!", _refuse_tags)
_StringLoader.add_multi_constructor("tag:yaml.org,2002:python/", _refuse_tags)


def read_sample(path: Path | None = None) -> list[schemas.Record]:
    """The records of the sample fixture file, validated."""
    source = path or fixtures.path()
    with source.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_StringLoader)  # safe: a string-only SafeLoader
    records: list[schemas.Record] = []
    for section, model in SECTIONS:
        for item in document.get(section) or []:
            records.append(model.model_validate(item))
    return records


def build_demo_ledger(path: Path) -> Ledger:
    """Create a ledger at ``path`` holding the sample, and return it open."""
    records = read_sample()
    ledger = Ledger.open(path, author="demo")
    try:
        ledger.save_records(records, label=f"import {fixtures.SAMPLE} (demo)")
    except BaseException:
        ledger.close()
        raise
    return ledger


@contextmanager
def demo_ledger() -> Iterator[Ledger]:
    """A sample ledger in a temporary directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="pledges-demo-"))
    try:
        try:
            ledger = build_demo_ledger(directory / "demo.sqlite")
        except (yaml.YAMLError, ValueError) as error:
            raise LedgerError(f"cannot load the sample ledger: {error}") from None
        try:
            yield ledger
        finally:
            ledger.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
