//! Holiday calendars and the date primitives procedure deadlines are built from
//! (`docs/legal.md` §3 and §6.1).
//!
//! Business-day periods in dispute procedures run on somebody else's calendar: the registrar's
//! (UDRP Policy 4(k), Rules 4(b), 4(e), 16(a)), the provider's (WIPO in Geneva, Forum under US
//! federal holidays, CAC in Prague, CIIDRC in British Columbia) or the French courts' (CPC
//! art. 641-642). So each calendar here has an id, and every deadline records which one it used.
//!
//! Holidays are computed by rule for any year (Easter-based days, "n-th weekday of the month"
//! days, weekend substitution), never read from a table of years, so a deadline in 2031 is as
//! right as one in 2026. The rules are those in force today, with start or end years where a
//! holiday was added or removed recently; older history is not modelled. The only data are the
//! one-off days a government declared for a single year (jubilees, a state funeral), kept in small
//! lists beside the calendar they belong to.
//!
//! Nothing here panics or fails: an unknown calendar id has no holidays (Saturday and Sunday
//! still are not business days, as in `WEEKENDS`), and a date past the end of what `chrono` can
//! represent saturates at `NaiveDate::MAX`. A firm's own closure days (office shut between
//! Christmas and New Year, a strike) are passed in as `closures`, because they are the firm's
//! data, not a law's.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

/// A holiday calendar reclaim knows, by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CalendarInfo {
    /// Stable id, stored with every computed deadline (e.g. `"CH-GE"`).
    pub id: &'static str,
    /// What a user sees.
    pub name: &'static str,
    /// The legal text the holiday list comes from.
    pub source: &'static str,
}

/// Every calendar, with the source of its holiday list.
pub const CALENDARS: &[CalendarInfo] = &[
    CalendarInfo {
        id: "FR",
        name: "France",
        source: "Code du travail, art. L3133-1 (jours fériés); periods: Code de procédure civile \
                 art. 641-642",
    },
    CalendarInfo {
        id: "CH-GE",
        name: "Switzerland, Canton of Geneva (WIPO)",
        source: "Loi genevoise sur les jours fériés (rsGE J 1 45), art. 1; 1 August: Federal \
                 Constitution art. 110 para. 3",
    },
    CalendarInfo {
        id: "US-FED",
        name: "United States, federal holidays (Forum)",
        source: "5 U.S.C. 6103(a); weekend observance: 5 U.S.C. 6103(b) and Executive Order 11582",
    },
    CalendarInfo {
        id: "GB-EAW",
        name: "United Kingdom, England and Wales bank holidays (Nominet)",
        source: "Banking and Financial Dealings Act 1971, s. 1 and Schedule 1; royal \
                 proclamations for moved and one-off days (list at gov.uk/bank-holidays)",
    },
    CalendarInfo {
        id: "CZ",
        name: "Czech Republic (CAC)",
        source: "Act No. 245/2000 Coll. on public holidays, s. 1 and s. 2, as amended (Good \
                 Friday from 2016)",
    },
    CalendarInfo {
        id: "CA",
        name: "Canada, federal general holidays",
        source: "Canada Labour Code, R.S.C. 1985, c. L-2, s. 166 (general holiday); Holidays Act, \
                 R.S.C. 1985, c. H-5, s. 2 (Canada Day on 2 July when 1 July is a Sunday)",
    },
    CalendarInfo {
        id: "CA-BC",
        name: "Canada, British Columbia (CIIDRC)",
        source: "Employment Standards Act, R.S.B.C. 1996, c. 113, s. 1 (statutory holiday): Family \
                 Day from 2013 (third Monday of February from 2019), National Day for Truth and \
                 Reconciliation from 2023",
    },
    CalendarInfo {
        id: "DE",
        name: "Germany, nationwide holidays",
        source: "Einigungsvertrag art. 2(2) (3 October) and the Feiertagsgesetze of all Länder \
                 (days common to every Land; one-off Reformation Day 31 October 2017)",
    },
    CalendarInfo {
        id: "NL",
        name: "Netherlands",
        source: "Algemene termijnenwet art. 3 (generally recognised holidays); Liberation Day as \
                 a day off in lustrum years",
    },
    CalendarInfo {
        id: "BE",
        name: "Belgium",
        source: "Loi du 4 janvier 1974 relative aux jours fériés; arrêté royal du 18 avril 1974, \
                 art. 1",
    },
    CalendarInfo {
        id: "IT",
        name: "Italy",
        source: "Legge 27 maggio 1949 n. 260, art. 2, as amended",
    },
    CalendarInfo {
        id: "ES",
        name: "Spain, national holidays",
        source: "Real Decreto 2001/1983, art. 45, as amended; yearly resolution of the Dirección \
                 General de Trabajo (BOE)",
    },
    CalendarInfo {
        id: "IE",
        name: "Ireland",
        source: "Organisation of Working Time Act 1997, Schedule 2, as amended (St Brigid's Day \
                 from 2023; one-off 18 March 2022)",
    },
    CalendarInfo {
        id: "DK",
        name: "Denmark",
        source: "Danish public holidays (helligdage); Great Prayer Day abolished from 2024 by the \
                 Act of 28 February 2023; Constitution Day (5 June) by collective agreement",
    },
    CalendarInfo {
        id: "AT",
        name: "Austria",
        source: "Feiertagsruhegesetz 1957 (BGBl. 153/1957), § 1",
    },
    CalendarInfo {
        id: "LU",
        name: "Luxembourg",
        source: "Code du travail, art. L.232-2, as amended (Europe Day, 9 May, from 2019)",
    },
    CalendarInfo {
        id: "WEEKENDS",
        name: "Weekends only",
        source: "No public holidays: Saturday and Sunday only, for a party whose country reclaim \
                 has no calendar for",
    },
];

/// The calendar with this id, ignoring case and surrounding spaces.
pub fn calendar_info(id: &str) -> Option<&'static CalendarInfo> {
    let id = id.trim();
    CALENDARS.iter().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// The calendar to use for a party (registrar, provider) located in this country, by ISO 3166-1
/// alpha-2 code, ignoring case. Switzerland maps to Geneva because that is where the Swiss party
/// that matters (WIPO) sits; French overseas territories map to metropolitan France (their extra
/// local holidays are not modelled). `None` when reclaim has no calendar for the country: the
/// caller then picks `WEEKENDS` and says so.
pub fn calendar_for_country(iso_3166: &str) -> Option<&'static str> {
    let code = iso_3166.trim().to_ascii_uppercase();
    let id = match code.as_str() {
        "US" => "US-FED",
        "GB" | "UK" => "GB-EAW",
        "CH" => "CH-GE",
        "FR" | "RE" | "GP" | "MQ" | "GF" | "YT" | "PM" | "WF" | "PF" | "NC" | "TF" => "FR",
        "CZ" => "CZ",
        "CA" => "CA",
        "DE" => "DE",
        "NL" => "NL",
        "BE" => "BE",
        "IT" => "IT",
        "ES" => "ES",
        "IE" => "IE",
        "DK" => "DK",
        "AT" => "AT",
        "LU" => "LU",
        _ => return None,
    };
    Some(id)
}

/// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian computus, as given by
/// Meeus, Jones and Butcher). `None` before 1583, the first full year of the Gregorian calendar,
/// and past the years `chrono` can represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The public holidays of calendar `id` that fall in `year`: (date, English name), sorted by
/// date. Empty for an unknown id and for `WEEKENDS`.
///
/// For `US-FED` and `GB-EAW` the list holds the days off: a fixed-date holiday that falls on a
/// weekend appears as its observed or substitute day, not on the weekend date (as OPM and gov.uk
/// publish them). That day can fall in the year before: New Year's Day 2022, a Saturday, was
/// observed on Friday 31 December 2021, so it is in the list for 2021, not 2022. Other calendars
/// do not move holidays that fall on a weekend. Two holidays on the same day are both listed.
pub fn holidays(id: &str, year: i32) -> Vec<(NaiveDate, &'static str)> {
    let Some(info) = calendar_info(id) else {
        return Vec::new();
    };
    let mut list = Holidays::new(year);
    match info.id {
        "FR" => france(&mut list),
        "CH-GE" => geneva(&mut list),
        "US-FED" => us_federal(&mut list),
        "GB-EAW" => england_and_wales(&mut list),
        "CZ" => czech_republic(&mut list),
        "CA" => canada(&mut list),
        "CA-BC" => british_columbia(&mut list),
        "DE" => germany(&mut list),
        "NL" => netherlands(&mut list),
        "BE" => belgium(&mut list),
        "IT" => italy(&mut list),
        "ES" => spain(&mut list),
        "IE" => ireland(&mut list),
        "DK" => denmark(&mut list),
        "AT" => austria(&mut list),
        "LU" => luxembourg(&mut list),
        _ => {}
    }
    let mut days = list.days;
    days.retain(|(date, _)| date.year() == year);
    days.sort_by_key(|(date, _)| *date);
    days
}

/// Whether `date` is a business day in calendar `id`: not a Saturday or Sunday, not one of the
/// calendar's holidays, not one of the firm's `closures`. An unknown id is treated as `WEEKENDS`
/// (only Saturday and Sunday are off), so a missing calendar gives the earliest, safest date
/// rather than an error in the middle of a deadline computation.
pub fn is_business_day(id: &str, date: NaiveDate, closures: &[NaiveDate]) -> bool {
    BusinessDays::new(id, closures).is(date)
}

/// The `n`-th business day strictly after `from` in calendar `id` (`from` itself is not counted,
/// CPC art. 641 and docs/legal.md §6.1 `bus(d, n, C)`). `n = 0` returns `from` unchanged, even
/// when it is not a business day (use [`roll_forward`] for that). An unknown id is treated as
/// `WEEKENDS`.
pub fn add_business_days(id: &str, from: NaiveDate, n: u32, closures: &[NaiveDate]) -> NaiveDate {
    let mut days = BusinessDays::new(id, closures);
    let mut date = from;
    let mut left = n;
    while left > 0 {
        let Some(next) = date.succ_opt() else {
            return date;
        };
        date = next;
        if days.is(date) {
            left -= 1;
        }
    }
    date
}

/// `date` if it is a business day in calendar `id`, else the next business day: a period whose
/// last day is a Saturday, Sunday or holiday runs to the next working day (CPC art. 642; Forum
/// REDRP Rules 1(j) with `US-FED`). An unknown id is treated as `WEEKENDS`.
pub fn roll_forward(id: &str, date: NaiveDate, closures: &[NaiveDate]) -> NaiveDate {
    let mut days = BusinessDays::new(id, closures);
    let mut date = date;
    while !days.is(date) {
        let Some(next) = date.succ_opt() else {
            return date;
        };
        date = next;
    }
    date
}

/// The same day-number `n` months later; when that month is too short, its last day (CPC art. 641:
/// a period in months ends on the same day-number of the last month, or the last day of that month
/// if there is none). Past the dates `chrono` can represent, `NaiveDate::MAX`.
pub fn add_months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// Business-day test for one calendar, keeping the holidays of the year last looked at so that
/// counting many days does not recompute Easter for each one.
struct BusinessDays<'a> {
    id: &'a str,
    closures: &'a [NaiveDate],
    year: Option<i32>,
    holidays: Vec<NaiveDate>,
}

impl<'a> BusinessDays<'a> {
    fn new(id: &'a str, closures: &'a [NaiveDate]) -> Self {
        BusinessDays {
            id,
            closures,
            year: None,
            holidays: Vec::new(),
        }
    }

    fn is(&mut self, date: NaiveDate) -> bool {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || self.closures.contains(&date) {
            return false;
        }
        if self.year != Some(date.year()) {
            self.year = Some(date.year());
            self.holidays = holidays(self.id, date.year())
                .into_iter()
                .map(|(day, _)| day)
                .collect();
        }
        !self.holidays.contains(&date)
    }
}

/// The holidays of one year as they are built. Every helper silently skips a date that cannot
/// exist (a year beyond `chrono`'s range, Easter before 1583), which keeps the rules below free
/// of error handling.
struct Holidays {
    year: i32,
    easter: Option<NaiveDate>,
    days: Vec<(NaiveDate, &'static str)>,
}

impl Holidays {
    fn new(year: i32) -> Self {
        Holidays {
            year,
            easter: easter_sunday(year),
            days: Vec::new(),
        }
    }

    fn add(&mut self, date: Option<NaiveDate>, name: &'static str) {
        if let Some(date) = date {
            self.days.push((date, name));
        }
    }

    fn date(&self, month: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, month, day)
    }

    /// A holiday on the same date every year.
    fn fixed(&mut self, month: u32, day: u32, name: &'static str) {
        self.add(self.date(month, day), name);
    }

    /// A holiday `offset` days from Easter Sunday (Good Friday is -2, Ascension +39).
    fn easter(&mut self, offset: i64, name: &'static str) {
        let date = self.easter.and_then(|easter| shift(easter, offset));
        self.add(date, name);
    }

    /// A holiday on the `n`-th (1-based) `weekday` of `month`.
    fn nth(&mut self, n: u32, weekday: Weekday, month: u32, name: &'static str) {
        self.add(nth_weekday(self.year, month, weekday, n), name);
    }

    /// A holiday on the last `weekday` of `month`.
    fn last(&mut self, weekday: Weekday, month: u32, name: &'static str) {
        self.add(last_weekday(self.year, month, weekday), name);
    }

