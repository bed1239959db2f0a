#!/usr/bin/env python3
"""Compare cn.toml day by day with two independent sources: the PyPI packages
`chinesecalendar` and `holidays` (holidays.China).

    pip install chinesecalendar==1.11.0 holidays==0.109
    python3 workflows/calendars/crosscheck.py [path/to/cn.toml]

For every day of the file's years (2004-2026) its answer, working day or day off, is compared
with each source's. Every date on which the file and either source disagree is printed with its weekday
and the three values. A disagreement is explained when KNOWN_DIFFERENCES has the date (how it
was settled from the State Council notice, naming the notice); the script exits non-zero when
any disagreement is unexplained, or when a KNOWN_DIFFERENCES entry no longer matches what the
file and the sources say (a stale entry must be removed, not kept as a blanket excuse).

A year for which a source has no information is "no data" for that source: it is listed in the
summary and its days are compared with the other source only.

- chinesecalendar: `chinese_calendar.is_workday(day)`; years outside the package's tables raise
  NotImplementedError and are "no data".
- holidays: `holidays.China(years=...)`. Its statutory days and the observed-day rule give the
  days off; each notice's adjusted arrangement is a table of substituted days
  (ChinaStaticHolidays.special_public_holidays: "day X off, in exchange for weekend day Y
  worked"), from which the package fills `weekend_workdays`; `is_working_day(day)` answers
  `day in weekend_workdays` for a Saturday or Sunday and `day not in holidays` otherwise. A
  notice reaching into the previous December (2005-12-31 worked for 元旦 2006) is filled in
  when the later year is populated, so the years asked for run one past the last one compared.
  Years without a substituted-days table have no 调休 information (the package would only
  estimate them) and are "no data".
"""

import datetime as dt
import pathlib
import sys
import tomllib

import chinese_calendar
import holidays

# The years compared are the file's own (2004-2026 today); a year appended before the packages
# have it is "no data" for them.

# A value per source: True = working day, False = day off.
# date -> (cn.toml, chinesecalendar, holidays, how it was settled from the notice).
# Only deliberate departures of a source from the notice belong here: where cn.toml itself was
# wrong, the file is fixed instead.
KNOWN_DIFFERENCES: dict[dt.date, tuple[bool, bool, bool, str]] = {
    dt.date(2005, 12, 31): (
        True,
        False,
        True,
        "国办发明电〔2005〕35号 (2006年部分节假日安排): 元旦 2006-01-01..03 off, Saturday "
        "2005-12-31 worked. chinesecalendar has it as a day off (its 2005 table lacks the "
        "adjusted working day); holidays agrees with the notice.",
    ),
}


def expand(entry: str) -> list[dt.date]:
    """A date "YYYY-MM-DD" or an inclusive range "YYYY-MM-DD..YYYY-MM-DD"."""
    first, _, last = entry.partition("..")
    start = dt.date.fromisoformat(first)
    end = dt.date.fromisoformat(last) if last else start
    if end < start:
        raise ValueError(f"range {entry} ends before it starts")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def our_working_days(path: pathlib.Path) -> tuple[dict[dt.date, bool], int, int]:
    """Working day or not for every day of the file's years, and its first and last year."""
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
    first_year, last_year = min(years), max(years)
    missing = set(range(first_year, last_year + 1)) - years
    if missing:
        raise SystemExit(f"{path}: missing years {sorted(missing)}")
    day, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    out = {}
    while day <= end:
        out[day] = overrides.get(day, day.weekday() < 5)
        day += dt.timedelta(days=1)
    return out, first_year, last_year


def chinesecalendar_source():
    """(is_working_day or None when the year has no data, package version)."""
    def ask(day: dt.date) -> bool | None:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            return None

    try:
        from importlib.metadata import version

        ver = version("chinesecalendar")
    except Exception:  # pragma: no cover - metadata missing
        ver = "?"
    return ask, ver


def holidays_source(first_year: int, last_year: int):
    """(is_working_day or None when the year has no data, package version)."""
    # One year past the last compared: a notice's arrangement reaching back into December.
    cn = holidays.China(years=range(first_year - 1, last_year + 2))
    static = holidays.countries.china.ChinaStaticHolidays.special_public_holidays
    covered = set(static)

    def ask(day: dt.date) -> bool | None:
        # The December days of year Y may be arranged by year Y+1's notice.
        if day.year not in covered and not (day.month == 12 and day.year + 1 in covered):
            return None
        return cn.is_working_day(day)

    return ask, holidays.__version__


def label(working: bool | None) -> str:
    if working is None:
        return "no data"
    return "working day" if working else "day off"


def main() -> int:
    default = pathlib.Path(__file__).with_name("cn.toml")
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else default
    ours, first_year, last_year = our_working_days(path)
    cc, cc_version = chinesecalendar_source()
    hd, hd_version = holidays_source(first_year, last_year)
    print(f"cn.toml: {path}")
    print(f"sources: chinesecalendar {cc_version}, holidays {hd_version} (holidays.China)")

    no_data: dict[str, set[int]] = {"chinesecalendar": set(), "holidays": set()}
    found: list[dt.date] = []
    unexplained = 0
    compared = {"chinesecalendar": 0, "holidays": 0}
    for day, working in ours.items():
        theirs_cc, theirs_hd = cc(day), hd(day)
        if theirs_cc is None:
            no_data["chinesecalendar"].add(day.year)
        else:
            compared["chinesecalendar"] += 1
        if theirs_hd is None:
            no_data["holidays"].add(day.year)
        else:
            compared["holidays"] += 1
        agree = all(t is None or t == working for t in (theirs_cc, theirs_hd))
        known = KNOWN_DIFFERENCES.get(day)
        if agree and known is None:
            continue
        found.append(day)
        values = (
            f"cn.toml {label(working)}, chinesecalendar {label(theirs_cc)}, "
            f"holidays {label(theirs_hd)}"
        )
        line = f"{day} {day.strftime('%a')}: {values}"
        if known is None:
            print(f"{line}  UNEXPLAINED")
            unexplained += 1
        elif known[:3] != (working, theirs_cc, theirs_hd):
            print(f"{line}  STALE KNOWN_DIFFERENCES entry (it expects "
                  f"cn.toml {label(known[0])}, chinesecalendar {label(known[1])}, "
                  f"holidays {label(known[2])})")
            unexplained += 1
        else:
            print(f"{line}\n    settled: {known[3]}")
    for day in sorted(set(KNOWN_DIFFERENCES) - set(ours)):
        print(f"{day}: KNOWN_DIFFERENCES entry outside {first_year}-{last_year}")
        unexplained += 1

    both = no_data["chinesecalendar"] & no_data["holidays"]
    for source, years in no_data.items():
        if years:
            print(f"no data from {source} for {', '.join(map(str, sorted(years)))} "
                  f"(compared with the other source only)")
        else:
            print(f"{source}: data for every year {first_year}-{last_year}")
    if both:
        print(f"not compared with either source (no data in both): "
              f"{', '.join(map(str, sorted(both)))}")
    print(
        f"{len(ours)} days {first_year}-{last_year} compared "
        f"({compared['chinesecalendar']} with chinesecalendar, {compared['holidays']} with "
        f"holidays): {len(found)} disagreement(s), {len(found) - unexplained} explained in "
        f"KNOWN_DIFFERENCES, {unexplained} unexplained"
    )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
