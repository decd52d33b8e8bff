"""``pledges --demo``: a throw-away copy of the bundled sample ledger.

The sample (``fixtures/coalition-of-the-willing.yaml``) is imported with the fixture importer,
exactly as ``pledges import`` would, into a ledger in a temporary directory that is removed
when the browser closes.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import fixtures
from db.interchange import import_files
from db.ledger import Ledger


def build_demo_ledger(path: Path) -> Ledger:
    """Create a ledger at ``path`` holding the sample, and return it open."""
    ledger = Ledger.open(path, author="demo")
    try:
        import_files(ledger, [fixtures.path()], label=f"import {fixtures.SAMPLE} (demo)")
    except BaseException:
        ledger.close()
        raise
    return ledger


@contextmanager
def demo_ledger() -> Iterator[Ledger]:
    """A sample ledger in a temporary directory, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="pledges-demo-"))
    try:
        ledger = build_demo_ledger(directory / "demo.sqlite")
        try:
            yield ledger
        finally:
            ledger.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
