//! The improvement priority matrix of one site (issue 13): each question's association with the
//! overall rating (all sites) across, the site's adjusted gap to all sites up. The vertical line
//! is the median correlation, the horizontal one no gap; questions in the lower right matter
//! most to patients and go worse here than elsewhere (`keydrivers.rs` gives the rules).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::palette::{BLUE, GREY, INK, MUTED, ORANGE, RULE, SKY, VERMILLION};
use super::words::{word, Word};
use super::{dashed, heading, text_style, text_width, ticks, wrap, Chart, DrawResult};
use crate::analyse::Analysis;
use crate::groups::OVERALL;
use crate::keydrivers::{flag, strong_driver_lines, DRIVER, PRIORITY};
use crate::results::ResultRow;

/// One question on the matrix.
#[derive(Debug, Clone)]
pub(crate) struct PriorityPoint {
    /// Short label: the question number (and a letter for the rows of a matrix).
    pub label: String,
    pub r: f64,
    pub gap: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub colour: RGBColor,
    /// Clearly above or below all sites (flagged): always labelled.
    pub clear: bool,
}

/// The priority matrix of one site.
#[derive(Debug, Clone)]
pub(crate) struct PriorityChart {
    pub title: String,
    pub subtitle: Vec<String>,
    pub x_label: String,
    pub y_label: String,
    /// The median correlation: strong drivers to its right.
    pub split: f64,
    /// Quadrant names: upper left, upper right, lower left, lower right.
    pub quadrants: [String; 4],
    pub legend: Vec<(RGBColor, String)>,
    pub points: Vec<PriorityPoint>,
    /// The questions to improve first, in full, under the plot.
    pub list: Vec<String>,
}

const WIDTH: u32 = 1000;
const PLOT_HEIGHT: i32 = 500;
const LEFT: i32 = 90;
const RIGHT: i32 = 40;
const LINE: i32 = 18;
const SIZE: u32 = 14;
/// Light tint of the lower-right quadrant (vermillion at about 12% on white).
const PRIORITY_TINT: RGBColor = RGBColor(0xFA, 0xEB, 0xE0);

impl PriorityChart {
    fn header(&self) -> i32 {
        let legend_rows = self.legend_layout().last().map_or(0, |(_, row)| row + 1);
        16 + 2 * (LINE + 6) + self.subtitle.len() as i32 * LINE + legend_rows * 24 + 8 + 30
    }

    /// Where each legend entry starts: x and row, a new row when the next would not fit.
    fn legend_layout(&self) -> Vec<(i32, i32)> {
        let mut layout = Vec::new();
        let (mut x, mut row) = (16, 0);
        for (_, name) in &self.legend {
            let width = 20 + text_width(name, SIZE) as i32 + 24;
            if x > 16 && x + width > WIDTH as i32 - 16 {
                x = 16;
                row += 1;
            }
            layout.push((x, row));
            x += width;
        }
        layout
    }

    fn x_range(&self) -> (f64, f64) {
        let (mut low, mut high) = (self.split, self.split);
        for point in &self.points {
            low = low.min(point.r);
            high = high.max(point.r);
        }
        (
            (((low - 0.05) * 10.0).floor() / 10.0).max(-1.0),
            (((high + 0.05) * 10.0).ceil() / 10.0).min(1.0),
        )
    }

    fn y_reach(&self) -> f64 {
        let reach = self
            .points
            .iter()
            .flat_map(|p| [Some(p.gap), p.low, p.high])
            .flatten()
            .fold(5.0_f64, |reach, value| reach.max(value.abs()));
        (reach * 1.1 / 5.0).ceil() * 5.0
    }

    fn to_pixel(&self, r: f64, gap: f64) -> (i32, i32) {
        let (x_low, x_high) = self.x_range();
        let reach = self.y_reach();
        let top = self.header();
        let width = f64::from(WIDTH as i32 - LEFT - RIGHT);
        let x = LEFT + ((r - x_low) / (x_high - x_low) * width).round() as i32;
        let share = ((gap + reach) / (2.0 * reach)).clamp(0.0, 1.0);
        let y = top + PLOT_HEIGHT - (share * f64::from(PLOT_HEIGHT)).round() as i32;
        (x, y)
    }

    fn list_lines(&self) -> Vec<String> {
        self.list
            .iter()
            .flat_map(|entry| wrap(entry, SIZE, WIDTH - 2 * 16, 2))
            .collect()
    }
}

