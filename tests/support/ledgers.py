"""Test ledgers: realistic records plus the hostile strings every UI test must survive.

Hostile text that the schemas would clean on the way in (ESC sequences, 10 kB titles) is
written straight into the tables with :func:`inject`, as a ledger made by an older or foreign
tool might hold it; the rest goes through the service API like any analyst's input.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from db import schemas
from db.ledger import Ledger

#: Strings that break naive terminal apps: markup, actions, escapes, bidi, CJK.
MARKUP_CLOSE = "[/]"
MARKUP_CONDITION = "Reassurance force [pending U.S. support]"
MARKUP_ACTION = "[@click=app.quit]x"
ESCAPES = "red \x1b[31malert\x1b[0m and title \x1b]0;pwned\x07 bell"
RTL = "\u200fدعم\u200f \u202eevil\u202c mark"
CJK = "乌克兰安全保障：空中防御承诺"
LONG_TITLE = "Ten kilobytes " + "x" * (10 * 1024)
LONG_TEXT = ("A very long verbatim wording. " * 400).strip()

HOSTILE_STRINGS = [MARKUP_CLOSE, MARKUP_CONDITION, MARKUP_ACTION, ESCAPES, RTL, CJK, LONG_TITLE]


def inject(ledger: Ledger, table: str, key_column: str, key: str, column: str, value: Any) -> None:
    """Write a value straight into a table, bypassing the schemas (as a foreign tool would)."""
    with ledger._writer.begin() as connection:  # a test-only back door
        connection.execute(
            text(f"UPDATE {table} SET {column} = :value WHERE {key_column} = :key"),
            {"value": value, "key": key},
        )


def small_ledger(ledger: Ledger) -> Ledger:
    """A few actors, sources, conditions and pledges modelled on the sample ledger."""
    for actor in [
        schemas.Actor(code="FRA", name="France", kind="state", aliases=["French Republic"]),
        schemas.Actor(code="GBR", name="United Kingdom", kind="state", aliases=["UK", "Britain"]),
        schemas.Actor(code="USA", name="United States", kind="state", aliases=["U.S.", "US"]),
        schemas.Actor(code="UKR", name="Ukraine", kind="state"),
        schemas.Actor(code="DEU", name="Germany", kind="state"),
        schemas.Actor(
            code="COW",
            name="Coalition of the Willing",
            kind="coalition",
            members=["FRA", "GBR", "DEU"],
        ),
        schemas.Actor(code="MACRON", name="Emmanuel Macron", kind="person", affiliation="FRA"),
    ]:
        ledger.create(actor)
    ledger.create(
        schemas.Source(
            key="elysee-2025-09-02",
            title="Elysee: guarantees ready",
            publisher="Elysee",
            published="2025-09-02",
            url="https://www.elysee.fr/",
        )
    )
    ledger.create(
        schemas.Source(
            key="paris-declaration",
            title="Paris Declaration",
            published="2026-01-06",
            reliability="A",
        )
    )
    ledger.create(
        schemas.Condition(
            key="us-backstop",
            title="Confirmation of U.S. support",
            responsible="USA",
            sources=["elysee-2025-09-02"],
        )
    )
    ledger.create(schemas.Condition(key="ceasefire", title="Ceasefire in force"))
    ledger.create(
        schemas.Condition(key="commons-vote", title="UK parliamentary vote", responsible="GBR")
    )
    ledger.create(
        schemas.Pledge(
            key="fra-reassurance-force",
            title="Deploy a reassurance force after a ceasefire",
            pledger="FRA",
            beneficiary="UKR",
            category="troops",
            status="committed",
            announced="2025-09",
            conditions=["us-backstop", "ceasefire"],
            sources=["elysee-2025-09-02"],
            tags=["reassurance-force"],
            history=[
                {"date": "2025-03-27", "status": "announced", "note": "Paris summit"},
                {"date": "2025-09-04", "status": "committed", "source": "elysee-2025-09-02"},
            ],
        )
    )
    ledger.create(
        schemas.Pledge(
            key="gbr-troops",
            title="UK troops on the ground if necessary",
            pledger="GBR",
            beneficiary="UKR",
            category="troops",
            status="committed",
            announced="2025-02-16",
            conditions=["ceasefire", "commons-vote"],
            confidence="confirmed",
        )
    )
    ledger.create(
        schemas.Pledge(
            key="gbr-missiles",
            title="5,000 air-defence missiles",
            pledger="GBR",
            beneficiary="UKR",
            category="air_defence",
            status="in_progress",
            announced="2025-03-02",
            amount="1600000000",
            unit="GBP",
            due="2025-12",
            tags=["ukef"],
        )
    )
    ledger.create(
        schemas.Pledge(
            key="usa-air-support",
            title="Air support is an option",
            pledger="USA",
            beneficiary="UKR",
            category="air_defence",
            status="announced",
            announced="2025-08-19",
            conditions=["us-backstop"],
        )
    )
    ledger.create(
        schemas.Pledge(
            key="deu-neighbouring-territory",
            title="Forces on neighbouring NATO territory",
            pledger="DEU",
            status="announced",
            announced="2026-01-06",
            conditions=["ceasefire", "us-backstop"],
            sources=["paris-declaration"],
        )
    )
    return ledger


def hostile_ledger(ledger: Ledger) -> Ledger:
    """The small ledger plus hostile strings in titles, actor names, conditions and notes."""
    small_ledger(ledger)
    ledger.create(schemas.Actor(code="XRTL", name=RTL, kind="other"))
    ledger.create(schemas.Actor(code="XCJK", name=CJK, kind="state", aliases=[MARKUP_CLOSE]))
    ledger.create(
        schemas.Condition(key="markup-condition", title=MARKUP_CONDITION, description=MARKUP_ACTION)
    )
    ledger.create(
        schemas.Pledge(
            key="hostile-close",
            title=f"Closes {MARKUP_CLOSE} markup",
            pledger="XCJK",
            notes=MARKUP_ACTION,
            conditions=["markup-condition"],
        )
    )
    ledger.create(
        schemas.Pledge(
            key="hostile-condition",
            title=MARKUP_CONDITION,
            pledger="XRTL",
            beneficiary="UKR",
            text=LONG_TEXT,
        )
    )
    ledger.create(
        schemas.Pledge(
            key="hostile-action", title=MARKUP_ACTION, pledger="FRA", notes=f"{CJK} {RTL}"
        )
    )
    ledger.create(
        schemas.Pledge(key="hostile-cjk", title=CJK, pledger="XCJK", category="diplomatic")
    )
    ledger.create(schemas.Pledge(key="hostile-escape", title="placeholder", pledger="USA"))
    ledger.create(schemas.Pledge(key="hostile-long", title="placeholder", pledger="USA"))
    inject(ledger, "pledges", "key", "hostile-escape", "title", ESCAPES)
    inject(ledger, "pledges", "key", "hostile-long", "title", LONG_TITLE)
    inject(ledger, "actors", "code", "XRTL", "name", RTL + " \x1b[2J")
    return ledger
