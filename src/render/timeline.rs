//! Render stage, the timeline's pages: the months each lists, the years' counts, and the
//! chart of articles per year (stacked by kind), worked out here so that the theme only
//! draws it.

use std::collections::BTreeMap;

use super::context::{Bar, Chart, KindCount, MonthGroup, Segment, TimelinePage, YearSummary};
use super::pages::Pages;
use crate::content::{Date, Kind};
use crate::site::timeline::{Month, Year};

/// The chart's geometry, in its own units: bars and the gaps between them, the tallest
/// bar, the room above it (for its count) and below the baseline (for the years).
const BAR: u32 = 28;
const GAP: u32 = 18;
const TALLEST: f32 = 120.0;
const ABOVE: u32 = 20;
const BELOW: u32 = 24;

impl<'a> Pages<'a> {
    /// `/timeline/` (`year` None) or the page of one year.
    pub fn timeline(&self, year: Option<i32>) -> TimelinePage<'a> {
        let site = self.views.site;
        let kinds = self.kinds();
        let years: Vec<YearSummary> = (site.timeline.iter())
            .map(|y| self.year(y, &kinds))
            .collect();
        let shown: Vec<&Year> = (site.timeline.iter())
            .filter(|y| year.is_none_or(|n| n == y.year))
            .collect();
        let months = (shown.iter())
            .flat_map(|y| y.months.iter().map(|m| self.month(y.year, m)))
            .collect();
        TimelinePage {
            chart: chart(&years, kinds),
            year: year.and_then(|n| years.iter().find(|y| y.year == n).cloned()),
            count: shown.iter().map(|y| y.count()).sum(),
            years,
            months,
        }
    }

    /// The kinds on the timeline, in the order of kinds, with how many of each.
    fn kinds(&self) -> Vec<KindCount<'a>> {
        let site = self.views.site;
        let mut kinds: BTreeMap<&'a Kind, usize> = BTreeMap::new();
        for i in site.timeline_pages() {
            *kinds.entry(&site.pages[i].kind).or_default() += 1;
        }
        (kinds.into_iter())
            .map(|(kind, count)| KindCount {
                kind,
                label: self.views.kind_label(kind),
                count,
            })
            .collect()
    }

    fn year(&self, y: &Year, kinds: &[KindCount]) -> YearSummary {
        let site = self.views.site;
        let mut counts = vec![0; kinds.len()];
        for i in y.pages() {
            let kind = &site.pages[i].kind;
            if let Some(k) = kinds.iter().position(|k| k.kind == kind) {
                counts[k] += 1;
            }
        }
        YearSummary {
            year: y.year,
            url: self.views.config.base_url.url(&y.path()),
            count: y.count(),
            counts,
        }
    }

    fn month(&self, year: i32, m: &Month) -> MonthGroup {
        let date = Date::of_month(year, m.month).expect("the month of a date");
        MonthGroup {
            year,
            month: m.month,
            label: self.views.strings.date(&date),
            key: date.iso(),
            pages: m.pages.iter().map(|&i| self.refs[i].clone()).collect(),
        }
    }
}

/// Bars for every year from the oldest to the newest (a year without articles has an empty
/// bar, so the axis keeps time), each as tall as its count against the largest year's, its
/// kinds stacked from the bottom in the order of `kinds`.
fn chart<'a>(years: &[YearSummary], kinds: Vec<KindCount<'a>>) -> Chart<'a> {
    let most = years.iter().map(|y| y.count).max().unwrap_or(1).max(1) as f32;
    let base = ABOVE + TALLEST as u32;
    // `years` is newest first; a site with a timeline has at least one.
    let newest = years.first().map_or(0, |y| y.year);
    let oldest = years.last().map_or(newest, |y| y.year);
    let span = oldest..=newest;
    let bars: Vec<Bar> = (span.enumerate())
        .map(|(n, year)| {
            let x = GAP + n as u32 * (BAR + GAP);
            let summary = years.iter().find(|y| y.year == year);
            let counts = summary.map_or(&[][..], |y| &y.counts[..]);
            let mut top = base as f32;
            let segments = (kinds.iter().zip(counts))
                .filter(|(_, &count)| count > 0)
                .map(|(k, &count)| {
                    let height = count as f32 / most * TALLEST;
                    top -= height;
                    Segment {
                        kind: k.kind.key().to_string(),
                        count,
                        y: top,
                        height,
                    }
                })
                .collect();
            Bar {
                year,
                url: summary.map(|y| y.url.clone()),
                count: summary.map_or(0, |y| y.count),
                x,
                label_x: x + BAR / 2,
                top,
                segments,
            }
        })
        .collect();
    Chart {
        width: GAP + bars.len() as u32 * (BAR + GAP),
        height: base + BELOW,
        base,
        bar_width: BAR,
        bars,
        kinds,
    }
}