impl Chart for PriorityChart {
    fn size(&self) -> (u32, u32) {
        let list =
            self.list_lines().len() as i32 * LINE + if self.list.is_empty() { 0 } else { 16 };
        (WIDTH, (self.header() + PLOT_HEIGHT + 70 + list) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        area.fill(&WHITE)?;
        let mut y = heading(area, &self.title, &self.subtitle, WIDTH)?;
        y += 8;
        for ((colour, name), (x, row)) in self.legend.iter().zip(self.legend_layout()) {
            let centre = y + row * 24 + 7;
            area.draw(&Circle::new((x + 7, centre), 6, colour.filled()))?;
            area.draw(&Text::new(
                name.clone(),
                (x + 20, centre),
                text_style(SIZE, INK, HPos::Left, VPos::Center),
            ))?;
        }
        let (x_low, x_high) = self.x_range();
        let reach = self.y_reach();
        let top = self.header();
        let bottom = top + PLOT_HEIGHT;
        let right = WIDTH as i32 - RIGHT;
        let (split_x, zero_y) = self.to_pixel(self.split, 0.0);
        area.draw(&Rectangle::new(
            [(split_x, zero_y), (right, bottom)],
            PRIORITY_TINT.filled(),
        ))?;
        for tick in ticks(-reach, reach, 6) {
            let (_, ty) = self.to_pixel(x_low, tick);
            area.draw(&PathElement::new(
                vec![(LEFT, ty), (right, ty)],
                RULE.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                signed(tick),
                (LEFT - 8, ty),
                text_style(13, INK, HPos::Right, VPos::Center),
            ))?;
        }
        for tick in ticks(x_low, x_high, 6) {
            let (tx, _) = self.to_pixel(tick, -reach);
            area.draw(&PathElement::new(
                vec![(tx, bottom), (tx, bottom + 5)],
                INK.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                // Two decimals at most, as many as the tick needs (0.25, 0.5).
                format!("{}", (tick * 100.0).round() / 100.0),
                (tx, bottom + 8),
                text_style(13, INK, HPos::Center, VPos::Top),
            ))?;
        }
        area.draw(&PathElement::new(
            vec![(LEFT, top), (LEFT, bottom), (right, bottom)],
            INK.stroke_width(1),
        ))?;
        dashed(area, (split_x, top), (split_x, bottom), INK)?;
        dashed(area, (LEFT, zero_y), (right, zero_y), INK)?;
        area.draw(&Text::new(
            self.x_label.clone(),
            ((LEFT + right) / 2, bottom + 34),
            text_style(SIZE, INK, HPos::Center, VPos::Top),
        ))?;
        area.draw(&Text::new(
            self.y_label.clone(),
            (16, top - 20),
            text_style(SIZE, INK, HPos::Left, VPos::Top),
        ))?;
        // Quadrant names in their corners.
        let corners = [
            (LEFT + 6, top + 6, HPos::Left, VPos::Top),
            (right - 6, top + 6, HPos::Right, VPos::Top),
            (LEFT + 6, bottom - 6, HPos::Left, VPos::Bottom),
            (right - 6, bottom - 6, HPos::Right, VPos::Bottom),
        ];
        for (name, (cx, cy, h, v)) in self.quadrants.iter().zip(corners) {
            area.draw(&Text::new(
                name.clone(),
                (cx, cy),
                text_style(13, MUTED, h, v),
            ))?;
        }
        // Questions: interval and dot, then their numbers where there is room beside them; a
        // clearly different question always gets its number (and first pick of the room).
        let mut taken: Vec<[i32; 4]> = Vec::new();
        for point in &self.points {
            let (px, py) = self.to_pixel(point.r, point.gap);
            if let (Some(low), Some(high)) = (point.low, point.high) {
                let (_, y_low) = self.to_pixel(point.r, low);
                let (_, y_high) = self.to_pixel(point.r, high);
                area.draw(&PathElement::new(
                    vec![(px, y_low), (px, y_high)],
                    point.colour.stroke_width(1),
                ))?;
            }
            area.draw(&Circle::new((px, py), 5, point.colour.filled()))?;
            taken.push([px - 5, py - 5, px + 5, py + 5]);
        }
        let mut order: Vec<&PriorityPoint> = self.points.iter().filter(|p| p.clear).collect();
        order.extend(self.points.iter().filter(|p| !p.clear));
        for point in order {
            let (px, py) = self.to_pixel(point.r, point.gap);
            let (w, h) = (text_width(&point.label, 12) as i32, 14);
            let candidates = [
                [px + 8, py - h / 2],
                [px - 8 - w, py - h / 2],
                [px - w / 2, py - 8 - h],
                [px - w / 2, py + 8],
                [px + 6, py - 6 - h],
                [px + 6, py + 6],
                [px - 6 - w, py - 6 - h],
                [px - 6 - w, py + 6],
            ];
            let inside =
                |[x, y]: [i32; 2]| x >= LEFT + 2 && x + w <= right && y >= top && y + h <= bottom;
            let free = |[x, y]: [i32; 2]| {
                taken
                    .iter()
                    .all(|[x0, y0, x1, y1]| x + w <= *x0 || x >= *x1 || y + h <= *y0 || y >= *y1)
            };
            let spot = candidates
                .into_iter()
                .find(|spot| inside(*spot) && free(*spot))
                .or_else(|| point.clear.then_some(candidates[0]));
            if let Some([x, y]) = spot {
                taken.push([x, y, x + w, y + h]);
                area.draw(&Text::new(
                    point.label.clone(),
                    (x, y),
                    text_style(12, INK, HPos::Left, VPos::Top),
                ))?;
            }
        }
        let mut y = bottom + 62;
        for line in self.list_lines() {
            area.draw(&Text::new(
                line,
                (16, y),
                text_style(SIZE, INK, HPos::Left, VPos::Top),
            ))?;
            y += LINE;
        }
        Ok(())
    }
}

/// A gap tick: signed, whole where it is.
fn signed(tick: f64) -> String {
    match tick {
        0.0 => "0".to_owned(),
        _ if tick.fract() == 0.0 => format!("{tick:+.0}"),
        _ => format!("{tick:+.1}"),
    }
}

/// The sites that get a priority matrix: those with a shown priority row of a question.
pub(crate) fn sites(analysis: &Analysis) -> Vec<String> {
    let mut sites: Vec<String> = Vec::new();
    for row in priority_rows(analysis) {
        if row.is_shown() && row.question.is_some() && !sites.contains(&row.unit) {
            sites.push(row.unit.clone());
        }
    }
    sites
}

fn priority_rows(analysis: &Analysis) -> impl Iterator<Item = &ResultRow> {
    analysis.rows.iter().filter(move |row| {
        !row.weighted
            && row.statistic.starts_with(PRIORITY)
            && Some(&row.unit_kind) == analysis.comparison_unit.as_ref()
    })
}

/// The colour of a priority flag.
fn colour(flag: &str) -> RGBColor {
    match flag {
        flag::PRIORITY => VERMILLION,
        flag::BELOW => ORANGE,
        flag::STRENGTH => BLUE,
        flag::ABOVE => SKY,
        _ => GREY,
    }
}

/// The priority matrix of `site`, with `label` naming items in the chart's language.
pub(crate) fn chart(
    analysis: &Analysis,
    site: &str,
    lang: &str,
    label: &dyn Fn(&str) -> String,
) -> Option<PriorityChart> {
    let (split, _) = strong_driver_lines(&analysis.rows);
    let split = split?;
    let correlation = |item: &str| {
        analysis
            .rows
            .iter()
            .find(|row| {
                !row.weighted
                    && row.item == item
                    && row.unit_kind == OVERALL
                    && row.statistic == DRIVER
                    && row.is_shown()
            })
            .and_then(|row| row.estimate)
    };
    let rows: Vec<&ResultRow> = priority_rows(analysis)
        .filter(|row| row.unit == site && row.question.is_some())
        .collect();
    let mut points = Vec::new();
    let mut first_rows: Vec<(&ResultRow, f64)> = Vec::new();
    let mut hidden = 0;
    for (index, row) in rows.iter().enumerate() {
        let (Some(gap), Some(r)) = (row.estimate, correlation(&row.item)) else {
            hidden += 1;
            continue;
        };
        // Rows of one matrix share a number: a, b, c... in the questionnaire's order.
        let number = row.question.map(|n| n.to_string()).unwrap_or_default();
        let siblings: Vec<&&ResultRow> =
            rows.iter().filter(|o| o.question == row.question).collect();
        let suffix = if siblings.len() > 1 {
            let position = rows[..index]
                .iter()
                .filter(|o| o.question == row.question)
                .count();
            char::from(b'a' + (position % 26) as u8).to_string()
        } else {
            String::new()
        };
        points.push(PriorityPoint {
            label: format!("{number}{suffix}"),
            r,
            gap,
            low: row.ci_low,
            high: row.ci_high,
            colour: colour(&row.flag),
            clear: !row.flag.is_empty(),
        });
        if row.flag == flag::PRIORITY {
            first_rows.push((*row, r));
        }
    }
    if points.is_empty() {
        return None;
    }
    first_rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let improve_first = word(lang, Word::ImproveFirst);
    let mut list: Vec<String> = first_rows
        .iter()
        .map(|(row, _)| format!("• {}", label(&row.item)))
        .collect();
    if !list.is_empty() {
        list.insert(0, format!("{improve_first}:"));
    }
    let mut subtitle = vec![format!(
        "● {} — {}",
        word(lang, Word::Question),
        word(lang, Word::Interval)
    )];
    if hidden > 0 {
        subtitle.push(format!(
            "{}: {hidden} ({})",
            word(lang, Word::NotShown),
            word(lang, Word::TooFewOrHidden)
        ));
    }
    Some(PriorityChart {
        title: format!(
            "{} — {} {site}",
            word(lang, Word::PrioritiesTitle),
            word(lang, Word::Site)
        ),
        subtitle,
        x_label: word(lang, Word::DriverAxis).to_owned(),
        y_label: word(lang, Word::GapAxis).to_owned(),
        split,
        quadrants: [
            word(lang, Word::AboveMattersLess).to_owned(),
            word(lang, Word::StrengthsThatMatter).to_owned(),
            word(lang, Word::ImproveNext).to_owned(),
            improve_first.to_owned(),
        ],
        legend: vec![
            (VERMILLION, improve_first.to_owned()),
            (ORANGE, word(lang, Word::ClearlyBelow).to_owned()),
            (GREY, word(lang, Word::NotClearlyDifferent).to_owned()),
            (SKY, word(lang, Word::ClearlyAbove).to_owned()),
            (BLUE, word(lang, Word::StrengthsThatMatter).to_owned()),
        ],
        points,
        list,
    })
}
