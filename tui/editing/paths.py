"""Files for import and export: path completion in a field, and writing a file safely."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path

from textual.suggester import Suggester

#: Entries a completion looks at in one directory (a huge one is not listed whole).
SCAN_LIMIT = 5000


def split_paths(text: str) -> list[str]:
    """Several paths typed in one field, separated by ``;``."""
    return [part.strip() for part in text.split(";") if part.strip()]


def complete_path(value: str, suffixes: Iterable[str] | None = None) -> str | None:
    """``value`` with its last path completed as far as it is unambiguous, or None.

    Directories complete with a trailing ``/``; files only if their suffix is one of
    ``suffixes`` (any file if None). Hidden entries only when their dot was typed.
    """
    wanted = {s.lower() for s in suffixes} if suffixes is not None else None
    last = value.rpartition(";")[2].lstrip()
    if last == "~":
        return value + "/"
    expanded = os.path.expanduser(last)
    directory, partial = os.path.split(expanded)
    matches: list[tuple[str, bool]] = []
    try:
        with os.scandir(directory or ".") as entries:
            for count, entry in enumerate(entries):
                if count >= SCAN_LIMIT:
                    break
                name = entry.name
                if not name.startswith(partial) or (name[:1] == "." and partial[:1] != "."):
                    continue
                is_dir = entry.is_dir()
                if is_dir or wanted is None or Path(name).suffix.lower() in wanted:
                    matches.append((name, is_dir))
    except OSError:
        return None
    if not matches:
        return None
    if len(matches) == 1:
        name, is_dir = matches[0]
        completion = name + ("/" if is_dir else "")
    else:
        # The longest common start of the names (a string prefix, not a path).
        names = [name for name, _ in matches]
        completion = min(names)
        for name in names:
            while not name.startswith(completion):
                completion = completion[:-1]
    if len(completion) <= len(partial):
        return None
    return value + completion[len(partial) :]


class PathSuggester(Suggester):
    """Completes file paths as they are typed (``right`` accepts), off the event loop."""

    def __init__(self, suffixes: Iterable[str] | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = tuple(suffixes) if suffixes is not None else None

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        return await asyncio.to_thread(complete_path, value, self.suffixes)
