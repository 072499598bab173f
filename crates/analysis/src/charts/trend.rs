//! A question's % positive over the waves: all sites as a thick line with 95% intervals, each
//! site as a thin one labelled at its end; a figure hidden in its wave leaves a gap.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::palette::{BLUE, INK, MUTED, RULE};
use super::words::{word, Word};
use super::{heading, text_style, ticks, wrap, Chart, DrawResult};
use crate::analyse::Analysis;
use crate::groups::OVERALL;
use crate::measures::Statistic;
use crate::results::ResultRow;
use crate::trends::{EARLIER, PER_WAVE, TREND_P};

/// A figure on a line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TrendValue {
    pub estimate: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// One unit's series, a value (or a gap) per wave.
#[derive(Debug, Clone)]
pub(crate) struct TrendLine {
    pub label: String,
    pub values: Vec<Option<TrendValue>>,
    /// All sites: thick, with intervals.
    pub emphasis: bool,
}

/// The trend chart of one question.
#[derive(Debug, Clone)]
pub(crate) struct TrendChart {
    pub title: String,
    pub subtitle: Vec<String>,
    pub y_label: String,
    pub waves: Vec<String>,
    pub lines: Vec<TrendLine>,
}

const WIDTH: u32 = 1000;
const PLOT_HEIGHT: i32 = 420;
const LEFT: i32 = 80;
const RIGHT: i32 = 170;
const LINE: i32 = 18;
const SIZE: u32 = 14;

impl TrendChart {
    fn header(&self) -> i32 {
        16 + 2 * (LINE + 6) + self.subtitle.len() as i32 * LINE + 36
    }

    fn y_range(&self) -> (f64, f64) {
        let values = self
            .lines
            .iter()
            .flat_map(|line| line.values.iter().flatten())
            .flat_map(|value| [Some(value.estimate), value.low, value.high])
            .flatten();
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| {
            (low.min(v), high.max(v))
        });
        if !low.is_finite() {
            return (0.0, 100.0);
        }
        (
            ((low - 5.0) / 10.0).floor().max(0.0) * 10.0,
            ((high + 5.0) / 10.0).ceil().min(10.0) * 10.0,
        )
    }

    fn x(&self, wave: usize) -> i32 {
        let width = f64::from(WIDTH as i32 - LEFT - RIGHT);
        let step = width / self.waves.len().max(1) as f64;
        LEFT + (step * (wave as f64 + 0.5)).round() as i32
    }

    fn y(&self, value: f64) -> i32 {
        let (low, high) = self.y_range();
        let share = ((value - low) / (high - low)).clamp(0.0, 1.0);
        self.header() + PLOT_HEIGHT - (share * f64::from(PLOT_HEIGHT)).round() as i32
    }
}

impl Chart for TrendChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, (self.header() + PLOT_HEIGHT + 60) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        area.fill(&WHITE)?;
        heading(area, &self.title, &self.subtitle, WIDTH)?;
        let top = self.header();
        let bottom = top + PLOT_HEIGHT;
        let right = WIDTH as i32 - RIGHT;
        let (low, high) = self.y_range();
        for tick in ticks(low, high, 5) {
            let ty = self.y(tick);
            area.draw(&PathElement::new(
                vec![(LEFT, ty), (right, ty)],
                RULE.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                format!("{tick:.0}"),
                (LEFT - 8, ty),
                text_style(13, INK, HPos::Right, VPos::Center),
            ))?;
        }
        area.draw(&PathElement::new(
            vec![(LEFT, top), (LEFT, bottom), (right, bottom)],
            INK.stroke_width(1),
        ))?;
        let column = (right - LEFT) as u32 / self.waves.len().max(1) as u32;
        for (index, wave) in self.waves.iter().enumerate() {
            for (line, text) in wrap(wave, 13, column.saturating_sub(8).max(40), 2)
                .into_iter()
                .enumerate()
            {
                area.draw(&Text::new(
                    text,
                    (self.x(index), bottom + 8 + line as i32 * 16),
                    text_style(13, INK, HPos::Center, VPos::Top),
                ))?;
            }
        }
        area.draw(&Text::new(
            self.y_label.clone(),
            (16, top - 24),
            text_style(SIZE, INK, HPos::Left, VPos::Top),
        ))?;
        // Sites first, all sites on top.
        let mut order: Vec<&TrendLine> = self.lines.iter().filter(|l| !l.emphasis).collect();
        order.extend(self.lines.iter().filter(|l| l.emphasis));
        for line in order {
            let (colour, width) = if line.emphasis { (BLUE, 3) } else { (MUTED, 1) };
            let points: Vec<Option<(i32, i32)>> = line
                .values
                .iter()
                .enumerate()
                .map(|(wave, value)| value.map(|v| (self.x(wave), self.y(v.estimate))))
                .collect();
            for pair in points.windows(2) {
                if let [Some(from), Some(to)] = pair {
                    area.draw(&PathElement::new(
                        vec![*from, *to],
                        colour.stroke_width(width),
                    ))?;
                }
            }
            for (wave, value) in line.values.iter().enumerate() {
                let Some(value) = value else {
                    continue;
                };
                let x = self.x(wave);
                if line.emphasis {
                    if let (Some(l), Some(h)) = (value.low, value.high) {
                        area.draw(&PathElement::new(
                            vec![(x, self.y(l)), (x, self.y(h))],
                            colour.stroke_width(2),
                        ))?;
                    }
                }
                let radius = if line.emphasis { 5 } else { 3 };
                area.draw(&Circle::new(
                    (x, self.y(value.estimate)),
                    radius,
                    colour.filled(),
                ))?;
            }
        }
        // Labels at the right, each level with its line's last figure where room allows, with
        // a thin connector from that figure.
        let ends: Vec<(usize, (i32, i32))> = self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| {
                let (wave, last) = line
                    .values
                    .iter()
                    .enumerate()
                    .rev()
                    .find_map(|(wave, value)| value.map(|value| (wave, value)))?;
                Some((index, (self.x(wave), self.y(last.estimate))))
            })
            .collect();
        let wanted: Vec<i32> = ends.iter().map(|(_, (_, y))| *y).collect();
        for ((index, (x, y)), label_y) in ends.iter().zip(spread(&wanted, 15, top, bottom)) {
            let line = &self.lines[*index];
            let colour = if line.emphasis { BLUE } else { MUTED };
            area.draw(&PathElement::new(
                vec![(*x + 6, *y), (right + 6, label_y)],
                colour.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                line.label.clone(),
                (right + 10, label_y),
                text_style(
                    12,
                    if line.emphasis { BLUE } else { INK },
                    HPos::Left,
                    VPos::Center,
                ),
            ))?;
        }
        Ok(())
    }
}

