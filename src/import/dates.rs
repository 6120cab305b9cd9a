//! Dates as other tools and plain files write them, made into tradekb's: a day, or a day
//! and time with its offset. A time without an offset keeps only its day (which zone was
//! meant?), and the caller reports it.

use chrono::NaiveDate;

use crate::content::Date;

/// A date read from another tool's front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub date: Date,
    /// Set when only the day was kept, saying why.
    pub changed: Option<String>,
}

/// `text` as tradekb writes a date, or why it cannot be one. A time without an offset is
/// read in `zone` (the source site's time zone, `+08:00`) when it is known.
pub fn normalise(text: &str, zone: Option<&str>) -> Result<Read, String> {
    let text = text.trim();
    let exact = match Date::parse(text) {
        Ok(date) => {
            return Ok(Read {
                date,
                changed: None,
            })
        }
        Err(reason) => reason,
    };
    let Some((day, rest)) = lenient_day(text) else {
        return Err(exact);
    };
    if let Some(zone) = zone.filter(|_| is_local_time(rest)) {
        if let Ok(date) = Date::parse(&format!("{text}{zone}")) {
            let changed = Some(format!(
                "`{text}` has no time zone: read in the site's, {zone}"
            ));
            return Ok(Read { date, changed });
        }
    }
    let why = if is_local_time(rest) {
        "has a time without a time zone"
    } else if rest.trim().is_empty() {
        "is not written YYYY-MM-DD"
    } else {
        return Err(exact);
    };
    let date = Date::of_day(day);
    let changed = Some(format!("`{text}` {why}: kept the day, {}", date.iso()));
    Ok(Read { date, changed })
}

/// The offset of a time zone the source site names (`timezone: Asia/Shanghai`), for the
/// zones without summer time that Chinese sites use; none for others (which offset a date
/// had depends on the day there).
pub fn zone_offset(name: &str) -> Option<&'static str> {
    match name.trim() {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC"
        | "Asia/Hong_Kong" | "Asia/Macau" | "Asia/Taipei" | "Asia/Singapore"
        | "Asia/Kuala_Lumpur" | "Asia/Manila" => Some("+08:00"),
        "Asia/Tokyo" | "Asia/Seoul" => Some("+09:00"),
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" => Some("+00:00"),
        _ => None,
    }
}

/// `10:00:00` or `T10:00` after a day, with no offset.
fn is_local_time(rest: &str) -> bool {
    let Some(time) = rest.strip_prefix(['T', 't', ' ']) else {
        return false;
    };
    let time = time.trim();
    time.starts_with(|c: char| c.is_ascii_digit())
        && time.contains(':')
        && time
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.'))
}

/// A day at the start of `text` (`2014-03-05`, `2014/3/5`, `2014.3.5`, `2014年3月5日`),
/// and the text after it.
pub fn lenient_day(text: &str) -> Option<(NaiveDate, &str)> {
    let (year, rest) = digits(text, 4, 4)?;
    let rest = rest.strip_prefix(['-', '/', '.', '年'])?;
    let (month, rest) = digits(rest, 1, 2)?;
    let rest = rest.strip_prefix(['-', '/', '.', '月'])?;
    let (day, rest) = digits(rest, 1, 2)?;
    let rest = rest.strip_prefix('日').unwrap_or(rest);
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    Some((date, rest))
}

/// A number of `min` to `max` ASCII digits at the start of `text`, and what follows.
fn digits(text: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = text.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((text[..n].parse().ok()?, &text[n..]))
}

/// The day a file name starts with (`2014-03-05-title`, as Jekyll, Hexo and Zola name
/// posts) or ends with (`title-20140305`, `title-2014-03-05`).
pub fn from_file_name(stem: &str) -> Option<NaiveDate> {
    if let Some((day, rest)) = lenient_day(stem) {
        if rest.is_empty() || rest.starts_with(['-', '_']) {
            return Some(day);
        }
    }
    let (_, tail) = stem.rsplit_once(['-', '_'])?;
    if tail.len() == 8 && tail.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(tail, "%Y%m%d").ok();
    }
    let at = stem.len().checked_sub(10)?;
    let tail = stem.get(at..)?;
    let before = stem[..at].chars().last();
    let (day, rest) = lenient_day(tail)?;
    (rest.is_empty() && matches!(before, Some('-' | '_'))).then_some(day)
}

/// A line among the first five of a body that gives the date (`日期：2014-03-05`,
/// `Date: 2014-03-05`, `2014年3月5日`): the day, and the line's index in the body.
pub fn from_leading_line(body: &str) -> Option<(NaiveDate, usize)> {
    body.lines()
        .take(5)
        .enumerate()
        .find_map(|(i, line)| date_line(line).map(|day| (day, i)))
}

