//! Charts with one labelled row per item or site: stacked answer distributions, dots with
//! intervals, bars. Labels sit in their own column at the left, wrapped, so they never overlap.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::palette::{INK, MUTED, RULE};
use super::{dashed, text_style, text_width, ticks, wrap, Chart, DrawResult};

/// What a row shows.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// Segments `[from, to)` on the x scale, with their colour and the text drawn inside.
    Stacked(Vec<Segment>),
    /// An estimate with its interval.
    Dot {
        estimate: f64,
        low: Option<f64>,
        high: Option<f64>,
        colour: RGBColor,
    },
    /// A bar from the axis origin with an interval.
    Bar {
        value: f64,
        low: Option<f64>,
        high: Option<f64>,
        colour: RGBColor,
    },
    /// No figure, and why.
    Hidden(String),
}

/// One segment of a stacked bar.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub from: f64,
    pub to: f64,
    pub colour: RGBColor,
    pub text_colour: RGBColor,
    pub text: String,
}

/// One labelled row.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub label: String,
    pub mark: Mark,
}

/// A chart of labelled rows on a shared horizontal scale.
#[derive(Debug, Clone)]
pub(crate) struct RowChart {
    pub title: String,
    pub subtitle: Vec<String>,
    pub axis_label: String,
    pub min: f64,
    pub max: f64,
    /// Shows tick values as absolute values (diverging bars: left and right are both shares).
    pub absolute_ticks: bool,
    /// A vertical reference line and its label (the overall score, zero change).
    pub reference: Option<(f64, String)>,
    pub legend: Vec<(RGBColor, String)>,
    pub rows: Vec<Row>,
    /// Decimals of the figures next to marks (0 for percentages).
    pub decimals: usize,
}

const WIDTH: u32 = 1000;
const LABEL_WIDTH: u32 = 360;
const LEFT: i32 = 16;
const RIGHT: i32 = 40;
const LINE: i32 = 18;
const LABEL_SIZE: u32 = 14;
const TITLE_SIZE: u32 = 20;
const MAX_LABEL_LINES: usize = 3;

impl RowChart {
    fn row_height(lines: usize) -> i32 {
        (lines as i32 * LINE + 12).max(34)
    }

    /// Height of the header: title, subtitle lines, legend.
    fn header(&self) -> i32 {
        let legend = if self.legend.is_empty() { 0 } else { 30 };
        16 + 2 * LINE + self.subtitle.len() as i32 * LINE + legend + 8
    }

    fn plot_left() -> i32 {
        LEFT + LABEL_WIDTH as i32 + 16
    }

    fn x(&self, value: f64) -> i32 {
        let width = f64::from(WIDTH as i32 - RIGHT - Self::plot_left());
        let share = (value - self.min) / (self.max - self.min);
        Self::plot_left() + (share.clamp(0.0, 1.0) * width).round() as i32
    }
}

