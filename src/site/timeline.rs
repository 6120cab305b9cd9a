//! Resolve stage, the timeline: every dated article of a section by the year and month of
//! its `date` (the date of the document or event it is about), newest first. Pages at the
//! content root and undated articles are not on it.

use chrono::Datelike;

use super::{Page, PageId};

/// One year of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    pub year: i32,
    /// Newest month first; only months with articles.
    pub months: Vec<Month>,
}

/// One month of a year, with its articles in the site's order (newest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    pub pages: Vec<PageId>,
}

impl Year {
    /// The site path of the year's page.
    pub fn path(&self) -> String {
        path_of(self.year)
    }

    /// How many articles the year has.
    pub fn count(&self) -> usize {
        self.months.iter().map(|m| m.pages.len()).sum()
    }

    /// The year's articles, newest first.
    pub fn pages(&self) -> impl Iterator<Item = PageId> + '_ {
        self.months.iter().flat_map(|m| m.pages.iter().copied())
    }
}

/// The site path of the timeline.
pub const PATH: &str = "timeline/";

/// The site path of year `year`'s page.
pub fn path_of(year: i32) -> String {
    format!("{PATH}{year}/")
}

/// The timeline of `pages`, which are in the site's order (newest `date` first).
pub fn years(pages: &[Page]) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    let on_it = PageId::each(pages).filter(|(_, p)| p.section.is_some());
    for (i, p) in on_it {
        let Some(date) = p.doc.meta.date else {
            continue;
        };
        let (year, month) = (date.day.year(), date.day.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                months: Vec::new(),
            });
        }
        let months = &mut years.last_mut().expect("just pushed").months;
        if months.last().is_none_or(|m| m.month != month) {
            months.push(Month {
                month,
                pages: Vec::new(),
            });
        }
        months.last_mut().expect("just pushed").pages.push(i);
    }
    years
}
