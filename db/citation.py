"""Citations: a record as an analyst quotes it in a brief, in plain text."""

from __future__ import annotations

from .records import ConditionDetail, PledgeDetail
from .schemas import Source


def cite(detail: PledgeDetail | ConditionDetail, today: str) -> str:
    """Key, title, who, status since when, as of which date, and the sources' titles and URLs::

    Pledge fra-reassurance-force: "Deploy a reassurance force ..." (France -> Ukraine).
    Status: committed since 2025-09-04 (as of 2026-11-26); conditional.
    Conditions: us-backstop (pending); ceasefire (pending).
    Source: "Elysee: guarantees ready", Elysee, 2025-09-02, https://www.elysee.fr/.
    """
    if isinstance(detail, PledgeDetail):
        pledge = detail.pledge
        who = detail.pledger_name + (
            f" -> {detail.beneficiary_name}" if detail.beneficiary_name else ""
        )
        head = f'Pledge {pledge.key}: "{pledge.title}" ({who}).'
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
            f" (responsible: {detail.responsible_name})" if detail.responsible_name else ""
        )
        head = f'Condition {condition.key}: "{condition.title}"{responsible}.'
        status, conditions, flags, sources = condition.status, [], [], detail.sources
    since = f" since {detail.status_since}" if detail.status_since else ""
    lines = [
        head,
        f"Status: {status}{since} (as of {today})"
        + (f"; {', '.join(flags)}" if flags else "")
        + ".",
    ]
    if conditions:
        lines.append("Conditions: " + "; ".join(f"{c.key} ({c.status})" for c in conditions) + ".")
    lines.extend(_source_line(source) for source in sources)
    if not sources:
        lines.append("Sources: none recorded.")
    return "\n".join(lines)


def _source_line(source: Source) -> str:
    parts = [f'Source: "{source.title}"']
    if source.publisher:
        parts.append(source.publisher)
    if source.published:
        parts.append(source.published)
    if source.url:
        parts.append(source.url)
    return ", ".join(parts) + "."
