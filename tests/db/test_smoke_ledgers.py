"""The test ledgers themselves build, so every other test can rely on them."""

from db.ledger import Ledger
from tests.support.ledgers import CJK, ESCAPES, LONG_TITLE, MARKUP_CONDITION


def test_small_ledger_builds(small: Ledger) -> None:
    assert small.count_pledges() == 5
    assert small.count_pledges("is:conditional") == 4


def test_hostile_ledger_keeps_raw_strings(hostile: Ledger) -> None:
    titles = {row.key: row.title for row in hostile.pledge_page(limit=100).rows}
    assert titles["hostile-escape"] == ESCAPES
    assert titles["hostile-long"] == LONG_TITLE
    assert titles["hostile-condition"] == MARKUP_CONDITION
    assert titles["hostile-cjk"] == CJK