    /// A one-off day (or a moved one), listed only in its own year.
    fn one_offs(&mut self, days: &[((i32, u32, u32), &'static str)]) {
        for &((year, month, day), name) in days {
            if year == self.year {
                self.add(NaiveDate::from_ymd_opt(year, month, day), name);
            }
        }
    }
}

fn shift(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let to_weekday =
        (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    let day = 1 + to_weekday + 7 * n.saturating_sub(1);
    NaiveDate::from_ymd_opt(year, month, day)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = next_month.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    shift(last, -i64::from(back))
}

// ---------------------------------------------------------------------------------------------
// The calendars. Each function adds the holidays of `list.year`; `holidays()` sorts them and keeps
// those that fall in that year.

/// Code du travail art. L3133-1. Alsace-Moselle's two extra days (Good Friday, 26 December) are
/// local and not included.
fn france(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    list.fixed(5, 8, "Victory in Europe Day");
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(7, 14, "National Day");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(11, 11, "Armistice Day");
    list.fixed(12, 25, "Christmas Day");
}

/// rsGE J 1 45 art. 1. The Jeûne genevois is the Thursday after the first Sunday of September.
fn geneva(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(-2, "Good Friday");
    list.easter(1, "Easter Monday");
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(8, 1, "Swiss National Day");
    let jeune = nth_weekday(list.year, 9, Weekday::Sun, 1).and_then(|sunday| shift(sunday, 4));
    list.add(jeune, "Jeûne genevois");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 31, "Restoration of the Republic");
}

/// 5 U.S.C. 6103(a). A fixed-date holiday on a Saturday is observed the Friday before (Executive
/// Order 11582), on a Sunday the Monday after (6103(b)); New Year's Day of the next year can
/// therefore be observed on 31 December of this one.
fn us_federal(list: &mut Holidays) {
    fn observed(
        list: &mut Holidays,
        date: Option<NaiveDate>,
        name: &'static str,
        observed_name: &'static str,
    ) {
        let Some(date) = date else { return };
        match date.weekday() {
            Weekday::Sat => list.add(shift(date, -1), observed_name),
            Weekday::Sun => list.add(shift(date, 1), observed_name),
            _ => list.add(Some(date), name),
        }
    }
    let year = list.year;
    let new_year = "New Year's Day";
    let new_year_observed = "New Year's Day (observed)";
    observed(list, list.date(1, 1), new_year, new_year_observed);
    if let Some(next) = year.checked_add(1) {
        let next_new_year = NaiveDate::from_ymd_opt(next, 1, 1);
        observed(list, next_new_year, new_year, new_year_observed);
    }
    // Birthday of Martin Luther King, Jr.: a federal holiday since 1986.
    if year >= 1986 {
        list.nth(3, Weekday::Mon, 1, "Martin Luther King Jr. Day");
    }
    list.nth(3, Weekday::Mon, 2, "Washington's Birthday");
    list.last(Weekday::Mon, 5, "Memorial Day");
    // Juneteenth National Independence Day Act, Pub. L. 117-17 (17 June 2021).
    if year >= 2021 {
        observed(
            list,
            list.date(6, 19),
            "Juneteenth National Independence Day",
            "Juneteenth National Independence Day (observed)",
        );
    }
    observed(
        list,
        list.date(7, 4),
        "Independence Day",
        "Independence Day (observed)",
    );
    list.nth(1, Weekday::Mon, 9, "Labor Day");
    list.nth(2, Weekday::Mon, 10, "Columbus Day");
    observed(
        list,
        list.date(11, 11),
        "Veterans Day",
        "Veterans Day (observed)",
    );
    list.nth(4, Weekday::Thu, 11, "Thanksgiving Day");
    observed(
        list,
        list.date(12, 25),
        "Christmas Day",
        "Christmas Day (observed)",
    );
}

/// Moved bank holidays in England and Wales, by royal proclamation: these replace the usual day.
const GB_MOVED_EARLY_MAY: &[((i32, u32, u32), &str)] = &[
    ((1995, 5, 8), "Early May bank holiday (VE day)"),
    ((2020, 5, 8), "Early May bank holiday (VE day)"),
];
const GB_MOVED_SPRING: &[((i32, u32, u32), &str)] = &[
    ((2002, 6, 4), "Spring bank holiday"),
    ((2012, 6, 4), "Spring bank holiday"),
    ((2022, 6, 2), "Spring bank holiday"),
];
/// One-off bank holidays in England and Wales, by royal proclamation: these are in addition.
const GB_ONE_OFFS: &[((i32, u32, u32), &str)] = &[
    ((2002, 6, 3), "Golden Jubilee of Elizabeth II"),
    (
        (2011, 4, 29),
        "Wedding of Prince William and Catherine Middleton",
    ),
    ((2012, 6, 5), "Diamond Jubilee of Elizabeth II"),
    ((2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
    ((2022, 9, 19), "State Funeral of Queen Elizabeth II"),
    ((2023, 5, 8), "Coronation of King Charles III"),
];

/// Banking and Financial Dealings Act 1971, Schedule 1, with the substitute days it provides for
/// New Year's Day, Christmas Day and Boxing Day falling on a weekend, and royal proclamations.
fn england_and_wales(list: &mut Holidays) {
    let year = list.year;
    let new_year = list.date(1, 1);
    match new_year.map(|d| d.weekday()) {
        Some(Weekday::Sat) => list.fixed(1, 3, "New Year's Day (substitute day)"),
        Some(Weekday::Sun) => list.fixed(1, 2, "New Year's Day (substitute day)"),
        _ => list.add(new_year, "New Year's Day"),
    }
    list.easter(-2, "Good Friday");
    list.easter(1, "Easter Monday");
    // The early May bank holiday exists since 1978.
    if GB_MOVED_EARLY_MAY.iter().any(|((y, _, _), _)| *y == year) {
        list.one_offs(GB_MOVED_EARLY_MAY);
    } else if year >= 1978 {
        list.nth(1, Weekday::Mon, 5, "Early May bank holiday");
    }
    if GB_MOVED_SPRING.iter().any(|((y, _, _), _)| *y == year) {
        list.one_offs(GB_MOVED_SPRING);
    } else {
        list.last(Weekday::Mon, 5, "Spring bank holiday");
    }
    list.last(Weekday::Mon, 8, "Summer bank holiday");
    match list.date(12, 25).map(|d| d.weekday()) {
        // Both days on the weekend: Monday and Tuesday are the substitutes.
        Some(Weekday::Sat) => {
            list.fixed(12, 27, "Christmas Day (substitute day)");
            list.fixed(12, 28, "Boxing Day (substitute day)");
        }
        // Boxing Day keeps Monday; Christmas moves to Tuesday.
        Some(Weekday::Sun) => {
            list.fixed(12, 26, "Boxing Day");
            list.fixed(12, 27, "Christmas Day (substitute day)");
        }
        // Boxing Day on Saturday: the Monday after.
        Some(Weekday::Fri) => {
            list.fixed(12, 25, "Christmas Day");
            list.fixed(12, 28, "Boxing Day (substitute day)");
        }
        _ => {
            list.fixed(12, 25, "Christmas Day");
            list.fixed(12, 26, "Boxing Day");
        }
    }
    list.one_offs(GB_ONE_OFFS);
}

/// Act No. 245/2000 Coll., s. 1 (state holidays) and s. 2 (other holidays).
fn czech_republic(list: &mut Holidays) {
    list.fixed(
        1,
        1,
        "Restoration Day of the Independent Czech State; New Year's Day",
    );
    if list.year >= 2016 {
        list.easter(-2, "Good Friday");
    }
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    list.fixed(5, 8, "Liberation Day");
    list.fixed(7, 5, "Saints Cyril and Methodius Day");
    list.fixed(7, 6, "Jan Hus Day");
    list.fixed(9, 28, "Czech Statehood Day");
    list.fixed(10, 28, "Independent Czechoslovak State Day");
    list.fixed(11, 17, "Struggle for Freedom and Democracy Day");
    list.fixed(12, 24, "Christmas Eve");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "St. Stephen's Day");
}

/// Victoria Day: the Monday preceding 25 May (Holidays Act s. 3; between 18 and 24 May).
fn victoria_day(list: &mut Holidays) {
    let day = list.date(5, 24).and_then(|may_24| {
        let back = may_24.weekday().num_days_from_monday();
        shift(may_24, -i64::from(back))
    });
    list.add(day, "Victoria Day");
}

/// Canada Day: 1 July, or Monday 2 July when 1 July is a Sunday (Holidays Act s. 2).
fn canada_day(list: &mut Holidays) {
    if list.date(7, 1).map(|d| d.weekday()) == Some(Weekday::Sun) {
        list.fixed(7, 2, "Canada Day");
    } else {
        list.fixed(7, 1, "Canada Day");
    }
}

/// Canada Labour Code s. 166, "general holiday". Weekend substitutes for the other days depend on
/// the employer (s. 195), so they are not part of the calendar.
fn canada(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(-2, "Good Friday");
    victoria_day(list);
    canada_day(list);
    list.nth(1, Weekday::Mon, 9, "Labour Day");
    // Added by S.C. 2021, c. 11, first observed on 30 September 2021.
    if list.year >= 2021 {
        list.fixed(9, 30, "National Day for Truth and Reconciliation");
    }
    list.nth(2, Weekday::Mon, 10, "Thanksgiving Day");
    list.fixed(11, 11, "Remembrance Day");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "Boxing Day");
}

/// BC Employment Standards Act s. 1, "statutory holiday". Boxing Day and Easter Monday are not
/// statutory holidays in British Columbia.
fn british_columbia(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    match list.year {
        2013..=2018 => list.nth(2, Weekday::Mon, 2, "Family Day"),
        y if y >= 2019 => list.nth(3, Weekday::Mon, 2, "Family Day"),
        _ => {}
    }
    list.easter(-2, "Good Friday");
    victoria_day(list);
    canada_day(list);
    list.nth(1, Weekday::Mon, 8, "British Columbia Day");
    list.nth(1, Weekday::Mon, 9, "Labour Day");
    if list.year >= 2023 {
        list.fixed(9, 30, "National Day for Truth and Reconciliation");
    }
    list.nth(2, Weekday::Mon, 10, "Thanksgiving Day");
    list.fixed(11, 11, "Remembrance Day");
    list.fixed(12, 25, "Christmas Day");
}

/// The days that are holidays in every German Land. Regional ones (Epiphany, Corpus Christi,
/// Reformation Day, ...) are left out: a registrar's Land is rarely known.
fn germany(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(-2, "Good Friday");
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    if list.year >= 1990 {
        list.fixed(10, 3, "German Unity Day");
    }
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "Second Day of Christmas");
    list.one_offs(&[((2017, 10, 31), "Reformation Day (500th anniversary)")]);
}

/// King's Day (from 2014) or Queen's Day (before) moves to the Saturday before when it falls on a
/// Sunday; Liberation Day is a day off every fifth year.
fn netherlands(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(1, "Easter Monday");
    let (day, name) = if list.year >= 2014 {
        (27, "King's Day")
    } else {
        (30, "Queen's Day")
    };
    if list.date(4, day).map(|d| d.weekday()) == Some(Weekday::Sun) {
        list.fixed(4, day - 1, name);
    } else {
        list.fixed(4, day, name);
    }
    if list.year % 5 == 0 {
        list.fixed(5, 5, "Liberation Day");
    }
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "Second Day of Christmas");
}

