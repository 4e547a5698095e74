//! Charts as SVG text, drawn by `plotters`' SVG backend. Text is laid out by
//! plotters' own estimate (no font files are read), so the same figures give
//! the same bytes on any machine. Amounts stay exact decimals everywhere
//! else; only pixel positions are computed here, from `f64` copies.

use plotters::coord::Shift;
use plotters::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Fill colors of series, in order (Okabe–Ito, readable by the colour-blind).
pub const PALETTE: &[RGBColor] = &[
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

const WIDTH: u32 = 880;

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

/// A chart label: control characters shown as escapes, cut to 40 characters.
fn label(text: &str) -> String {
    let shown = charter_diagnostics::text::escape_control(text);
    let mut out: String = shown.chars().take(40).collect();
    if shown.chars().count() > 40 {
        out.push('…');
    }
    out
}

type Drawn = Result<(), String>;

fn draw(height: u32, paint: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Drawn) -> String {
    let mut svg = String::new();
    let result = {
        let backend = SVGBackend::with_string(&mut svg, (WIDTH, height));
        let root = backend.into_drawing_area();
        let painted = root
            .fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| paint(&root));
        painted.and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    match result {
        Ok(()) => svg,
        Err(e) => empty(&format!("the chart could not be drawn: {e}")),
    }
}

/// A placeholder of the same size for a chart with nothing to show.
pub fn empty(message: &str) -> String {
    draw_message(message)
}

fn draw_message(message: &str) -> String {
    let mut svg = String::new();
    {
        let backend = SVGBackend::with_string(&mut svg, (WIDTH, 120));
        let root = backend.into_drawing_area();
        let _ = root.fill(&WHITE);
        let _ = root.draw(&Text::new(
            label(message),
            (20, 55),
            ("sans-serif", 16).into_font().color(&BLACK),
        ));
        let _ = root.present();
    }
    svg
}

fn range_of(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for v in values {
        low = low.min(v);
        high = high.max(v);
    }
    if high - low < 1e-9 {
        high = low + 1.0;
    }
    let pad = (high - low) * 0.05;
    (if low < 0.0 { low - pad } else { low }, high + pad)
}

/// Bars per column (`columns[i]`), one segment per series, stacked: positive
/// amounts up from zero, negative ones (clawbacks) down.
pub fn stacked_bars(
    caption: &str,
    columns: &[String],
    series: &[String],
    values: &[Vec<Decimal>],
    currency: &str,
) -> String {
    if columns.is_empty() || series.is_empty() {
        return empty("no payouts");
    }
    // Each column's stacked extent, for the axis.
    let mut extents = Vec::new();
    for c in 0..columns.len() {
        let (mut up, mut down) = (0.0, 0.0);
        for row in values {
            let v = row.get(c).copied().map_or(0.0, f);
            if v >= 0.0 {
                up += v;
            } else {
                down += v;
            }
        }
        extents.push(up);
        extents.push(down);
    }
    let (low, high) = range_of(extents.into_iter());
    let n = columns.len();
    draw(420, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(label(caption), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(90)
            .build_cartesian_2d((0..n - 1).into_segmented(), low..high)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.min(24))
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => columns.get(*i).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc(label(currency))
            .draw()
            .map_err(|e| e.to_string())?;
        for (s, row) in values.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            let mut bars = Vec::new();
            for (c, v) in row.iter().enumerate() {
                let v = f(*v);
                if v == 0.0 {
                    continue;
                }
                // The segment starts where the series before it ended.
                let base: f64 = values[..s]
                    .iter()
                    .map(|r| r.get(c).copied().map_or(0.0, f))
                    .filter(|x| (*x >= 0.0) == (v >= 0.0))
                    .sum();
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(c), base),
                        (SegmentValue::Exact(c + 1), base + v),
                    ],
                    color.filled(),
                );
                bar.set_margin(0, 0, 6, 6);
                bars.push(bar);
            }
            chart
                .draw_series(bars)
                .map_err(|e| e.to_string())?
                .label(label(&series[s]))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| e.to_string())
    })
}

/// One horizontal bar per row, labelled on the left; negative values drawn
/// to the left of zero in the second color.
pub fn horizontal_bars(caption: &str, rows: &[(String, Decimal)], currency: &str) -> String {
    if rows.is_empty() {
        return empty("no partners");
    }
    let (low, high) = range_of(rows.iter().map(|(_, v)| f(*v)));
    let n = rows.len();
    let height = 90 + 28 * n as u32;
    draw(height, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(label(caption), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(200)
            .build_cartesian_2d(low..high, (0..n - 1).into_segmented())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| match y {
                // Row 0 at the top.
                SegmentValue::CenterOf(i) if *i < n => label(&rows[n - 1 - i].0),
                _ => String::new(),
            })
            .x_desc(label(currency))
            .draw()
            .map_err(|e| e.to_string())?;
        let bars = rows.iter().enumerate().map(|(i, (_, v))| {
            let y = n - 1 - i;
            let v = f(*v);
            let color = if v >= 0.0 { PALETTE[0] } else { PALETTE[5] };
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(y)),
                    (v, SegmentValue::Exact(y + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        });
        chart.draw_series(bars).map_err(|e| e.to_string())?;
        Ok(())
    })
}

/// One line per series over the columns, with values on a named scale
/// (`levels[0]` at the bottom); `None` draws at -1, "no tier".
pub fn level_lines(
    caption: &str,
    columns: &[String],
    levels: &[String],
    series: &[(String, Vec<Option<usize>>)],
) -> String {
    if columns.is_empty() || series.is_empty() || levels.is_empty() {
        return empty("no tier standings to show");
    }
    let n = columns.len();
    let top = levels.len() as f64;
    draw(380, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(label(caption), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(120)
            // Room on the right for the legend, clear of the lines.
            .build_cartesian_2d(-0.2f64..(n as f64 - 0.8) * 1.3 + 0.8, -1.4f64..top - 0.6)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n.min(24))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    columns.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_labels(levels.len() + 2)
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() > 1e-6 {
                    String::new()
                } else if i < 0.0 {
                    "no tier".to_string()
                } else {
                    levels.get(i as usize).map(|l| label(l)).unwrap_or_default()
                }
            })
            .draw()
            .map_err(|e| e.to_string())?;
        let count = series.len() as f64;
        for (s, (name, points)) in series.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            // Lines a little apart so that partners on one tier stay visible.
            let offset = (s as f64 - (count - 1.0) / 2.0) * 0.04;
            let line: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .map(|(x, t)| (x as f64, t.map_or(-1.0, |t| t as f64) + offset))
                .collect();
            chart
                .draw_series(LineSeries::new(line.clone(), color.stroke_width(3)))
                .map_err(|e| e.to_string())?
                .label(label(name))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(3))
                });
            chart
                .draw_series(line.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(|e| e.to_string())
    })
}
