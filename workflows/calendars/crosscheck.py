#!/usr/bin/env python3
"""Compare cn.toml day by day with the PyPI package `chinesecalendar`.

    pip install chinesecalendar
    python3 workflows/calendars/crosscheck.py [path/to/cn.toml]

Prints every date on which the two disagree about being a working day and exits non-zero
when there is any. Deliberate departures from the package (where the official notice says
otherwise) go in KNOWN_DIFFERENCES with the reason; there are none today.
"""

import datetime as dt
import pathlib
import sys
import tomllib

import chinese_calendar

FIRST_YEAR, LAST_YEAR = 2004, 2026

# date -> why our file (following the notice) differs from the package.
KNOWN_DIFFERENCES: dict[dt.date, str] = {}


def expand(entry: str) -> list[dt.date]:
    """A date "YYYY-MM-DD" or an inclusive range "YYYY-MM-DD..YYYY-MM-DD"."""
    first, _, last = entry.partition("..")
    start = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last) if last else start
    if end < start:
        raise ValueError(f"range {entry} ends before it starts")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def our_working_days(path: pathlib.Path) -> dict[dt.date, bool]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    overrides: dict[dt.date, bool] = {}
    years = set()
    for table in data["year"]:
        years.add(table["year"])
        for entry in table.get("holidays", []):
            for d in expand(entry):
                overrides[d] = False
        for entry in table.get("workdays", []):
            for d in expand(entry):
                overrides[d] = True
    missing = set(range(FIRST_YEAR, LAST_YEAR + 1)) - years
    if missing:
        raise SystemExit(f"{path}: missing years {sorted(missing)}")
    day, end = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    out = {}
    while day <= end:
        out[day] = overrides.get(day, day.weekday() < 5)
        day += dt.timedelta(days=1)
    return out


def main() -> int:
    default = pathlib.Path(__file__).with_name("cn.toml")
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    ours = our_working_days(path)
    differences = 0
    for day, working in ours.items():
        theirs = chinese_calendar.is_workday(day)
        if working == theirs:
            continue
        label = lambda w: "working day" if w else "day off"  # noqa: E731
        why = KNOWN_DIFFERENCES.get(day)
        note = f"  (known: {why})" if why else ""
        print(f"{day} {day.strftime('%a')}: cn.toml {label(working)}, chinesecalendar {label(theirs)}{note}")
        if not why:
            differences += 1
    print(f"{len(ours)} days {FIRST_YEAR}-{LAST_YEAR} compared, {differences} unexplained difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