impl Chart for RowChart {
    fn size(&self) -> (u32, u32) {
        let rows: i32 = self
            .rows
            .iter()
            .map(|row| {
                Self::row_height(wrap(&row.label, LABEL_SIZE, LABEL_WIDTH, MAX_LABEL_LINES).len())
            })
            .sum();
        (WIDTH, (self.header() + rows + 70) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        area.fill(&WHITE)?;
        let (_, height) = self.size();
        let mut y = 16;
        let title_lines = wrap(&self.title, TITLE_SIZE, WIDTH - 2 * LEFT as u32, 2);
        for line in &title_lines {
            area.draw(&Text::new(
                line.clone(),
                (LEFT, y),
                text_style(TITLE_SIZE, INK, HPos::Left, VPos::Top),
            ))?;
            y += LINE + 6;
        }
        y += 2 * (LINE + 6) - title_lines.len() as i32 * (LINE + 6) - 12;
        for line in &self.subtitle {
            area.draw(&Text::new(
                line.clone(),
                (LEFT, y),
                text_style(LABEL_SIZE, MUTED, HPos::Left, VPos::Top),
            ))?;
            y += LINE;
        }
        if !self.legend.is_empty() {
            let mut x = LEFT;
            y += 8;
            for (colour, name) in &self.legend {
                area.draw(&Rectangle::new([(x, y), (x + 14, y + 14)], colour.filled()))?;
                area.draw(&Text::new(
                    name.clone(),
                    (x + 20, y + 7),
                    text_style(LABEL_SIZE, INK, HPos::Left, VPos::Center),
                ))?;
                x += 20 + text_width(name, LABEL_SIZE) as i32 + 24;
            }
            y += 22;
        }
        let top = y + 8;
        let bottom = height as i32 - 56;
        // Grid and axis.
        let tick_values = ticks(self.min, self.max, 5);
        for tick in &tick_values {
            let x = self.x(*tick);
            area.draw(&PathElement::new(
                vec![(x, top), (x, bottom)],
                RULE.stroke_width(1),
            ))?;
            let shown = if self.absolute_ticks {
                tick.abs()
            } else {
                *tick
            };
            area.draw(&Text::new(
                format_tick(shown),
                (x, bottom + 6),
                text_style(LABEL_SIZE, INK, HPos::Center, VPos::Top),
            ))?;
        }
        area.draw(&PathElement::new(
            vec![(Self::plot_left(), bottom), (WIDTH as i32 - RIGHT, bottom)],
            INK.stroke_width(1),
        ))?;
        area.draw(&Text::new(
            self.axis_label.clone(),
            ((Self::plot_left() + WIDTH as i32 - RIGHT) / 2, bottom + 28),
            text_style(LABEL_SIZE, INK, HPos::Center, VPos::Top),
        ))?;
        // Rows.
        let mut y = top;
        for row in &self.rows {
            let lines = wrap(&row.label, LABEL_SIZE, LABEL_WIDTH, MAX_LABEL_LINES);
            let row_height = Self::row_height(lines.len());
            let middle = y + row_height / 2;
            let first = middle - (lines.len() as i32 * LINE) / 2 + LINE / 2;
            for (index, line) in lines.iter().enumerate() {
                area.draw(&Text::new(
                    line.clone(),
                    (LEFT + LABEL_WIDTH as i32, first + index as i32 * LINE),
                    text_style(LABEL_SIZE, INK, HPos::Right, VPos::Center),
                ))?;
            }
            self.draw_mark(area, &row.mark, middle)?;
            y += row_height;
        }
        if let Some((value, label)) = &self.reference {
            let x = self.x(*value);
            dashed(area, (x, top - 4), (x, bottom), INK)?;
            area.draw(&Text::new(
                label.clone(),
                (x + 4, top - 6),
                text_style(12, INK, HPos::Left, VPos::Bottom),
            ))?;
        }
        Ok(())
    }
}

impl RowChart {
    fn draw_mark<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        mark: &Mark,
        middle: i32,
    ) -> DrawResult<DB> {
        match mark {
            Mark::Stacked(segments) => {
                for segment in segments {
                    let (x0, x1) = (self.x(segment.from), self.x(segment.to));
                    if x1 <= x0 {
                        continue;
                    }
                    area.draw(&Rectangle::new(
                        [(x0, middle - 11), (x1, middle + 11)],
                        segment.colour.filled(),
                    ))?;
                    let fits = text_width(&segment.text, 12) as i32 + 6 < x1 - x0;
                    if fits {
                        area.draw(&Text::new(
                            segment.text.clone(),
                            ((x0 + x1) / 2, middle),
                            text_style(12, segment.text_colour, HPos::Center, VPos::Center),
                        ))?;
                    }
                }
            }
            Mark::Dot {
                estimate,
                low,
                high,
                colour,
            } => {
                if let (Some(low), Some(high)) = (low, high) {
                    let (x0, x1) = (self.x(*low), self.x(*high));
                    area.draw(&PathElement::new(
                        vec![(x0, middle), (x1, middle)],
                        colour.stroke_width(3),
                    ))?;
                    for x in [x0, x1] {
                        area.draw(&PathElement::new(
                            vec![(x, middle - 6), (x, middle + 6)],
                            colour.stroke_width(2),
                        ))?;
                    }
                }
                area.draw(&Circle::new(
                    (self.x(*estimate), middle),
                    6,
                    colour.filled(),
                ))?;
                area.draw(&Text::new(
                    format!("{estimate:.*}", self.decimals),
                    (self.x(high.unwrap_or(*estimate)) + 8, middle),
                    text_style(12, INK, HPos::Left, VPos::Center),
                ))?;
            }
            Mark::Bar {
                value,
                low,
                high,
                colour,
            } => {
                let origin = self.x(self.min.max(0.0));
                area.draw(&Rectangle::new(
                    [(origin, middle - 10), (self.x(*value), middle + 10)],
                    colour.filled(),
                ))?;
                if let (Some(low), Some(high)) = (low, high) {
                    area.draw(&PathElement::new(
                        vec![(self.x(*low), middle), (self.x(*high), middle)],
                        INK.stroke_width(2),
                    ))?;
                }
                area.draw(&Text::new(
                    format!("{value:.*}", self.decimals),
                    (self.x(high.unwrap_or(*value)) + 8, middle),
                    text_style(12, INK, HPos::Left, VPos::Center),
                ))?;
            }
            Mark::Hidden(reason) => {
                area.draw(&Text::new(
                    reason.clone(),
                    (Self::plot_left() + 4, middle),
                    text_style(12, MUTED, HPos::Left, VPos::Center),
                ))?;
            }
        }
        Ok(())
    }
}

fn format_tick(value: f64) -> String {
    if value.fract().abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// A figure as shown next to a mark: whole numbers for percentages, one decimal for small scales.
pub(crate) fn format_value(value: f64) -> String {
    if value.abs() >= 20.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}
