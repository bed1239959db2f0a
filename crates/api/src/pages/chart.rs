//! Bar charts drawn on the server as SVG, for the statistics page: no script, no font files,
//! nothing from another host. Every chart names itself (`<title>`, `<desc>`, `role="img"`),
//! every bar carries its label and value in words (`<title>` and a printed value) and its
//! number in `data-value`; the page shows the same numbers in a table.
//!
//! Written by hand rather than with a plotting crate: the SVG backend of `plotters` lays out
//! text with font metrics (a font file or the system's fonts) and has no `<title>`/`<desc>`;
//! a bar chart needs neither.

use maud::{html, Markup};

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What the bar stands for: a department, an item, a day.
    pub label: String,
    /// Its value; `None` when there is nothing to measure (no bar, a dash).
    pub value: Option<f64>,
    /// The value in words, printed by the bar (e.g. `87.5%`).
    pub text: String,
}

/// A chart: its accessible name and description, the bars, and the top of the value axis
/// (`None`: a round number at or above the largest value).
pub struct Chart<'a> {
    /// Prefix of the element ids (`{id}-title`, `{id}-desc`), unique on the page.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub max: Option<f64>,
    pub bars: &'a [Bar],
}

/// Width of every chart in SVG units; the stylesheet scales it to the page.
pub const WIDTH: f64 = 640.0;
/// Horizontal bars: the label column on the left, the value column on the right.
const LABEL_W: f64 = 170.0;
const VALUE_W: f64 = 70.0;
const ROW_H: f64 = 28.0;
const BAR_H: f64 = 18.0;
/// Columns: the value axis on the left, the labels under the plot.
const AXIS_W: f64 = 48.0;
const PLOT_H: f64 = 200.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;
/// At most this many labels under a column chart; the others are in each column's title.
const MAX_COLUMN_LABELS: usize = 12;
/// Labels longer than this many characters are cut with an ellipsis (the full label is in
/// the bar's title and the table).
const MAX_LABEL_CHARS: usize = 11;

const BAR_FILL: &str = "#1f5f8b";
const INK: &str = "#1b1b1b";
const GRID: &str = "#c8ccd0";

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `x`; 1 for zero,
/// negative or non-finite input, so that an axis always has a positive top.
pub fn nice_ceiling(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let candidate = step * power;
        // Guard against 0.30000000000000004-style excess.
        if candidate >= x * (1.0 - 1e-12) {
            return candidate;
        }
    }
    10.0 * power
}

/// The top of the value axis: the chart's fixed maximum, else a round number at or above
/// its largest value.
pub fn axis_max(chart: &Chart) -> f64 {
    match chart.max {
        Some(m) if m.is_finite() && m > 0.0 => m,
        _ => nice_ceiling(
            chart
                .bars
                .iter()
                .filter_map(|b| b.value)
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max),
        ),
    }
}

/// The length of `value` on an axis from 0 to `max` drawn `span` long: within `[0, span]`,
/// and 0 when the axis or the value makes no sense (no division by zero, no NaN).
pub fn scale(value: f64, max: f64, span: f64) -> f64 {
    let sane = max.is_finite() && max > 0.0 && value.is_finite() && span > 0.0;
    if !sane {
        return 0.0;
    }
    (value / max).clamp(0.0, 1.0) * span
}

/// A number for an SVG attribute: at most two decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let s = format!("{:.2}", if x.is_finite() { x } else { 0.0 });
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

fn bar_title(bar: &Bar) -> String {
    format!("{}: {}", bar.label, bar.text)
}

/// The frame every chart shares: size, accessible name and description.
fn frame(chart: &Chart, height: f64, body: Markup) -> Markup {
    let title_id = format!("{}-title", chart.id);
    let desc_id = format!("{}-desc", chart.id);
    html! {
        svg.chart id=(chart.id) xmlns="http://www.w3.org/2000/svg" role="img"
            width=(num(WIDTH)) height=(num(height))
            viewBox={ "0 0 " (num(WIDTH)) " " (num(height)) }
            aria-labelledby={ (title_id) " " (desc_id) }
            font-size="13" fill=(INK) {
            title id=(title_id) { (chart.title) }
            desc id=(desc_id) { (chart.desc) }
            (body)
        }
    }
}

