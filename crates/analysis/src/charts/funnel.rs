//! Funnel plot: each site's adjusted score against its number of respondents, with the 95% and
//! 99.8% control limits around the overall score, plain or allowing for over-dispersion (the
//! caption says which).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::palette::{BLUE, INK, MUTED, ORANGE, RULE, VERMILLION};
use super::{dashed, text_style, ticks, wrap, Chart, DrawResult};
use crate::overdispersion::{FunnelMethod, Overdispersion};

/// One site on the plot.
#[derive(Debug, Clone)]
pub(crate) struct FunnelPoint {
    pub label: String,
    pub n: f64,
    pub score: f64,
    pub outlier: bool,
}

/// The funnel plot of one measure.
#[derive(Debug, Clone)]
pub(crate) struct FunnelChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub overall: f64,
    /// Standard deviation of one answer: a site's chance standard error is σ / √n.
    pub sigma: f64,
    /// How the limits allow for over-dispersion, and its estimate.
    pub method: FunnelMethod,
    pub overdispersion: Option<Overdispersion>,
    /// Lines under the plot saying which limits these are.
    pub caption: Vec<String>,
    /// Bounds of the y scale (0-100 for shares).
    pub y_bounds: (f64, f64),
    pub legend: [String; 4],
    pub points: Vec<FunnelPoint>,
}

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 640;
const LEFT: i32 = 90;
const RIGHT: i32 = 40;
const TOP: i32 = 110;
const BOTTOM: i32 = 110;

impl FunnelChart {
    /// Distance of the limit at `z` from the overall score for a site of `n` respondents.
    fn half_width(&self, z: f64, n: f64) -> f64 {
        z * self
            .method
            .spread(self.sigma / n.sqrt(), self.overdispersion.as_ref())
    }

    fn x_max(&self) -> f64 {
        let largest = self.points.iter().map(|p| p.n).fold(10.0, f64::max);
        largest * 1.15
    }

    fn y_range(&self) -> (f64, f64) {
        let limit = |n: f64| self.half_width(3.090232, n.max(1.0));
        let smallest = self
            .points
            .iter()
            .map(|p| p.n)
            .fold(f64::INFINITY, f64::min);
        let spread = if smallest.is_finite() {
            limit(smallest)
        } else {
            10.0
        };
        let mut low = self.overall - spread * 1.3;
        let mut high = self.overall + spread * 1.3;
        for point in &self.points {
            low = low.min(point.score);
            high = high.max(point.score);
        }
        let pad = (high - low) * 0.05;
        (
            (low - pad).max(self.y_bounds.0),
            (high + pad).min(self.y_bounds.1),
        )
    }

    fn to_pixel(&self, n: f64, score: f64) -> (i32, i32) {
        let (low, high) = self.y_range();
        let width = f64::from(WIDTH as i32 - LEFT - RIGHT);
        let height = f64::from(HEIGHT as i32 - TOP - BOTTOM);
        let x = LEFT + (n / self.x_max() * width).round() as i32;
        let share = ((score - low) / (high - low)).clamp(0.0, 1.0);
        let y = HEIGHT as i32 - BOTTOM - (share * height).round() as i32;
        (x, y)
    }
}