fn date_line(line: &str) -> Option<NaiveDate> {
    let text = line.trim().trim_matches(['>', '*', '_', ' ', '\t']);
    let after_label = match text.split_once([':', '：']) {
        Some((label, rest)) if is_label(label) => rest.trim_start(),
        _ => text,
    };
    let (day, rest) = lenient_day(after_label)?;
    let rest = rest.trim_matches(['*', '_', ' ', '\t']);
    (rest.is_empty() || is_local_time(&format!(" {rest}"))).then_some(day)
}

/// A short label before a colon, such as `日期` or `Date`, without digits.
fn is_label(label: &str) -> bool {
    let label = label.trim();
    !label.is_empty() && label.chars().count() <= 12 && !label.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> (String, bool) {
        let read = normalise(text, None).unwrap_or_else(|e| panic!("{text}: {e}"));
        (read.date.iso(), read.changed.is_some())
    }

    #[test]
    fn dates_with_offsets_and_fractions_are_kept_exactly() {
        let same = |text: &str, want: &str| assert_eq!(iso(text), (want.to_string(), false));
        same("2015-01-08 10:31:58 -0400", "2015-01-08T10:31:58-04:00");
        same("2017-07-15T00:10:32Z", "2017-07-15T00:10:32+00:00");
        same(
            "2014-03-05T09:00:00.123+08:00",
            "2014-03-05T09:00:00.123+08:00",
        );
        same("1965-12-31T23:59:59-05:00", "1965-12-31T23:59:59-05:00");
        same("1949-10-01", "1949-10-01");
    }

    #[test]
    fn local_times_and_loose_days_keep_the_day_and_say_so() {
        assert_eq!(iso("2017-07-15 10:00:00"), ("2017-07-15".into(), true));
        assert_eq!(iso("2017-07-15T10:00"), ("2017-07-15".into(), true));
        assert_eq!(iso("1969-07-20 20:17:40.5"), ("1969-07-20".into(), true));
        assert_eq!(iso("2014/3/5"), ("2014-03-05".into(), true));
        assert!(normalise("2014-02-30", None).is_err());
        assert!(normalise("yesterday", None).is_err());
        assert!(normalise("2014-03-05 10:00 CST", None).is_err());
    }

    #[test]
    fn days_are_found_in_file_names() {
        let day = |s: &str| from_file_name(s).map(|d| d.to_string());
        assert_eq!(day("2014-03-05-changsha").as_deref(), Some("2014-03-05"));
        assert_eq!(day("2014-03-05").as_deref(), Some("2014-03-05"));
        assert_eq!(day("changsha-20140305").as_deref(), Some("2014-03-05"));
        assert_eq!(day("changsha_2014-03-05").as_deref(), Some("2014-03-05"));
        assert_eq!(day("changsha"), None);
        assert_eq!(day("2014-13-05-x"), None);
        assert_eq!(day("v20140305"), None);
    }

    #[test]
    fn days_are_found_on_a_leading_line() {
        let day = |s: &str| from_leading_line(s).map(|(d, i)| (d.to_string(), i));
        assert_eq!(
            day("日期：2014-03-05\n正文"),
            Some(("2014-03-05".into(), 0))
        );
        assert_eq!(
            day("\n\nDate: 2014-03-05\n"),
            Some(("2014-03-05".into(), 2))
        );
        assert_eq!(day("2014年3月5日\n"), Some(("2014-03-05".into(), 0)));
        assert_eq!(
            day("**发布时间：2014年3月5日 10:30**"),
            Some(("2014-03-05".into(), 0))
        );
        assert_eq!(day("2014年3月5日，海关总署发文……"), None);
        assert_eq!(day("a\nb\nc\nd\ne\n日期：2014-03-05"), None);
    }

    #[test]
    fn a_local_time_is_read_in_the_sites_zone_when_it_has_one() {
        let zone = zone_offset("Asia/Shanghai");
        assert_eq!(zone, Some("+08:00"));
        let read = normalise("2017-07-15 10:00:00", zone).unwrap();
        assert_eq!(read.date.iso(), "2017-07-15T10:00:00+08:00");
        assert!(read.changed.unwrap().contains("read in the site's, +08:00"));
        assert_eq!(zone_offset("Europe/Berlin"), None);
        assert_eq!(
            normalise("2017-07-15 10:00:00", None).unwrap().date.iso(),
            "2017-07-15"
        );
    }
}
