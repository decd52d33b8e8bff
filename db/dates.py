"""Partial dates: ``2025``, ``2025-09`` or ``2025-09-04``, kept with their precision.

A partial date is stored as the ISO text the analyst wrote. It stands for an interval of days
(``2025-09`` is the whole of September), and comparisons in queries use that interval:
``announced:>=2025-09`` keeps only pledges certainly announced in or after September 2025.
Interval bounds are ISO strings; ``hi`` may name a day that does not exist (``2025-02-31``),
which is harmless because bounds are only ever compared as strings.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

ACCEPTED_FORMS: Final = "use YYYY, YYYY-MM or YYYY-MM-DD"
_FORM = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def quoted(value: object, limit: int = 40) -> str:
    """A value as a message quotes it: its repr, cut (a pasted page is not repeated back)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


class PartialDateError(ValueError):
    """A value that is not a partial date; the message says which forms are accepted."""


def parse_partial_date(value: object) -> str:
    """Validate ``value`` and return it as canonical partial-date text.

    Accepts ISO text of year, month or day precision and ``datetime.date``. Numbers, other
    date layouts and impossible dates are refused with a message naming the accepted forms.
    """
    if isinstance(value, dt.datetime):
        raise PartialDateError(
            f"{value.isoformat()!r} is a timestamp, not a date; {ACCEPTED_FORMS}"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, str):
        raise PartialDateError(f"{quoted(value)} is not a date; write it as text: {ACCEPTED_FORMS}")
    text = value.strip()
    match = _FORM.fullmatch(text)
    if match is None:
        raise PartialDateError(f"{quoted(value)} is not a date; {ACCEPTED_FORMS}")
    year, month, day = match.groups()
    if int(year) < 1:
        raise PartialDateError(
            f"{quoted(value)} is not a date: there is no year 0; {ACCEPTED_FORMS}"
        )
    if month is not None and not 1 <= int(month) <= 12:
        raise PartialDateError(
            f"{quoted(value)} is not a date: month {month} does not exist; {ACCEPTED_FORMS}"
        )
    if day is not None:
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise PartialDateError(
                f"{quoted(value)} is not a date: {year}-{month} has no day {day}; {ACCEPTED_FORMS}"
            ) from None
    return text


def bounds(value: str) -> tuple[str, str]:
    """Return the first and last day of the interval a partial date stands for, as ISO text."""
    if len(value) == 4:
        return f"{value}-01-01", f"{value}-12-31"
    if len(value) == 7:
        return f"{value}-01", f"{value}-31"
    return value, value


def lower_bound(value: str | None) -> str | None:
    """The first day of a partial date's interval, or None."""
    return None if value is None else bounds(value)[0]


def upper_bound(value: str | None) -> str | None:
    """The last day of a partial date's interval, or None."""
    return None if value is None else bounds(value)[1]


def precision(value: str) -> str:
    """``year``, ``month`` or ``day``."""
    return {4: "year", 7: "month"}.get(len(value), "day")


def coarser(one: str, other: str) -> bool:
    """Whether precision ``one`` (``year``, ``month``, ``day``) is coarser than ``other``."""
    order = {"year": 0, "month": 1, "day": 2}
    return order[one] < order[other]


def today() -> str:
    """Today's date (UTC) as partial-date text of day precision."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def latest_effective() -> str:
    """The last day a change in the world may be dated: today, in the time zone furthest
    ahead (tomorrow in UTC), so that an analyst east of Greenwich can date a change today."""
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


def refuse_future(value: str) -> str:
    """Return ``value`` (a partial date) if it has begun by :func:`latest_effective`; a change
    dated later has not happened yet, and would hide every change dated today behind it."""
    latest = latest_effective()
    if bounds(value)[0] > latest:
        raise PartialDateError(
            f"{quoted(value)} is in the future; a change in the world can be dated today at the "
            f"latest ({latest} in the time zone furthest ahead)"
        )
    return value
