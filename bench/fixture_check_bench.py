"""How the import check grows with hostile-but-valid shapes of input: long ``supersedes``
chains and records with very many unknown fields.

For each size it builds the input in memory and times:

- **chain (check)**: :func:`db.interchange.check` of a YAML file whose N pledges each supersede
  the one before (one chain of N links), with no ledger;
- **chain (ledger)**: the same check of a file of one pledge superseding the newest of a chain
  of N pledges already in a ledger (the check follows the chain through the ledger);
- **unknown fields (yaml / json)**: reading and checking one pledge with N unknown fields
  (every one is reported).

Each figure is the best of ``--repeat`` runs; a linear check shows times growing with N, not
with N squared.

    python bench/fixture_check_bench.py
    python bench/fixture_check_bench.py --sizes 2000 20000 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from db.interchange import check, import_files, json_reader, yaml_reader
from db.ledger import Ledger

HEAD = "format: pledges/1\nactors:\n  - {code: FRA, name: France, kind: state}\npledges:\n"


def _pledge(index: int, supersedes: int | None) -> str:
    text = f"  - key: p{index}\n    title: Pledge {index}\n    pledger: FRA\n"
    if supersedes is not None:
        text += f"    supersedes: p{supersedes}\n"
    return text


def chain_document(links: int, first: int = 0) -> str:
    return HEAD + "".join(
        _pledge(i, i - 1 if i > first else None) for i in range(first, first + links + 1)
    )


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def chain_in_file(links: int, repeat: int) -> float:
    data = chain_document(links).encode()

    def run() -> None:
        checked = check([yaml_reader.read("chain.yaml", data)])
        assert not checked.problems, checked.problems[:3]

    return best(repeat, run)


def chain_in_ledger(links: int, repeat: int, workdir: Path) -> float:
    source = workdir / f"chain-{links}.yaml"
    source.write_text(chain_document(links))
    ledger = Ledger.open(workdir / f"chain-{links}.sqlite", author="bench")
    try:
        import_files(ledger, [source])
        data = (HEAD + _pledge(links + 1, links)).encode()

        def run() -> None:
            checked = check([yaml_reader.read("next.yaml", data)], ledger)
            assert not checked.problems, checked.problems[:3]

        return best(repeat, run)
    finally:
        ledger.close()


def unknown_fields_yaml(fields: int, repeat: int) -> float:
    record = _pledge(0, None) + "".join(f"    unknown{i}: x\n" for i in range(fields))
    data = (HEAD + record).encode()

    def run() -> None:
        checked = check([yaml_reader.read("fields.yaml", data)])
        assert checked.problems

    return best(repeat, run)


def unknown_fields_json(fields: int, repeat: int) -> float:
    record = {"key": "p0", "title": "Pledge", "pledger": "FRA"}
    record.update({f"unknown{i}": "x" for i in range(fields)})
    doc = {
        "format": "pledges/1",
        "actors": [{"code": "FRA", "name": "France", "kind": "state"}],
        "pledges": [record],
    }
    data = json.dumps(doc, indent=2).encode()

    def run() -> None:
        checked = check([json_reader.read("fields.json", data)])
        assert checked.problems

    return best(repeat, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 20_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--skip-ledger", action="store_true", help="leave out the chain through a ledger"
    )
    args = parser.parse_args()
    print(
        f"{'N':>8} {'chain check':>12} {'chain ledger':>13} {'fields yaml':>12} {'fields json':>12}"
    )
    with tempfile.TemporaryDirectory() as temporary:
        for size in args.sizes:
            in_file = chain_in_file(size, args.repeat)
            in_ledger = (
                float("nan")
                if args.skip_ledger
                else chain_in_ledger(size, args.repeat, Path(temporary))
            )
            yaml_fields = unknown_fields_yaml(size * 5, args.repeat)
            json_fields = unknown_fields_json(size * 5, args.repeat)
            print(
                f"{size:>8} {in_file:>11.3f}s {in_ledger:>12.3f}s "
                f"{yaml_fields:>11.3f}s {json_fields:>11.3f}s  (fields: {size * 5})",
                flush=True,
            )


if __name__ == "__main__":
    main()