/// Arrêté royal du 18 avril 1974, art. 1: the ten legal holidays.
fn belgium(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(7, 21, "Belgian National Day");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(11, 11, "Armistice Day");
    list.fixed(12, 25, "Christmas Day");
}

/// Legge 260/1949 art. 2, as amended.
fn italy(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.fixed(1, 6, "Epiphany");
    list.easter(1, "Easter Monday");
    list.fixed(4, 25, "Liberation Day");
    list.fixed(5, 1, "Labour Day");
    list.fixed(6, 2, "Republic Day");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(12, 8, "Immaculate Conception");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "St. Stephen's Day");
}

/// The national holidays of Spain. Regions add their own and may move a national one that falls
/// on a Sunday to the Monday; neither is modelled.
fn spain(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.fixed(1, 6, "Epiphany");
    list.easter(-2, "Good Friday");
    list.fixed(5, 1, "Labour Day");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(10, 12, "National Day of Spain");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(12, 6, "Constitution Day");
    list.fixed(12, 8, "Immaculate Conception");
    list.fixed(12, 25, "Christmas Day");
}

/// Organisation of Working Time Act 1997, Schedule 2. St Brigid's Day (from 2023) is the first
/// Monday of February, or 1 February when that is a Friday.
fn ireland(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    if list.year >= 2023 {
        if list.date(2, 1).map(|d| d.weekday()) == Some(Weekday::Fri) {
            list.fixed(2, 1, "St Brigid's Day");
        } else {
            list.nth(1, Weekday::Mon, 2, "St Brigid's Day");
        }
    }
    list.fixed(3, 17, "St Patrick's Day");
    list.easter(1, "Easter Monday");
    list.nth(1, Weekday::Mon, 5, "May bank holiday");
    list.nth(1, Weekday::Mon, 6, "June bank holiday");
    list.nth(1, Weekday::Mon, 8, "August bank holiday");
    list.last(Weekday::Mon, 10, "October bank holiday");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "St Stephen's Day");
    list.one_offs(&[((2022, 3, 18), "Day of Remembrance and Recognition")]);
}

/// Danish holidays; Great Prayer Day (fourth Friday after Easter) was abolished from 2024.
fn denmark(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(-3, "Maundy Thursday");
    list.easter(-2, "Good Friday");
    list.easter(1, "Easter Monday");
    if list.year <= 2023 {
        list.easter(26, "Great Prayer Day");
    }
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(6, 5, "Constitution Day");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "Second Day of Christmas");
}

/// Feiertagsruhegesetz 1957 § 1.
fn austria(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.fixed(1, 6, "Epiphany");
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.easter(60, "Corpus Christi");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(10, 26, "National Day");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(12, 8, "Immaculate Conception");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "St. Stephen's Day");
}