/// Horizontal bars, one row per bar, label on the left and value on the right: for
/// categories with long names (departments, items).
pub fn horizontal(chart: &Chart) -> Markup {
    let max = axis_max(chart);
    let span = WIDTH - LABEL_W - VALUE_W;
    let rows = chart.bars.len().max(1) as f64;
    let axis_y = TOP + rows * ROW_H;
    let height = axis_y + 24.0;
    let body = html! {
        @for tick in [0.0, max / 2.0, max] {
            @let x = LABEL_W + scale(tick, max, span);
            line x1=(num(x)) x2=(num(x)) y1=(num(TOP)) y2=(num(axis_y)) stroke=(GRID) stroke-width="1" {}
            text x=(num(x)) y=(num(axis_y + 16.0)) text-anchor="middle" font-size="11" { (num(tick)) }
        }
        @if chart.bars.is_empty() {
            text x=(num(LABEL_W + span / 2.0)) y=(num(TOP + ROW_H / 2.0 + 4.0)) text-anchor="middle" { "—" }
        }
        @for (i, bar) in chart.bars.iter().enumerate() {
            @let y = TOP + i as f64 * ROW_H;
            @let mid = y + ROW_H / 2.0 + 4.0;
            g.bar {
                title { (bar_title(bar)) }
                text x=(num(LABEL_W - 8.0)) y=(num(mid)) text-anchor="end" { (short(&bar.label)) }
                @if let Some(v) = bar.value {
                    @let w = scale(v, max, span);
                    rect x=(num(LABEL_W)) y=(num(y + (ROW_H - BAR_H) / 2.0)) width=(num(w)) height=(num(BAR_H))
                        fill=(BAR_FILL) data-value=(num(v)) {}
                    text x=(num(LABEL_W + w + 6.0)) y=(num(mid)) { (bar.text) }
                } @else {
                    text x=(num(LABEL_W + 6.0)) y=(num(mid)) { (bar.text) }
                }
            }
        }
    };
    frame(chart, height, body)
}

