//! Charts with plotters, as SVG and PNG, for patients as well as researchers.
//!
//! Every chart is drawn from the suppressed results table, so a hidden figure is hidden in the
//! charts too. Colours come from the Okabe-Ito palette (safe for the common colour-vision
//! deficiencies; Okabe & Ito 2008, "Color Universal Design"); labels are the definition's texts in
//! the chosen language, wrapped to fit, never overlapping.

mod build;
mod funnel;
mod priority;
mod rows;
mod themes;
mod trend;
mod words;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{AnalysisError, Result};

pub use build::{chart_svgs, chart_svgs_named, item_label, site_chart_name, write_charts};
pub use themes::{theme_chart_svg, ThemeChartText};

/// DejaVu Sans (Bitstream Vera licence, see `assets/DejaVuSans.LICENSE`), embedded so that PNGs
/// look the same on every machine.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(AnalysisError::Chart {
            path: "(font)".to_owned(),
            message: "the embedded font could not be read".to_owned(),
        })
    }
}

/// Okabe-Ito colours.
pub(crate) mod palette {
    use plotters::style::RGBColor;
    /// Positive answers, dots.
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Problems, outliers.
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Second colour of bars.
    pub const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Neutral answers.
    pub const GREY: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
    /// Text and axes.
    pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
    /// Secondary text (contrast 7:1 on white).
    pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
    /// Grid lines.
    pub const RULE: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
    /// 99.8% limits.
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
}

/// Something that can be drawn on any plotters backend.
pub(crate) trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the chart on `area`.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

pub(crate) type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Writes `name.svg` and `name.png` into `dir`.
pub(crate) fn save(chart: &impl Chart, dir: &Path, name: &str) -> Result<Vec<PathBuf>> {
    register_font()?;
    let svg = dir.join(format!("{name}.svg"));
    let png = dir.join(format!("{name}.png"));
    let failed = |path: &Path, message: String| AnalysisError::Chart {
        path: path.display().to_string(),
        message,
    };
    {
        let area = SVGBackend::new(&svg, chart.size()).into_drawing_area();
        chart
            .draw(&area)
            .and_then(|_| area.present())
            .map_err(|error| failed(&svg, error.to_string()))?;
    }
    {
        let area = BitMapBackend::new(&png, chart.size()).into_drawing_area();
        chart
            .draw(&area)
            .and_then(|_| area.present())
            .map_err(|error| failed(&png, error.to_string()))?;
    }
    Ok(vec![svg, png])
}

/// The chart as SVG text.
pub(crate) fn render_svg(chart: &impl Chart) -> Result<String> {
    register_font()?;
    let mut text = String::new();
    {
        let area = SVGBackend::with_string(&mut text, chart.size()).into_drawing_area();
        chart
            .draw(&area)
            .and_then(|_| area.present())
            .map_err(|error| AnalysisError::Chart {
                path: "(in memory)".to_owned(),
                message: error.to_string(),
            })?;
    }
    Ok(text)
}

/// Text style of a given size, colour and anchor.
pub(crate) fn text_style(size: u32, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: (FAMILY, size).into_font(),
        color: colour.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

/// Draws a chart's title (two lines at most, the room of two kept) and its subtitle lines in a
/// chart `width` wide; returns where the next line starts.
pub(crate) fn heading<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &[String],
    width: u32,
) -> std::result::Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    for (index, line) in wrap(title, 20, width - 32, 2).into_iter().enumerate() {
        let y = 16 + index as i32 * 24;
        area.draw(&Text::new(
            line,
            (16, y),
            text_style(20, palette::INK, HPos::Left, VPos::Top),
        ))?;
    }
    let mut y = 16 + 2 * 24;
    for line in subtitle {
        area.draw(&Text::new(
            line.clone(),
            (16, y),
            text_style(14, palette::MUTED, HPos::Left, VPos::Top),
        ))?;
        y += 18;
    }
    Ok(y)
}

/// Splits `text` into lines no wider than `width` pixels, at most `max_lines` (the last one ends
/// with an ellipsis when the text is cut).
pub(crate) fn wrap(text: &str, size: u32, width: u32, max_lines: usize) -> Vec<String> {
    let text = no_break_before_punctuation(text);
    let fits = |line: &str| text_width(line, size) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    // Split on plain spaces only: a no-break space (French "entretien ?") keeps words together.
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate) || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && !fits(&format!("{last}…")) {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// French typography puts a space before ? ! : ; which must not start a line.
fn no_break_before_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        if c == ' ' && matches!(next, Some('?' | '!' | ':' | ';' | '»')) {
            out.push('\u{a0}');
        } else {
            out.push(c);
        }
    }
    out
}

/// Width of `text` in pixels at `size` (an estimate of half an em per character if the font
/// cannot measure it).
pub(crate) fn text_width(text: &str, size: u32) -> u32 {
    (FAMILY, size)
        .into_font()
        .box_size(text)
        .map_or(text.chars().count() as u32 * size / 2, |(width, _)| width)
}

/// Draws a dashed vertical or horizontal line.
pub(crate) fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    let length = (((to.0 - from.0).pow(2) + (to.1 - from.1).pow(2)) as f64).sqrt();
    let steps = (length / 6.0).floor() as i32;
    for step in (0..steps).step_by(2) {
        let at = |s: i32| {
            let t = f64::from(s) / f64::from(steps.max(1));
            (
                from.0 + ((to.0 - from.0) as f64 * t) as i32,
                from.1 + ((to.1 - from.1) as f64 * t) as i32,
            )
        };
        area.draw(&PathElement::new(
            vec![at(step), at(step + 1)],
            colour.stroke_width(2),
        ))?;
    }
    Ok(())
}

/// Round tick values covering `[min, max]`, about `count` of them.
pub(crate) fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let span = (max - min).abs().max(f64::EPSILON);
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(magnitude * 10.0);
    let first = (min / step).ceil() as i64;
    let last = (max / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_labels_fit_their_column_and_keep_punctuation_with_its_word() {
        register_font().expect("the embedded font loads");
        let label = "4. L'entretien a-t-il eu lieu dans un endroit où vous pouviez parler \
                     tranquillement, sans que d'autres personnes vous entendent ?";
        let lines = wrap(label, 14, 360, 3);
        assert!(lines.len() >= 2);
        for line in &lines {
            assert!(text_width(line, 14) <= 360, "{line:?} is too wide");
            assert!(
                !line.starts_with('?'),
                "a line never starts with the question mark"
            );
        }
        // Too long for three lines: cut with an ellipsis, still within the width.
        let long = label.repeat(4);
        let cut = wrap(&long, 14, 360, 3);
        assert_eq!(cut.len(), 3);
        assert!(cut[2].ends_with('…') && text_width(&cut[2], 14) <= 360);
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 100.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(-10.0, 10.0, 4), [-10.0, -5.0, 0.0, 5.0, 10.0]);
    }
}
