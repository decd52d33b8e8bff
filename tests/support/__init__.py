"""What the tests share that is not a fixture: the test ledgers, running ``pledges`` as a
process, driving the UI, and the workers and limits of the reliability tests. Fixtures and
hooks stay in the ``conftest.py`` files; tests import these (``from tests.support.ledgers
import small_ledger``).
"""

from __future__ import annotations

from pathlib import Path

#: The repository's root: the working directory and ``PYTHONPATH`` of ``pledges`` processes.
ROOT = Path(__file__).resolve().parents[2]