/// Vertical columns along the period, value axis on the left: for a series over time.
/// Only every n-th label is printed under the plot when there are many columns.
pub fn columns(chart: &Chart) -> Markup {
    let max = axis_max(chart);
    let n = chart.bars.len().max(1);
    let plot_w = WIDTH - AXIS_W - 8.0;
    let slot = plot_w / n as f64;
    let bar_w = slot * 0.7;
    let base = TOP + PLOT_H;
    let every = n.div_ceil(MAX_COLUMN_LABELS).max(1);
    let height = base + BOTTOM;
    let body = html! {
        @for tick in [0.0, max / 2.0, max] {
            @let y = base - scale(tick, max, PLOT_H);
            line x1=(num(AXIS_W)) x2=(num(WIDTH - 8.0)) y1=(num(y)) y2=(num(y)) stroke=(GRID) stroke-width="1" {}
            text x=(num(AXIS_W - 6.0)) y=(num(y + 4.0)) text-anchor="end" font-size="11" { (num(tick)) }
        }
        @if chart.bars.is_empty() {
            text x=(num(AXIS_W + plot_w / 2.0)) y=(num(base - PLOT_H / 2.0)) text-anchor="middle" { "—" }
        }
        @for (i, bar) in chart.bars.iter().enumerate() {
            @let x = AXIS_W + i as f64 * slot + (slot - bar_w) / 2.0;
            @let v = bar.value.unwrap_or(0.0);
            @let h = scale(v, max, PLOT_H);
            g.bar {
                title { (bar_title(bar)) }
                rect x=(num(x)) y=(num(base - h)) width=(num(bar_w)) height=(num(h))
                    fill=(BAR_FILL) data-value=(num(v)) {}
                @if i % every == 0 {
                    text x=(num(x + bar_w / 2.0)) y=(num(base + 16.0)) text-anchor="middle" font-size="11" {
                        (short(&bar.label))
                    }
                }
            }
        }
    };
    frame(chart, height, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<f64>) -> Bar {
        Bar {
            label: label.into(),
            value,
            text: value.map_or("—".into(), num),
        }
    }

    fn chart<'a>(bars: &'a [Bar], max: Option<f64>) -> Chart<'a> {
        Chart {
            id: "c",
            title: "标题",
            desc: "说明",
            max,
            bars,
        }
    }

    /// The `attr` values of every `<rect>` in `svg`, in order.
    fn rect_attr(svg: &str, attr: &str) -> Vec<String> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let at = r.find(&format!(" {attr}=\"")).expect("attribute") + attr.len() + 3;
                r[at..at + r[at..].find('"').expect("end")].to_owned()
            })
            .collect()
    }

    #[test]
    fn round_axis_tops() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(-3.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(100.0), 100.0);
    }

    #[test]
    fn scale_never_divides_by_zero_or_leaves_the_axis() {
        assert_eq!(scale(5.0, 10.0, 400.0), 200.0);
        assert_eq!(scale(5.0, 0.0, 400.0), 0.0);
        assert_eq!(scale(f64::NAN, 10.0, 400.0), 0.0);
        assert_eq!(scale(5.0, f64::INFINITY, 400.0), 0.0);
        assert_eq!(scale(-1.0, 10.0, 400.0), 0.0);
        assert_eq!(scale(20.0, 10.0, 400.0), 400.0);
    }

    #[test]
    fn numbers_for_attributes() {
        assert_eq!(num(200.0), "200");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(1.0 / 3.0), "0.33");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn horizontal_bars_are_scaled_to_the_fixed_maximum() {
        let bars = [
            bar("县公安局", Some(50.0)),
            bar("县民政局", Some(100.0)),
            bar("无办件", None),
        ];
        let svg = horizontal(&chart(&bars, Some(100.0))).into_string();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"c-title\">标题</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">说明</desc>"));
        assert!(svg.contains("aria-labelledby=\"c-title c-desc\""));
        // 400 units of bar span: 50 of 100 is half of it.
        assert_eq!(rect_attr(&svg, "width"), ["200", "400"]);
        assert_eq!(rect_attr(&svg, "data-value"), ["50", "100"]);
        // The bar without a value has no rectangle, but its label and a dash.
        assert!(svg.contains("<title>无办件: —</title>"));
        assert!(svg.contains("<title>县公安局: 50</title>"));
    }

    #[test]
    fn columns_scale_to_a_round_top_and_label_sparsely() {
        let bars: Vec<Bar> = (0..30)
            .map(|i| bar(&format!("d{i}"), Some(if i == 3 { 4.0 } else { 0.0 })))
            .collect();
        let svg = columns(&chart(&bars, None)).into_string();
        let heights = rect_attr(&svg, "height");
        assert_eq!(heights.len(), 30);
        // Top of the axis 5 (round above 4): 4 of 5 is 160 of 200 units.
        assert_eq!(heights[3], "160");
        assert!(heights.iter().enumerate().all(|(i, h)| i == 3 || h == "0"));
        assert_eq!(rect_attr(&svg, "data-value")[3], "4");
        // 30 columns, at most 12 labels: every third.
        assert!(svg.contains(">d0</text>") && svg.contains(">d3</text>"));
        assert!(!svg.contains(">d1</text>"));
    }

    #[test]
    fn empty_and_all_zero_charts_draw_an_axis_and_no_bar() {
        for svg in [
            horizontal(&chart(&[], None)).into_string(),
            columns(&chart(&[], None)).into_string(),
        ] {
            assert!(!svg.contains("<rect"), "{svg}");
            assert!(svg.contains("—"));
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
        let zeros = [bar("a", Some(0.0)), bar("b", Some(0.0))];
        let svg = horizontal(&chart(&zeros, None)).into_string();
        assert_eq!(rect_attr(&svg, "width"), ["0", "0"]);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn long_labels_are_cut_but_kept_whole_in_the_title() {
        let long = "县市场监督管理局食品经营许可科";
        let bars = [bar(long, Some(1.0))];
        let svg = horizontal(&chart(&bars, None)).into_string();
        assert!(svg.contains(&format!("<title>{long}: 1</title>")));
        assert!(svg.contains(">县市场监督管理局食品…</text>"), "{svg}");
    }
}