/// Luxembourg Code du travail art. L.232-2; Europe Day added from 2019.
fn luxembourg(list: &mut Holidays) {
    list.fixed(1, 1, "New Year's Day");
    list.easter(1, "Easter Monday");
    list.fixed(5, 1, "Labour Day");
    if list.year >= 2019 {
        list.fixed(5, 9, "Europe Day");
    }
    list.easter(39, "Ascension Day");
    list.easter(50, "Whit Monday");
    list.fixed(6, 23, "National Day");
    list.fixed(8, 15, "Assumption Day");
    list.fixed(11, 1, "All Saints' Day");
    list.fixed(12, 25, "Christmas Day");
    list.fixed(12, 26, "St. Stephen's Day");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("test dates are valid")
    }

    /// Only the dates of `holidays(id, year)`, to compare with a literal list.
    fn dates(id: &str, year: i32) -> Vec<NaiveDate> {
        holidays(id, year).into_iter().map(|(day, _)| day).collect()
    }

    fn ymd(list: &[(u32, u32)], year: i32) -> Vec<NaiveDate> {
        list.iter().map(|&(m, day)| d(year, m, day)).collect()
    }

    fn holiday_named(id: &str, date: NaiveDate) -> Option<&'static str> {
        holidays(id, date.year())
            .into_iter()
            .find(|(day, _)| *day == date)
            .map(|(_, name)| name)
    }

    #[test]
    fn easter_sunday_matches_the_published_tables() {
        // Dates of Easter Sunday (Western churches), as tabulated by the US Naval Observatory and
        // in "List of dates for Easter"; cross-checked with python-dateutil's `easter()`.
        let cases = [
            (1818, 3, 22), // earliest possible date
            (1943, 4, 25), // latest possible date
            (1995, 4, 16),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2021, 4, 4),
            (2022, 4, 17),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (year, month, day) in cases {
            assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
        }
        // Before the Gregorian calendar, and past chrono's range: no answer, no panic.
        assert_eq!(easter_sunday(1582), None);
        assert_eq!(easter_sunday(-44), None);
        assert_eq!(easter_sunday(i32::MAX), None);
        assert!(holidays("FR", i32::MAX).is_empty());
        assert!(holidays("US-FED", i32::MIN).is_empty());
    }

    // The 2026 and 2027 lists below were worked out by hand from a printed calendar (1 January
    // 2026 is a Thursday; Easter 5 April 2026 and 28 March 2027, so Good Friday 3 Apr / 26 Mar,
    // Easter Monday 6 Apr / 29 Mar, Ascension 14 May / 6 May, Whit Monday 25 May / 17 May).

    #[test]
    fn france_2026_and_2027() {
        // Code du travail art. L3133-1.
        let y2026 = [
            (1, 1),
            (4, 6),
            (5, 1),
            (5, 8),
            (5, 14),
            (5, 25),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ];
        assert_eq!(dates("FR", 2026), ymd(&y2026, 2026));
        let y2027 = [
            (1, 1),
            (3, 29),
            (5, 1),
            (5, 6),
            (5, 8),
            (5, 17),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ];
        assert_eq!(dates("FR", 2027), ymd(&y2027, 2027));
    }

    #[test]
    fn geneva_2026_and_2027() {
        // rsGE J 1 45 art. 1. Jeûne genevois: first Sunday of September 2026 is the 6th, so
        // Thursday 10 September; in 2027 the 5th, so Thursday 9 September.
        let y2026 = [
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 14),
            (5, 25),
            (8, 1),
            (9, 10),
            (12, 25),
            (12, 31),
        ];
        assert_eq!(dates("CH-GE", 2026), ymd(&y2026, 2026));
        assert_eq!(
            holiday_named("CH-GE", d(2026, 9, 10)),
            Some("Jeûne genevois")
        );
        let y2027 = [
            (1, 1),
            (3, 26),
            (3, 29),
            (5, 6),
            (5, 17),
            (8, 1),
            (9, 9),
            (12, 25),
            (12, 31),
        ];
        assert_eq!(dates("CH-GE", 2027), ymd(&y2027, 2027));
        // First Sunday of September on the 1st (2024): Thursday 5 September.
        assert!(dates("CH-GE", 2024).contains(&d(2024, 9, 5)));
    }

    #[test]
    fn us_federal_2026_and_2027() {
        // 5 U.S.C. 6103(a) and (b), EO 11582. 2026: MLK 19 Jan, Washington 16 Feb, Memorial
        // 25 May, 4 July a Saturday so Friday 3 July, Labor 7 Sep, Columbus 12 Oct, Thanksgiving
        // 26 Nov (OPM's 2026 list gives the same days).
        let y2026 = [
            (1, 1),
            (1, 19),
            (2, 16),
            (5, 25),
            (6, 19),
            (7, 3),
            (9, 7),
            (10, 12),
            (11, 11),
            (11, 26),
            (12, 25),
        ];
        assert_eq!(dates("US-FED", 2026), ymd(&y2026, 2026));
        // 2027: 19 June a Saturday (Friday 18), 4 July a Sunday (Monday 5), 25 December a
        // Saturday (Friday 24), and 1 January 2028 a Saturday (Friday 31 December 2027).
        let y2027 = [
            (1, 1),
            (1, 18),
            (2, 15),
            (5, 31),
            (6, 18),
            (7, 5),
            (9, 6),
            (10, 11),
            (11, 11),
            (11, 25),
            (12, 24),
            (12, 31),
        ];
        assert_eq!(dates("US-FED", 2027), ymd(&y2027, 2027));
        assert_eq!(
            holiday_named("US-FED", d(2027, 12, 31)),
            Some("New Year's Day (observed)")
        );
        // 2028 therefore has no New Year's Day of its own.
        assert_eq!(dates("US-FED", 2028).first(), Some(&d(2028, 1, 17)));
    }

    #[test]
    fn england_and_wales_2026_and_2027() {
        // BFDA 1971 Schedule 1; gov.uk/bank-holidays lists the same 2026 days. 2026: early May
        // 4 May, spring 25 May, summer 31 Aug, 26 December a Saturday so Monday 28.
        let y2026 = [
            (1, 1),
            (4, 3),
            (4, 6),
            (5, 4),
            (5, 25),
            (8, 31),
            (12, 25),
            (12, 28),
        ];
        assert_eq!(dates("GB-EAW", 2026), ymd(&y2026, 2026));
        assert_eq!(
            holiday_named("GB-EAW", d(2026, 12, 28)),
            Some("Boxing Day (substitute day)")
        );
        // 2027: early May 3 May, spring 31 May, summer 30 Aug, Christmas a Saturday so 27 and 28.
        let y2027 = [
            (1, 1),
            (3, 26),
            (3, 29),
            (5, 3),
            (5, 31),
            (8, 30),
            (12, 27),
            (12, 28),
        ];
        assert_eq!(dates("GB-EAW", 2027), ymd(&y2027, 2027));
    }

    #[test]
    fn czech_republic_2026_and_2027() {
        // Act No. 245/2000 Coll., s. 1 and s. 2 (Good Friday since 2016).
        let list = [
            (1, 1),
            (0, 0), // Good Friday
            (0, 1), // Easter Monday
            (5, 1),
            (5, 8),
            (7, 5),
            (7, 6),
            (9, 28),
            (10, 28),
            (11, 17),
            (12, 24),
            (12, 25),
            (12, 26),
        ];
        for (year, good_friday, easter_monday) in [(2026, (4, 3), (4, 6)), (2027, (3, 26), (3, 29))]
        {
            let expected: Vec<(u32, u32)> = list
                .iter()
                .map(|&md| match md {
                    (0, 0) => good_friday,
                    (0, 1) => easter_monday,
                    other => other,
                })
                .collect();
            assert_eq!(dates("CZ", year), ymd(&expected, year), "{year}");
        }
        // No Good Friday before 2016 (Easter 2015: 5 April, so Good Friday 3 April).
        assert!(!dates("CZ", 2015).contains(&d(2015, 4, 3)));
        assert!(dates("CZ", 2016).contains(&d(2016, 3, 25)));
    }

    #[test]
    fn canada_2026_and_2027() {
        // Canada Labour Code s. 166; Holidays Act s. 2-3. Victoria Day: 25 May 2026 is a Monday,
        // so the Monday preceding it is 18 May; 25 May 2027 a Tuesday, so 24 May.
        let y2026 = [
            (1, 1),
            (4, 3),
            (5, 18),
            (7, 1),
            (9, 7),
            (9, 30),
            (10, 12),
            (11, 11),
            (12, 25),
            (12, 26),
        ];
        assert_eq!(dates("CA", 2026), ymd(&y2026, 2026));
        let y2027 = [
            (1, 1),
            (3, 26),
            (5, 24),
            (7, 1),
            (9, 6),
            (9, 30),
            (10, 11),
            (11, 11),
            (12, 25),
            (12, 26),
        ];
        assert_eq!(dates("CA", 2027), ymd(&y2027, 2027));
    }

    #[test]
    fn observed_and_substitute_days() {
        // (calendar, date, expected name, source). Weekdays checked on a printed calendar.
        let cases = [
            // 1 Jan 2022 a Saturday: observed Friday 31 Dec 2021 (EO 11582).
            ("US-FED", d(2021, 12, 31), "New Year's Day (observed)"),
            // 1 Jan 2023 a Sunday: observed Monday 2 Jan (5 U.S.C. 6103(b)).
            ("US-FED", d(2023, 1, 2), "New Year's Day (observed)"),
            // 4 Jul 2026 a Saturday.
            ("US-FED", d(2026, 7, 3), "Independence Day (observed)"),
            // 19 Jun 2021 a Saturday: first Juneteenth observed Friday 18 June.
            (
                "US-FED",
                d(2021, 6, 18),
                "Juneteenth National Independence Day (observed)",
            ),
            // BFDA 1971 Sch. 1: Christmas 2021 on Saturday, substitutes 27 and 28.
            ("GB-EAW", d(2021, 12, 27), "Christmas Day (substitute day)"),
            ("GB-EAW", d(2021, 12, 28), "Boxing Day (substitute day)"),
            // Christmas 2022 on Sunday: Boxing Day Monday 26, Christmas substitute Tuesday 27.
            ("GB-EAW", d(2022, 12, 26), "Boxing Day"),
            ("GB-EAW", d(2022, 12, 27), "Christmas Day (substitute day)"),
            // 1 Jan 2022 a Saturday: Monday 3 Jan.
            ("GB-EAW", d(2022, 1, 3), "New Year's Day (substitute day)"),
            // Royal proclamations (gov.uk/bank-holidays).
            (
                "GB-EAW",
                d(2022, 9, 19),
                "State Funeral of Queen Elizabeth II",
            ),
            ("GB-EAW", d(2023, 5, 8), "Coronation of King Charles III"),
            ("GB-EAW", d(2022, 6, 2), "Spring bank holiday"),
            ("GB-EAW", d(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
            ("GB-EAW", d(2020, 5, 8), "Early May bank holiday (VE day)"),
            ("GB-EAW", d(1995, 5, 8), "Early May bank holiday (VE day)"),
            ("GB-EAW", d(2012, 6, 4), "Spring bank holiday"),
            ("GB-EAW", d(2012, 6, 5), "Diamond Jubilee of Elizabeth II"),
            ("GB-EAW", d(2002, 6, 3), "Golden Jubilee of Elizabeth II"),
            ("GB-EAW", d(2002, 6, 4), "Spring bank holiday"),
            (
                "GB-EAW",
                d(2011, 4, 29),
                "Wedding of Prince William and Catherine Middleton",
            ),
            // Holidays Act s. 2(2): 1 Jul 2029 a Sunday, Canada Day is Monday 2 July.
            ("CA", d(2029, 7, 2), "Canada Day"),
            ("CA-BC", d(2029, 7, 2), "Canada Day"),
        ];
        for (id, date, name) in cases {
            assert_eq!(holiday_named(id, date), Some(name), "{id} {date}");
            assert!(!is_business_day(id, date, &[]), "{id} {date}");
        }
        // The usual days those moved ones replace are ordinary working days.
        let working = [
            ("GB-EAW", d(2022, 5, 30)),  // last Monday of May 2022
            ("GB-EAW", d(2020, 5, 4)),   // first Monday of May 2020
            ("GB-EAW", d(2012, 5, 28)),  // last Monday of May 2012
            ("US-FED", d(2022, 12, 30)), // 1 Jan 2023 is a Sunday, not a Saturday
        ];
        for (id, date) in working {
            assert!(is_business_day(id, date, &[]), "{id} {date}");
        }
        // The weekend date itself is not listed twice.
        assert_eq!(holiday_named("US-FED", d(2026, 7, 4)), None);
        assert_eq!(holiday_named("CA", d(2029, 7, 1)), None);
        // 2022 has no New Year's Day of its own in US-FED: it was observed in 2021.
        assert_eq!(dates("US-FED", 2022).first(), Some(&d(2022, 1, 17)));
    }

    #[test]
    fn other_calendars_by_rule() {
        // (calendar, date, holiday?). Weekdays and Easter dates checked on a printed calendar.
        let cases = [
            // DE: Einigungsvertrag art. 2(2); one-off Reformation Day 2017 in every Land.
            ("DE", d(2026, 10, 3), true),
            ("DE", d(2017, 10, 31), true),
            ("DE", d(2018, 10, 31), false),
            ("DE", d(2026, 1, 6), false), // Epiphany is regional only
            // NL: King's Day 27 Apr 2025 a Sunday, so Saturday 26; Queen's Day 30 Apr 2006 a
            // Sunday, so 29; Liberation Day only in lustrum years.
            ("NL", d(2026, 4, 27), true),
            ("NL", d(2025, 4, 26), true),
            ("NL", d(2025, 4, 27), false),
            ("NL", d(2013, 4, 30), true),
            ("NL", d(2006, 4, 29), true),
            ("NL", d(2025, 5, 5), true),
            ("NL", d(2026, 5, 5), false),
            // BE: AR 18 April 1974 art. 1.
            ("BE", d(2026, 7, 21), true),
            ("BE", d(2026, 11, 11), true),
            ("BE", d(2026, 12, 26), false),
            // IT: L. 260/1949 art. 2.
            ("IT", d(2026, 4, 25), true),
            ("IT", d(2026, 6, 2), true),
            ("IT", d(2026, 12, 8), true),
            // ES: RD 2001/1983 art. 45.
            ("ES", d(2026, 4, 3), true),
            ("ES", d(2026, 10, 12), true),
            ("ES", d(2026, 12, 6), true),
            ("ES", d(2026, 4, 6), false), // Easter Monday is regional only
            // IE: OWTA 1997 Sch. 2. St Brigid's Day: 1 Feb 2026 a Sunday, so Monday 2 Feb;
            // 1 Feb 2030 a Friday, so that day; none before 2023. 18 Mar 2022 one-off.
            ("IE", d(2026, 2, 2), true),
            ("IE", d(2030, 2, 1), true),
            ("IE", d(2030, 2, 4), false),
            ("IE", d(2022, 2, 7), false),
            ("IE", d(2022, 3, 18), true),
            ("IE", d(2026, 10, 26), true),
            // DK: Great Prayer Day 2023 = Easter 9 April + 26 = 5 May; abolished from 2024.
            ("DK", d(2023, 5, 5), true),
            ("DK", d(2024, 4, 26), false),
            ("DK", d(2026, 4, 2), true), // Maundy Thursday
            ("DK", d(2026, 6, 5), true),
            // AT: Feiertagsruhegesetz § 1; Corpus Christi 2026 = Easter + 60 = 4 June.
            ("AT", d(2026, 6, 4), true),
            ("AT", d(2026, 10, 26), true),
            // LU: Code du travail L.232-2; Europe Day from 2019.
            ("LU", d(2026, 5, 9), true),
            ("LU", d(2018, 5, 9), false),
            ("LU", d(2026, 6, 23), true),
            // CA-BC: ESA s. 1. Family Day 2nd Monday of Feb 2013-2018, 3rd from 2019; B.C. Day;
            // NDTR from 2023 only; no Boxing Day.
            ("CA-BC", d(2018, 2, 12), true),
            ("CA-BC", d(2019, 2, 18), true),
            ("CA-BC", d(2019, 2, 11), false),
            ("CA-BC", d(2012, 2, 13), false),
            ("CA-BC", d(2026, 8, 3), true),
            ("CA-BC", d(2023, 9, 30), true),
            ("CA-BC", d(2022, 9, 30), false),
            ("CA-BC", d(2026, 12, 26), false),
            // CA: NDTR from 2021 (S.C. 2021, c. 11).
            ("CA", d(2021, 9, 30), true),
            ("CA", d(2020, 9, 30), false),
        ];
        for (id, date, expected) in cases {
            assert_eq!(
                holiday_named(id, date).is_some(),
                expected,
                "{id} {date}: holiday?"
            );
        }
        // Two holidays on one day are both listed: Easter Monday 2011 was 25 April, Italy's
        // Liberation Day; Ascension 2008 fell on 1 May.
        let italy_2011 = holidays("IT", 2011);
        assert_eq!(
            italy_2011
                .iter()
                .filter(|(day, _)| *day == d(2011, 4, 25))
                .count(),
            2
        );
        assert_eq!(
            holidays("FR", 2008)
                .iter()
                .filter(|(day, _)| *day == d(2008, 5, 1))
                .count(),
            2
        );
    }

    #[test]
    fn every_list_is_sorted_and_inside_its_year() {
        for calendar in CALENDARS {
            for year in 1990..=2060 {
                let list = holidays(calendar.id, year);
                assert!(
                    list.windows(2).all(|w| w[0].0 <= w[1].0),
                    "{} {year}",
                    calendar.id
                );
                assert!(
                    list.iter().all(|(day, _)| day.year() == year),
                    "{} {year}",
                    calendar.id
                );
                if calendar.id == "WEEKENDS" {
                    assert!(list.is_empty());
                } else {
                    // NL has 7 in a year without Liberation Day.
                    assert!(list.len() >= 7, "{} {year}", calendar.id);
                }
            }
        }
    }

    #[test]
    fn calendars_and_countries() {
        let mut ids: Vec<&str> = CALENDARS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CALENDARS.len(), "ids are unique");
        for calendar in CALENDARS {
            assert!(
                !calendar.source.is_empty(),
                "{} cites its source",
                calendar.id
            );
            assert!(!calendar.name.is_empty());
            assert_eq!(calendar_info(calendar.id), Some(calendar));
        }
        assert_eq!(calendar_info("ch-ge").map(|c| c.id), Some("CH-GE"));
        assert_eq!(calendar_info(" us-fed ").map(|c| c.id), Some("US-FED"));
        assert_eq!(calendar_info("XX"), None);
        assert_eq!(calendar_info(""), None);

        // docs/legal.md §6.1: provider seats WIPO = CH-GE, Forum = US-FED, CAC = CZ,
        // Afnic = FR, Nominet = GB-EAW.
        let countries = [
            ("us", Some("US-FED")),
            ("GB", Some("GB-EAW")),
            ("uk", Some("GB-EAW")),
            ("CH", Some("CH-GE")),
            ("FR", Some("FR")),
            ("RE", Some("FR")),
            ("GP", Some("FR")),
            ("MQ", Some("FR")),
            ("GF", Some("FR")),
            ("YT", Some("FR")),
            ("PM", Some("FR")),
            ("WF", Some("FR")),
            ("PF", Some("FR")),
            ("NC", Some("FR")),
            ("TF", Some("FR")),
            ("CZ", Some("CZ")),
            ("CA", Some("CA")),
            ("DE", Some("DE")),
            ("NL", Some("NL")),
            ("BE", Some("BE")),
            ("IT", Some("IT")),
            ("ES", Some("ES")),
            ("IE", Some("IE")),
            ("DK", Some("DK")),
            ("AT", Some("AT")),
            ("LU", Some("LU")),
            (" de ", Some("DE")),
            ("JP", None),
            ("", None),
            ("USA", None),
        ];
        for (code, expected) in countries {
            assert_eq!(calendar_for_country(code), expected, "{code:?}");
            if let Some(id) = expected {
                assert!(calendar_info(id).is_some(), "{id} exists");
            }
        }
    }

    #[test]
    fn add_business_days_cases() {
        // Each expected date counted by hand on a printed 2021-2028 calendar; `from` is not
        // counted (docs/legal.md §6.1, bus(d, n, C)).
        let cases = [
            // FR (L3133-1): Fri 10 Jul 2026; Sat, Sun off, Mon 13 = 1, Tue 14 holiday, Wed 15 = 2.
            ("FR", d(2026, 7, 10), 2, d(2026, 7, 15)),
            // FR month end: Thu 30 Apr 2026; Fri 1 May holiday, weekend, Mon 4 May = 1.
            ("FR", d(2026, 4, 30), 1, d(2026, 5, 4)),
            // FR: Wed 13 May 2026; Thu 14 Ascension, Fri 15 = 1, weekend, Mon 18 = 2.
            ("FR", d(2026, 5, 13), 2, d(2026, 5, 18)),
            // US-FED (6103): Wed 25 Nov 2026; Thu 26 Thanksgiving, Fri 27 = 1, Mon 30 = 2.
            ("US-FED", d(2026, 11, 25), 2, d(2026, 11, 30)),
            // US-FED year end: Thu 24 Dec 2026; Fri 25 Christmas, weekend, Mon 28 = 1.
            ("US-FED", d(2026, 12, 24), 1, d(2026, 12, 28)),
            // US-FED: Thu 30 Dec 2027; Fri 31 = New Year 2028 observed, weekend, Mon 3 Jan = 1.
            ("US-FED", d(2027, 12, 30), 1, d(2028, 1, 3)),
            // GB-EAW (BFDA 1971): Wed 23 Dec 2026; Thu 24 = 1, Fri 25 Christmas, weekend,
            // Mon 28 Boxing Day substitute, Tue 29 = 2, Wed 30 = 3.
            ("GB-EAW", d(2026, 12, 23), 2, d(2026, 12, 29)),
            ("GB-EAW", d(2026, 12, 23), 3, d(2026, 12, 30)),
            // GB-EAW: Fri 24 Dec 2021; weekend, Mon 27 and Tue 28 substitutes, Wed 29 = 1.
            ("GB-EAW", d(2021, 12, 24), 1, d(2021, 12, 29)),
            // GB-EAW: Fri 31 Dec 2021; weekend, Mon 3 Jan 2022 substitute, Tue 4 = 1.
            ("GB-EAW", d(2021, 12, 31), 1, d(2022, 1, 4)),
            // CH-GE (J 1 45): Wed 30 Dec 2026; Thu 31 Restauration, Fri 1 Jan, weekend, Mon 4 = 1.
            ("CH-GE", d(2026, 12, 30), 1, d(2027, 1, 4)),
            // CZ (245/2000): Wed 23 Dec 2026; Thu 24, Fri 25 holidays, weekend, Mon 28 = 1.
            ("CZ", d(2026, 12, 23), 1, d(2026, 12, 28)),
            // CA (CLC s. 166): Fri 26 Jun 2026; Mon 29 = 1, Tue 30 = 2, Wed 1 Jul Canada Day,
            // Thu 2 = 3.
            ("CA", d(2026, 6, 26), 3, d(2026, 7, 2)),
            // UDRP Policy 4(k)-style 10 business days, FR: Mon 4 May 2026; Tue 5 = 1, Wed 6 = 2,
            // Thu 7 = 3, Fri 8 holiday, Mon 11 = 4, Tue 12 = 5, Wed 13 = 6, Thu 14 Ascension,
            // Fri 15 = 7, Mon 18 = 8, Tue 19 = 9, Wed 20 = 10.
            ("FR", d(2026, 5, 4), 10, d(2026, 5, 20)),
            // WEEKENDS: Thu 24 Dec 2026 + 1 = Fri 25 (no holidays at all).
            ("WEEKENDS", d(2026, 12, 24), 1, d(2026, 12, 25)),
            // n = 0 returns `from`, even on a Saturday.
            ("FR", d(2026, 7, 11), 0, d(2026, 7, 11)),
            ("US-FED", d(2026, 11, 26), 0, d(2026, 11, 26)),
        ];
        for (id, from, n, expected) in cases {
            assert_eq!(
                add_business_days(id, from, n, &[]),
                expected,
                "{id} {from} + {n}"
            );
        }
    }

    #[test]
    fn firm_closures_move_the_result() {
        // FR: Mon 2 Mar 2026 + 3 = Thu 5 Mar; with the firm closed on Wed 4 Mar: Tue 3 = 1,
        // Thu 5 = 2, Fri 6 = 3.
        assert_eq!(
            add_business_days("FR", d(2026, 3, 2), 3, &[]),
            d(2026, 3, 5)
        );
        let closed = [d(2026, 3, 4)];
        assert_eq!(
            add_business_days("FR", d(2026, 3, 2), 3, &closed),
            d(2026, 3, 6)
        );
        // Closed from Thu 24 to Thu 31 Dec 2026 (US-FED): Wed 23 + 1 = Fri 1 Jan 2027 is New
        // Year's Day, so Mon 4 Jan 2027.
        let holidays_off: Vec<NaiveDate> = (24..=31).map(|day| d(2026, 12, day)).collect();
        assert_eq!(
            add_business_days("US-FED", d(2026, 12, 23), 1, &holidays_off),
            d(2027, 1, 4)
        );
        assert!(!is_business_day("FR", d(2026, 3, 4), &closed));
        assert!(is_business_day("FR", d(2026, 3, 4), &[]));
    }

    #[test]
    fn roll_forward_cases() {
        // CPC art. 642: a period ending on a Saturday, Sunday or holiday runs to the next working
        // day. Dates checked on a printed 2026 calendar.
        let cases = [
            // Saturday 11 Jul 2026 → Monday 13.
            ("FR", d(2026, 7, 11), d(2026, 7, 13)),
            // Sunday 12 Jul 2026 → Monday 13.
            ("FR", d(2026, 7, 12), d(2026, 7, 13)),
            // Tuesday 14 Jul 2026 (National Day) → Wednesday 15.
            ("FR", d(2026, 7, 14), d(2026, 7, 15)),
            // Friday 8 May 2026 (holiday), then the weekend → Monday 11.
            ("FR", d(2026, 5, 8), d(2026, 5, 11)),
            // Friday 25 Dec 2026 then the weekend → Monday 28 (26 Dec is not a holiday in FR).
            ("FR", d(2026, 12, 25), d(2026, 12, 28)),
            // A business day stays: Wednesday 15 Jul 2026.
            ("FR", d(2026, 7, 15), d(2026, 7, 15)),
            // Forum REDRP 1(j), US-FED: Saturday 4 Jul 2026 (observed Fri 3) → Monday 6.
            ("US-FED", d(2026, 7, 4), d(2026, 7, 6)),
            // GB-EAW: Friday 25 Dec 2026, weekend, Mon 28 substitute → Tuesday 29.
            ("GB-EAW", d(2026, 12, 25), d(2026, 12, 29)),
            // CH-GE: Thursday 31 Dec 2026, Fri 1 Jan, weekend → Monday 4 Jan 2027.
            ("CH-GE", d(2026, 12, 31), d(2027, 1, 4)),
            // An unknown calendar only skips the weekend: Friday 25 Dec 2026 stays.
            ("XX", d(2026, 12, 25), d(2026, 12, 25)),
            ("XX", d(2026, 12, 26), d(2026, 12, 28)),
        ];
        for (id, date, expected) in cases {
            assert_eq!(roll_forward(id, date, &[]), expected, "{id} {date}");
        }
        // A closure on Monday 13 Jul 2026, then the 14 Jul holiday → Wednesday 15.
        assert_eq!(
            roll_forward("FR", d(2026, 7, 11), &[d(2026, 7, 13)]),
            d(2026, 7, 15)
        );
    }

    #[test]
    fn add_months_cases() {
        // CPC art. 641: same day-number, or the last day of the month when there is none.
        let cases = [
            (d(2026, 1, 31), 1, d(2026, 2, 28)),
            (d(2028, 1, 31), 1, d(2028, 2, 29)), // 2028 is a leap year
            (d(2026, 8, 31), 1, d(2026, 9, 30)),
            (d(2026, 11, 15), 2, d(2027, 1, 15)),
            (d(2026, 3, 31), 1, d(2026, 4, 30)),
            (d(2024, 2, 29), 12, d(2025, 2, 28)),
            (d(2026, 1, 31), 13, d(2027, 2, 28)),
            (d(2026, 5, 19), 0, d(2026, 5, 19)),
        ];
        for (date, n, expected) in cases {
            assert_eq!(add_months(date, n), expected, "{date} + {n} months");
        }
        // Past chrono's range: saturates, no panic.
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
    }

    #[test]
    fn weekends_are_never_business_days() {
        // Saturday 7 and Sunday 8 March 2026; Wednesday 11 March 2026 is no holiday anywhere.
        let mut ids: Vec<&str> = CALENDARS.iter().map(|c| c.id).collect();
        ids.push("XX");
        ids.push("");
        for id in ids {
            assert!(!is_business_day(id, d(2026, 3, 7), &[]), "{id} Saturday");
            assert!(!is_business_day(id, d(2026, 3, 8), &[]), "{id} Sunday");
            assert!(is_business_day(id, d(2026, 3, 11), &[]), "{id} Wednesday");
        }
    }

    #[test]
    fn unknown_calendar_behaves_like_weekends() {
        // Documented fallback: no holidays, no calendar info, but weekends still off.
        assert!(holidays("XX", 2026).is_empty());
        assert_eq!(calendar_info("XX"), None);
        for date in [d(2026, 12, 25), d(2026, 1, 1), d(2026, 7, 14)] {
            assert_eq!(
                is_business_day("XX", date, &[]),
                is_business_day("WEEKENDS", date, &[]),
                "{date}"
            );
            assert!(is_business_day("XX", date, &[]), "{date}");
        }
        assert_eq!(
            add_business_days("XX", d(2026, 12, 24), 3, &[]),
            add_business_days("WEEKENDS", d(2026, 12, 24), 3, &[])
        );
        assert_eq!(
            add_business_days("XX", d(2026, 12, 24), 3, &[]),
            d(2026, 12, 29)
        );
    }

    #[test]
    fn the_end_of_time_does_not_panic() {
        assert_eq!(
            add_business_days("FR", NaiveDate::MAX, 5, &[]),
            NaiveDate::MAX
        );
        let _ = roll_forward("US-FED", NaiveDate::MAX, &[]);
        let _ = is_business_day("GB-EAW", NaiveDate::MIN, &[]);
        let _ = holidays("US-FED", NaiveDate::MAX.year());
        let _ = holidays("GB-EAW", NaiveDate::MIN.year());
    }
}
