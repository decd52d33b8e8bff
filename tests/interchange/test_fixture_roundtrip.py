"""Properties: random valid ledgers survive export -> import into an empty ledger -> export
unchanged, re-importing any valid file changes nothing, and any text survives the YAML writer.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import vocab
from db.interchange import export_text, import_files, yaml_reader, yaml_writer
from db.ledger import Ledger
from db.schemas import Actor, Condition, Pledge, Source
from db.sqlite.ledger_file import backup

#: Keys and codes YAML 1.1 would read as something else, mixed with ordinary ones.
TRICKY_KEYS = ["null", "yes", "no", "on", "010", "1e3", "2025-09-04", "0x1f", "12-30", "y"]
CODES = ["FRA", "GBR", "NO", "ON", "YES", "010", "NULL", "A-1", "X_Y"]
STATUSES = list(vocab.PLEDGE_STATUSES)
CONDITION_STATUSES = list(vocab.CONDITION_STATUSES)

#: Any text but lone surrogates (which no file format can carry): controls, line breaks,
#: quotes, YAML indicators, right-to-left marks and CJK included.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
) | st.sampled_from(["NO", "010", "12:30", "- x", "a: b", "#c", "'q'", '"dq"', " lead", "x\ny"])
keys = st.sampled_from(TRICKY_KEYS) | st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


def valid(model: type[Any], data: dict[str, Any]) -> bool:
    try:
        model.model_validate(data)
    except ValueError:
        return False
    return True


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


@st.composite
def histories(draw: st.DrawFn, statuses: list[str], final: str, sources: list[str]) -> list[Any]:
    steps = [*draw(st.lists(st.sampled_from(statuses), max_size=2)), final]
    dates = sorted(draw(st.lists(partial_dates(), min_size=len(steps), max_size=len(steps))))
    entries = []
    for date, status in zip(dates, steps, strict=True):
        entry: dict[str, Any] = {"date": date, "status": status}
        if sources and draw(st.booleans()):
            entry["source"] = draw(st.sampled_from(sources))
        else:
            entry["note"] = draw(texts)
        entries.append(entry)
    return entries


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True))
    actors = []
    for code in codes:
        actor = {"code": code, "name": draw(texts), "kind": "state"}
        if draw(st.booleans()):
            actor["aliases"] = draw(st.lists(texts, max_size=3, unique=True))
        if valid(Actor, actor):
            actors.append(actor)
    codes = [a["code"] for a in actors] or ["FRA"]
    if not actors:
        actors = [{"code": "FRA", "name": "France", "kind": "state"}]
    sources = [
        s
        for s in (
            {"key": key, "title": draw(texts), "published": draw(partial_dates())}
            for key in draw(st.lists(keys, max_size=3, unique=True))
        )
        if valid(Source, s)
    ]
    source_keys = [s["key"] for s in sources]
    conditions = []
    for key in draw(st.lists(keys, max_size=3, unique=True)):
        status = draw(st.sampled_from(CONDITION_STATUSES))
        condition = {
            "key": key,
            "title": draw(texts),
            "status": status,
            "responsible": draw(st.sampled_from(codes)),
            "sources": draw(st.lists(st.sampled_from(source_keys), unique=True))
            if source_keys
            else [],
        }
        if draw(st.booleans()):
            condition["history"] = draw(histories(CONDITION_STATUSES, status, source_keys))
        if valid(Condition, condition):
            conditions.append(condition)
    condition_keys = [c["key"] for c in conditions]
    pledges: list[dict[str, Any]] = []
    for key in draw(st.lists(keys, min_size=1, max_size=6, unique=True)):
        status = draw(st.sampled_from(STATUSES))
        pledge: dict[str, Any] = {
            "key": key,
            "title": draw(texts),
            "pledger": draw(st.sampled_from(codes)),
            "status": status,
            "confidence": draw(st.sampled_from(list(vocab.CONFIDENCE_LEVELS))),
            "tags": draw(st.lists(keys, max_size=3, unique=True)),
        }
        optional = {
            "text": texts,
            "notes": texts,
            "beneficiary": st.sampled_from(codes),
            "category": st.sampled_from(list(vocab.SUGGESTED_CATEGORIES)),
            "announced": partial_dates(),
            "due": partial_dates(),
        }
        for name, strategy in optional.items():
            if draw(st.booleans()):
                pledge[name] = draw(strategy)
        if draw(st.booleans()):
            amount = draw(st.decimals(min_value=0, max_value=10**12, places=2))
            pledge.update(amount=str(amount), unit=draw(st.sampled_from(["EUR", "NO", "010"])))
        if condition_keys:
            pledge["conditions"] = draw(st.lists(st.sampled_from(condition_keys), unique=True))
        if source_keys:
            pledge["sources"] = draw(st.lists(st.sampled_from(source_keys), unique=True))
        earlier = [p["key"] for p in pledges if not p.get("superseded")]
        if earlier and draw(st.booleans()):
            pledge["supersedes"] = draw(st.sampled_from(earlier))
        if draw(st.booleans()):
            pledge["history"] = draw(histories(STATUSES, status, source_keys))
        if valid(Pledge, pledge):
            pledges.append(pledge)
    return {
        "format": "pledges/1",
        "actors": actors,
        "sources": sources,
        "conditions": conditions,
        "pledges": pledges,
    }


SECTIONS = {"actor": "actors", "source": "sources", "condition": "conditions", "pledge": "pledges"}
MODELS: dict[str, type[Any]] = {
    "actor": Actor,
    "source": Source,
    "condition": Condition,
    "pledge": Pledge,
}
#: Fields that are identifiers, vocabulary words, dates or lists of keys: no cleaning rule
#: applies to them, so they come back exactly as the input wrote them.
VERBATIM = {
    "actor": ("code", "kind", "members"),
    "source": ("key", "published"),
    "condition": ("key", "status", "responsible", "sources"),
    "pledge": (
        "key",
        "pledger",
        "beneficiary",
        "status",
        "confidence",
        "category",
        "announced",
        "due",
        "unit",
        "conditions",
        "sources",
        "supersedes",
        "tags",
    ),
}


def stored(ledger: Ledger) -> dict[str, list[dict[str, Any]]]:
    """Every record of the ledger, with its status history, as fixture data."""
    return {
        record_type: [
            r.model_dump(mode="json", exclude_none=True) for r in ledger.records(record_type)
        ]
        for record_type in SECTIONS
    }


def document_records(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        t: sorted(document[s], key=lambda d: d[MODELS[t].key_field]) for t, s in SECTIONS.items()
    }


def as_validated(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The input records as the schemas read them (defaults filled in, text cleaned)."""
    return {
        t: [MODELS[t].model_validate(d).model_dump(mode="json", exclude_none=True) for d in records]
        for t, records in document_records(document).items()
    }


