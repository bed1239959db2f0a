#!/usr/bin/env python3
"""Generate festivals.csv: the lunar festivals and the 清明 day of every year 2004–2100.

This table is the independent check of the Rust crate (tyme4rs) that provisional.rs uses at
run time, so it is built from sources that share no code nor algorithm with it:
  - the lunar dates come from `lunardate` (a published month-length table, 1900–2099) and, for
    2100 and as a second opinion on every other year, from `sxtwl` (a C++ ephemeris); the
    script stops if the two disagree on any year both cover;
  - the 清明 day is the date, in China Standard Time (UTC+8), on which the Sun's apparent
    ecliptic longitude reaches 15°, found with `ephem` (libastro); a day where the term falls
    within two minutes of midnight is refused, since the table could then be wrong by a day.

Run it from the repository root inside a venv:
    python3 -m venv .venv && .venv/bin/pip install lunardate ephem sxtwl
    .venv/bin/python crates/core/src/calendar/festivals/generate.py \
        > crates/core/src/calendar/festivals/festivals.csv
"""

import datetime
import math
import sys

import ephem
import lunardate
import sxtwl

FIRST, LAST = 2004, 2100
CST = datetime.timedelta(hours=8)


def lunar_lunardate(year, month, day):
    if year > 2099:
        return None
    return lunardate.LunarDate(year, month, day, False).to_solar_date()


def lunar_sxtwl(year, month, day):
    d = sxtwl.fromLunar(year, month, day, False)
    return datetime.date(d.getSolarYear(), d.getSolarMonth(), d.getSolarDay())


def lunar(year, month, day):
    a = lunar_lunardate(year, month, day)
    b = lunar_sxtwl(year, month, day)
    if a is not None and a != b:
        sys.exit(f"lunardate and sxtwl disagree on {year}-{month}-{day}: {a} vs {b}")
    return b


def sun_longitude(when):
    sun = ephem.Sun(when)
    return float(ephem.Ecliptic(sun, epoch=when).lon)


def qingming(year):
    """The instant (UTC) the apparent solar longitude crosses 15°, by bisection."""
    target = math.radians(15.0)
    lo = ephem.Date(datetime.datetime(year, 3, 30))
    hi = ephem.Date(datetime.datetime(year, 4, 10))
    for _ in range(60):
        mid = ephem.Date((lo + hi) / 2)
        if sun_longitude(mid) < target:
            lo = mid
        else:
            hi = mid
    instant = ephem.Date(hi).datetime() + CST
    minutes = instant.hour * 60 + instant.minute
    if minutes < 2 or minutes > 24 * 60 - 2:
        sys.exit(f"清明 {year} falls at {instant} CST, too close to midnight to date safely")
    return instant.date()


def main():
    print("year,chuxi,qingming,duanwu,zhongqiu")
    for year in range(FIRST, LAST + 1):
        chuxi = lunar(year, 1, 1) - datetime.timedelta(days=1)
        print(f"{year},{chuxi},{qingming(year)},{lunar(year, 5, 5)},{lunar(year, 8, 15)}")


if __name__ == "__main__":
    main()
