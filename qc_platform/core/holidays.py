"""The holidays of Milan: Italian national holidays and Sant'Ambrogio (7 December).

Used by the feedback service levels (working hours) and the catalogue ("open now").
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter as _easter

# Italian national holidays, plus Sant'Ambrogio (7 December), Milan's patron saint.
_FIXED_HOLIDAYS = {
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 7),
    (12, 8),
    (12, 25),
    (12, 26),
}


# San Francesco d'Assisi (4 October), a national holiday again from 2026 (law 151/2025).
_SAN_FRANCESCO_FROM_YEAR = 2026


@cache
def easter(year: int) -> date:
    # Cached: the working-hours functions ask once per day they walk over.
    return _easter(year)


def is_holiday(day: date) -> bool:
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return True
    if (day.month, day.day) == (10, 4) and day.year >= _SAN_FRANCESCO_FROM_YEAR:
        return True
    easter_sunday = easter(day.year)
    return day in (easter_sunday, easter_sunday + timedelta(days=1))