/// Label positions near `wanted` (any order), at least `gap` apart and within `[top, bottom]`
/// where they fit: pushed down in order, then the block moved up if it ran past the bottom.
fn spread(wanted: &[i32], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|index| wanted[*index]);
    let mut placed = vec![0; wanted.len()];
    let mut previous = i32::MIN / 2;
    for index in &order {
        let y = wanted[*index].max(previous + gap);
        placed[*index] = y;
        previous = y;
    }
    let overflow = (previous - bottom).max(0);
    let mut ceiling = top;
    for index in &order {
        // Moving up never crosses the top nor the label above.
        let y = (placed[*index] - overflow).max(ceiling);
        placed[*index] = y;
        ceiling = y + gap;
    }
    placed
}

/// The items that get a trend chart: those with a trend across three waves or more.
pub(crate) fn items(analysis: &Analysis) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for row in &analysis.rows {
        if row.statistic == PER_WAVE && row.unit_kind == OVERALL && !items.contains(&row.item) {
            items.push(row.item.clone());
        }
    }
    items
}

/// The trend chart of `item`, with `title` its label in `lang`.
pub(crate) fn chart(
    analysis: &Analysis,
    item: &str,
    lang: &str,
    title: String,
) -> Option<TrendChart> {
    let waves = &analysis.waves;
    let current = waves.len().checked_sub(1)?;
    let rows: Vec<&ResultRow> = analysis
        .rows
        .iter()
        .filter(|row| !row.weighted && row.item == item)
        .collect();
    let figure = |kind: &str, unit: &str, wave: usize| -> Option<&ResultRow> {
        rows.iter().copied().find(|row| {
            row.unit_kind == kind
                && row.unit == unit
                && if wave == current {
                    row.statistic == Statistic::PctPositive.name()
                } else {
                    row.statistic == EARLIER && row.wave.as_deref() == Some(waves[wave].as_str())
                }
        })
    };
    let mut hidden: Vec<String> = Vec::new();
    let mut line = |kind: &str, unit: &str, label: String, emphasis: bool| TrendLine {
        values: (0..waves.len())
            .map(|wave| {
                let row = figure(kind, unit, wave)?;
                if !row.is_shown() {
                    hidden.push(format!("{label} {}", waves[wave]));
                }
                Some(TrendValue {
                    estimate: row.estimate?,
                    low: row.ci_low,
                    high: row.ci_high,
                })
            })
            .collect(),
        label,
        emphasis,
    };
    let mut lines = vec![line(
        OVERALL,
        "all",
        word(lang, Word::AllSites).to_owned(),
        true,
    )];
    if let Some(kind) = &analysis.comparison_unit {
        let mut sites: Vec<&str> = rows
            .iter()
            .filter(|row| &row.unit_kind == kind)
            .map(|row| row.unit.as_str())
            .collect();
        sites.sort_unstable();
        sites.dedup();
        for site in sites {
            lines.push(line(
                kind.as_str(),
                site,
                format!("{} {site}", word(lang, Word::Site)),
                false,
            ));
        }
    }
    if lines
        .iter()
        .all(|line| line.values.iter().flatten().count() == 0)
    {
        return None;
    }
    let mut subtitle = Vec::new();
    let shown = |statistic: &str| {
        rows.iter()
            .find(|row| row.statistic == statistic && row.unit_kind == OVERALL && row.is_shown())
            .and_then(|row| row.estimate)
    };
    if let (Some(slope), Some(p)) = (shown(PER_WAVE), shown(TREND_P)) {
        let p = if p < 0.001 {
            "p < 0.001".to_owned()
        } else {
            format!("p = {p:.3}")
        };
        subtitle.push(format!(
            "{}: {slope:+.1} {} ({} {p})",
            word(lang, Word::AllSites),
            word(lang, Word::PointsPerWave),
            word(lang, Word::TrendTest)
        ));
    }
    subtitle.push(format!(
        "● {} — {}",
        word(lang, Word::AllSites),
        word(lang, Word::Interval)
    ));
    if !hidden.is_empty() {
        subtitle.extend(wrap(
            &format!("{}: {}", word(lang, Word::NotShown), hidden.join(", ")),
            SIZE,
            WIDTH - 32,
            2,
        ));
    }
    Some(TrendChart {
        title,
        subtitle,
        y_label: word(lang, Word::PercentPositive).to_owned(),
        waves: waves.clone(),
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn labels_spread_apart_and_stay_inside() {
        assert_eq!(spread(&[100, 105, 300], 15, 0, 400), [100, 115, 300]);
        // Crowded at the bottom: the block moves up.
        assert_eq!(spread(&[395, 398, 390], 15, 0, 400), [385, 400, 370]);
        assert_eq!(spread(&[], 15, 0, 400), Vec::<i32>::new());
    }
}
