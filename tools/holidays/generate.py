#!/usr/bin/env python3
"""Writes tests/fixtures/holidays/reference.csv: the weekday holidays of every calendar reclaim
has, 2025-2035, as the independent `holidays` library (PyPI, https://pypi.org/project/holidays/)
gives them. `src/model/calendar.rs` (test `differential_against_the_holidays_library`) compares
reclaim's calendars with this table and fails on any difference not listed, with its legal
source, in `DEVIATIONS` there (docs/legal.md §3).

Only Monday to Friday is written: a holiday on a Saturday or Sunday never changes a business-day
count, and the library lists weekend dates that reclaim (like gov.uk and OPM) replaces by the
observed day.

Run from the repository root after `pip install holidays`:

    python3 tools/holidays/generate.py

The library's version is written in the first line, so a regenerated table says what made it.
"""

import csv
import os
import sys

import holidays

YEARS = range(2025, 2036)

# reclaim calendar id -> (library country, subdivision, categories). The categories are the
# library's: PUBLIC days, plus GOVERNMENT days for the Canadian federal calendar (the days
# federally regulated workplaces observe, Canada Labour Code s. 166).
CALENDARS = {
    "FR": ("FR", None, ("public",)),
    "CH-GE": ("CH", "GE", ("public",)),
    "CH-ZH": ("CH", "ZH", ("public",)),
    "CH-BE": ("CH", "BE", ("public",)),
    "CH-VD": ("CH", "VD", ("public",)),
    "US-FED": ("US", None, ("public",)),
    "US-AZ": ("US", "AZ", ("public",)),
    "US-CA": ("US", "CA", ("public",)),
    "US-WA": ("US", "WA", ("public",)),
    "US-FL": ("US", "FL", ("public",)),
    "US-NY": ("US", "NY", ("public",)),
    "US-TX": ("US", "TX", ("public",)),
    "US-MA": ("US", "MA", ("public",)),
    "GB-EAW": ("GB", "ENG", ("public",)),
    "GB-SCT": ("GB", "SCT", ("public",)),
    "GB-NIR": ("GB", "NIR", ("public",)),
    "CZ": ("CZ", None, ("public",)),
    "CA": ("CA", None, ("public", "government")),
    "CA-ON": ("CA", "ON", ("public",)),
    "CA-QC": ("CA", "QC", ("public",)),
    "CA-BC": ("CA", "BC", ("public",)),
    "CA-AB": ("CA", "AB", ("public",)),
    "DE": ("DE", None, ("public",)),
    "DE-BY": ("DE", "BY", ("public",)),
    "DE-BW": ("DE", "BW", ("public",)),
    "DE-BE": ("DE", "BE", ("public",)),
    "DE-HE": ("DE", "HE", ("public",)),
    "DE-HH": ("DE", "HH", ("public",)),
    "DE-NW": ("DE", "NW", ("public",)),
    "NL": ("NL", None, ("public",)),
    "BE": ("BE", None, ("public",)),
    "IT": ("IT", None, ("public",)),
    "ES": ("ES", None, ("public",)),
    "ES-MD": ("ES", "MD", ("public",)),
    "ES-CT": ("ES", "CT", ("public",)),
    "IE": ("IE", None, ("public",)),
    "DK": ("DK", None, ("public",)),
    "AT": ("AT", None, ("public",)),
    "LU": ("LU", None, ("public",)),
    # General holidays (Cap. 149): the library's statutory (public) and general (optional) days.
    "HK": ("HK", None, ("public", "optional")),
}


def main() -> None:
    only = sys.argv[1:]
    out = os.path.join(
        os.path.dirname(os.path.abspath(__file__)),
        "..",
        "..",
        "tests",
        "fixtures",
        "holidays",
        "reference.csv",
    )
    rows = []
    for calendar, (country, subdiv, categories) in CALENDARS.items():
        if only and calendar not in only:
            continue
        days = holidays.country_holidays(
            country, subdiv=subdiv, years=YEARS, categories=categories, language="en_US"
        )
        for day, name in sorted(days.items()):
            if day.weekday() < 5:
                rows.append((calendar, day.isoformat(), name))
    if only:
        for row in rows:
            print(",".join(row))
        return
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write(f"# holidays {holidays.__version__}, years {YEARS.start}-{YEARS.stop - 1}, weekdays only; tools/holidays/generate.py\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["calendar", "date", "name"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