def verbatim(records: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The fields of :data:`VERBATIM`, and each history entry's date, status and source."""
    return {
        t: [
            {f: r[f] for f in VERBATIM[t] if r.get(f) not in (None, [])}
            | {"history": [(h["date"], h["status"], h.get("source")) for h in r.get("history", [])]}
            for r in group
        ]
        for t, group in records.items()
    }


def fresh_ledger(directory: Path, name: str, template: Path) -> Ledger:
    """A new, empty ledger (a copy of an empty one: migrations run once per test)."""
    backup(template, directory / name)
    return Ledger.open(directory / name, author="tester")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(documents())
def test_random_ledgers_survive_export_import_export(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        template = directory / "empty.sqlite"
        Ledger.open(template, author="tester").close()
        source = directory / "input.json"
        source.write_text(json.dumps(document), encoding="utf-8")
        first = fresh_ledger(directory, "first.sqlite", template)
        second = fresh_ledger(directory, "second.sqlite", template)
        try:
            import_files(first, [source])
            assert stored(first) == as_validated(document)
            assert verbatim(stored(first)) == verbatim(document_records(document))
            as_yaml, as_json = export_text(first, "yaml"), export_text(first, "json")
            exported = directory / "exported.yaml"
            exported.write_text(as_yaml, encoding="utf-8")
            import_files(second, [exported])
            assert stored(second) == stored(first)
            assert export_text(second, "yaml") == as_yaml
            assert export_text(second, "json") == as_json
            # Re-importing any valid file changes nothing.
            assert not import_files(first, [source]).changed
            assert not import_files(first, [exported]).changed
            assert not import_files(second, [exported]).changed
        finally:
            first.close()
            second.close()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_any_text_reads_back_from_the_yaml_writer_as_written(text: str) -> None:
    written = yaml_writer.records_text([{"value": text, "items": [text, "x"]}])
    value, _, problems = yaml_reader.load(written)
    assert problems == []
    assert value == [{"value": text, "items": [text, "x"]}]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_any_scalar_the_yaml_writer_writes_reads_back_the_same_in_any_yaml_reader(
    text: str,
) -> None:
    import yaml

    written = yaml_writer.scalar(text)
    loaded = yaml.safe_load(f"k: {written}")["k"]
    # A YAML 1.1 reader gets the same text, or, for a scalar written plain, the number or
    # date whose only spelling that text is (amounts and ISO dates are written bare).
    assert str(loaded) == text
    assert isinstance(loaded, str) or (
        written == text and isinstance(loaded, int | float | dt.date)
    )
    assert yaml_reader.load(f"k: {written}\n")[0] == {"k": text}
