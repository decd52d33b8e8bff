"""How many damaged copies of an exported YAML ledger import as wrong data.

Exports the sample ledger (``fixtures/coalition-of-the-willing.yaml`` imported into an empty
ledger) as YAML, damages the export, and checks each damaged copy as an import into an empty
ledger would: refused (problems listed), imported unchanged (the damage touched nothing that
counts, such as a blank line), or imported as **wrong data** (accepted, but its records are
not the export's). The damage:

- **truncation**: the text cut at ``--cuts`` offsets spread evenly through it, and at the end
  of every line;
- **line mutations**: one line deleted, or one line written twice, at ``--lines`` lines
  picked at random (seeded) for each (the same lines for both exports, but for the two
  lines the older one lacks).

It runs the same damage on the export as written now (with ``records:`` after ``format`` and
the end marker ``...``) and on the same export without those two lines, as pledges wrote it
before, and as a hand-written file still may be.

    python bench/truncation_bench.py
    python bench/truncation_bench.py --cuts 1000 --lines 200 --seed 3
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fixtures
from db.interchange import check, export_text, import_files, yaml_reader
from db.ledger import Ledger
from db.schemas import Record


@dataclass
class Tally:
    refused: int = 0
    unchanged: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.refused + self.unchanged + len(self.wrong)


def sample_export() -> str:
    with tempfile.TemporaryDirectory() as temporary:
        ledger = Ledger.open(Path(temporary) / "sample.sqlite", author="bench")
        try:
            import_files(ledger, [fixtures.path("coalition-of-the-willing.yaml")])
            return export_text(ledger, "yaml")
        finally:
            ledger.close()


def without_defence(text: str) -> str:
    """The export as written before ``records:`` and the end marker."""
    lines = text.splitlines(keepends=True)
    assert lines[1].startswith("records: ") and lines[-1] == "...\n"
    return "".join([lines[0], *lines[2:-1]])


def records_of(text: str) -> list[Record] | None:
    """The records an import of ``text`` into an empty ledger would write, or None if it
    would refuse the text."""
    checked = check([yaml_reader.read("damaged.yaml", text.encode())])
    return None if checked.problems else checked.records


def truncations(text: str, cuts: int) -> Iterator[tuple[str, str]]:
    offsets = {len(text) * i // cuts for i in range(1, cuts)}
    offsets |= {i + 1 for i, char in enumerate(text[:-1]) if char == "\n"}
    for offset in sorted(offsets):
        yield f"cut at {offset}", text[:offset]


def deletions(text: str, count: int, seed: int) -> Iterator[tuple[str, str]]:
    lines = text.splitlines(keepends=True)
    for index in random.Random(seed).sample(range(len(lines)), min(count, len(lines))):
        yield f"line {index + 1} deleted", "".join(lines[:index] + lines[index + 1 :])


def doublings(text: str, count: int, seed: int) -> Iterator[tuple[str, str]]:
    lines = text.splitlines(keepends=True)
    for index in random.Random(seed + 1).sample(range(len(lines)), min(count, len(lines))):
        yield f"line {index + 1} doubled", "".join(lines[: index + 1] + lines[index:])


def tally(original: list[Record], damaged: Iterator[tuple[str, str]]) -> Tally:
    result = Tally()
    for what, text in damaged:
        records = records_of(text)
        if records is None:
            result.refused += 1
        elif records == original:
            result.unchanged += 1
        else:
            result.wrong.append(what)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuts", type=int, default=300, help="offsets spread through the text")
    parser.add_argument("--lines", type=int, default=60, help="lines deleted, and doubled")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--show", type=int, default=5, help="wrong imports listed per row")
    args = parser.parse_args()
    exported = sample_export()
    original = records_of(exported)
    assert original is not None, "the sample's own export must import"
    print(
        f"the sample ledger's export: {len(exported):,} characters, {exported.count(chr(10))} lines"
    )
    print(f"{'':44} {'tried':>6} {'refused':>8} {'unchanged':>10} {'WRONG':>6}")
    for label, text in (
        ("export as written now", exported),
        ("without records: and ...", without_defence(exported)),
    ):
        assert records_of(text) == original
        for kind, damaged in (
            ("truncated", truncations(text, args.cuts)),
            ("a line deleted", deletions(text, args.lines, args.seed)),
            ("a line doubled", doublings(text, args.lines, args.seed)),
        ):
            result = tally(original, damaged)
            name = f"{label}, {kind}"
            print(
                f"{name:44} {result.total:>6} {result.refused:>8} {result.unchanged:>10} "
                f"{len(result.wrong):>6}"
            )
            for what in result.wrong[: args.show]:
                print(f"{'':46}wrong: {what}")


if __name__ == "__main__":
    main()