impl Chart for FunnelChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        area.fill(&WHITE)?;
        for (index, line) in wrap(&self.title, 20, WIDTH - 32, 2).iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (16, 14 + index as i32 * 24),
                text_style(20, INK, HPos::Left, VPos::Top),
            ))?;
        }
        let (low, high) = self.y_range();
        let (x0, y0) = (LEFT, HEIGHT as i32 - BOTTOM);
        let (x1, y1) = (WIDTH as i32 - RIGHT, TOP);
        for tick in ticks(low, high, 6) {
            let (_, y) = self.to_pixel(0.0, tick);
            area.draw(&PathElement::new(
                vec![(x0, y), (x1, y)],
                RULE.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                super::rows::format_value(tick),
                (x0 - 8, y),
                text_style(13, INK, HPos::Right, VPos::Center),
            ))?;
        }
        for tick in ticks(0.0, self.x_max(), 6) {
            let (x, _) = self.to_pixel(tick, low);
            area.draw(&PathElement::new(
                vec![(x, y0), (x, y0 + 5)],
                INK.stroke_width(1),
            ))?;
            area.draw(&Text::new(
                format!("{tick:.0}"),
                (x, y0 + 8),
                text_style(13, INK, HPos::Center, VPos::Top),
            ))?;
        }
        area.draw(&PathElement::new(
            vec![(x0, y1), (x0, y0), (x1, y0)],
            INK.stroke_width(1),
        ))?;
        area.draw(&Text::new(
            self.x_label.clone(),
            ((x0 + x1) / 2, y0 + 34),
            text_style(14, INK, HPos::Center, VPos::Top),
        ))?;
        area.draw(&Text::new(
            self.y_label.clone(),
            (16, TOP - 22),
            text_style(14, INK, HPos::Left, VPos::Top),
        ))?;
        // Limits: curves from a few respondents to the largest site.
        let start = self
            .points
            .iter()
            .map(|p| p.n)
            .fold(f64::INFINITY, f64::min)
            .min(10.0)
            * 0.8;
        for (z, colour) in [(1.959964, BLUE), (3.090232, ORANGE)] {
            for side in [-1.0, 1.0] {
                // Only the part of the curve inside the plot (it is monotonic in n).
                let points: Vec<(i32, i32)> = (0..=120)
                    .map(|step| start + (self.x_max() - start) * f64::from(step) / 120.0)
                    .map(|n| (n, self.overall + side * self.half_width(z, n)))
                    .filter(|(_, limit)| (low..=high).contains(limit))
                    .map(|(n, limit)| self.to_pixel(n, limit))
                    .collect();
                area.draw(&PathElement::new(points, colour.stroke_width(2)))?;
            }
        }
        let (_, y_overall) = self.to_pixel(0.0, self.overall);
        dashed(area, (x0, y_overall), (x1, y_overall), INK)?;
        // Sites, labels pushed apart vertically so that they never overlap.
        let mut placed: Vec<(i32, i32)> = Vec::new();
        let mut points = self.points.clone();
        points.sort_by(|a, b| b.score.total_cmp(&a.score));
        for point in &points {
            let (x, y) = self.to_pixel(point.n, point.score);
            let colour = if point.outlier { VERMILLION } else { INK };
            area.draw(&Circle::new((x, y), 6, colour.filled()))?;
            let mut label_y = y;
            while placed
                .iter()
                .any(|(px, py)| (px - x).abs() < 70 && (py - label_y).abs() < 16)
            {
                label_y += 16;
            }
            placed.push((x, label_y));
            area.draw(&Text::new(
                point.label.clone(),
                (x + 10, label_y),
                text_style(13, colour, HPos::Left, VPos::Center),
            ))?;
        }
        for (index, line) in self.caption.iter().enumerate() {
            area.draw(&Text::new(
                line.clone(),
                (16, y0 + 62 + index as i32 * 18),
                text_style(14, MUTED, HPos::Left, VPos::Top),
            ))?;
        }
        // Legend.
        let mut x = 16;
        let y = 70;
        let entries = [
            (INK, &self.legend[0], true),
            (BLUE, &self.legend[1], false),
            (ORANGE, &self.legend[2], false),
            (VERMILLION, &self.legend[3], false),
        ];
        for (colour, name, is_line) in entries {
            if is_line {
                dashed(area, (x, y), (x + 24, y), colour)?;
            } else if colour == VERMILLION {
                area.draw(&Circle::new((x + 12, y), 6, colour.filled()))?;
            } else {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + 24, y)],
                    colour.stroke_width(2),
                ))?;
            }
            area.draw(&Text::new(
                name.clone(),
                (x + 30, y),
                text_style(13, INK, HPos::Left, VPos::Center),
            ))?;
            x += 30 + super::text_width(name, 13) as i32 + 24;
        }
        Ok(())
    }
}
