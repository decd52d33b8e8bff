"""Citations: a record as an analyst quotes it in a brief, in plain text."""

from __future__ import annotations

from collections.abc import Callable

from .api_types import ConditionDetail, PledgeDetail
from .schemas import Source
from .text import clean_line
from .vocab import admiralty_code


def cite(
    detail: PledgeDetail | ConditionDetail, today: str, shown: Callable[[str], str] = clean_line
) -> str:
    """Key, title, who, status since when, as of which date, and the sources' titles and URLs::

    Pledge fra-reassurance-force: "Deploy a reassurance force ..." (France -> Ukraine).
    Status: committed since 2025-09-04 (as of 2026-11-26); conditional.
    Conditions: us-backstop (pending); ceasefire (pending).
    Source: "Elysee: guarantees ready", Elysee, 2025-09-02, graded B2, https://www.elysee.fr/.

    Every value taken from the ledger goes through ``shown``, which must make it one line of
    plain text: a ledger written by another tool may hold escape sequences or line breaks in a
    title, and a citation is pasted into briefs and terminals. By default they are cleaned away
    as the ledger cleans new input; the terminal UI passes its renderer's rule instead, which
    shows them (and direction marks) by visible stand-ins.
    """
    if isinstance(detail, PledgeDetail):
        pledge = detail.pledge
        who = shown(detail.pledger_name) + (
            f" -> {shown(detail.beneficiary_name)}" if detail.beneficiary_name else ""
        )
        head = f'Pledge {shown(pledge.key)}: "{shown(pledge.title)}" ({who}).'
        status: str = pledge.status
        conditions = detail.conditions
        flags = [
            name
            for name, on in (
                ("conditional", detail.conditional),
                ("blocked", detail.blocked),
                ("overdue", detail.overdue),
            )
            if on
        ]
        sources = detail.sources
    else:
        condition = detail.condition
        responsible = (
            f" (responsible: {shown(detail.responsible_name)})" if detail.responsible_name else ""
        )
        head = f'Condition {shown(condition.key)}: "{shown(condition.title)}"{responsible}.'
        status, conditions, flags, sources = condition.status, [], [], detail.sources
    since = f" since {shown(detail.status_since)}" if detail.status_since else ""
    lines = [
        head,
        f"Status: {shown(status)}{since} (as of {today})"
        + (f"; {', '.join(flags)}" if flags else "")
        + ".",
    ]
    if conditions:
        lines.append(
            "Conditions: "
            + "; ".join(f"{shown(c.key)} ({shown(c.status or '')})" for c in conditions)
            + "."
        )
    lines.extend(_source_line(source, shown) for source in sources)
    if not sources:
        lines.append("Sources: none recorded.")
    return "\n".join(lines)


def _source_line(source: Source, shown: Callable[[str], str]) -> str:
    """``Source: "TITLE", PUBLISHER, DATE, graded B2, URL.`` (the parts it has)."""
    parts = [f'Source: "{shown(source.title)}"']
    parts += [shown(value) for value in (source.publisher, source.published) if value]
    grading = admiralty_code(source.reliability, source.credibility)
    if grading:
        parts.append(f"graded {shown(grading)}")
    if source.url:
        parts.append(shown(source.url))
    return ", ".join(parts) + "."
