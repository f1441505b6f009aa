//! Horizontal bar charts, drawn by the server as SVG: readable without JavaScript, crisp when
//! printed. Positions across are percentages of the width and rows are fixed pixel heights,
//! so a 360 px phone shows the same legible text as a laptop (a scaled `viewBox` would shrink
//! the labels to nothing). The chart is one image to assistive technology, named by its
//! summary; the table beside it holds the numbers.

use leptos::prelude::*;

/// Height of a row's label line, in pixels.
const LABEL_HEIGHT: u32 = 18;
/// Height of one bar.
const BAR_HEIGHT: u32 = 14;
/// Space under each bar.
const BAR_GAP: u32 = 3;
/// Space under each row.
const ROW_GAP: u32 = 9;
/// The longest bar, in percent of the width; the rest is room for its number.
const LONGEST_BAR: f64 = 80.0;
/// Labels longer than this are cut, since SVG text does not wrap.
const LABEL_CHARS: usize = 48;

/// One series of numbers (one bar per row), with the style class that colours it.
#[derive(Debug, Clone)]
pub struct Series {
    /// Its name, in the legend.
    pub name: String,
    /// `chart-a`, `chart-b`, …
    pub class: &'static str,
}

/// One row: its label and one number per series.
#[derive(Debug, Clone)]
pub struct BarRow {
    /// What the row counts.
    pub label: String,
    /// One number per series.
    pub values: Vec<u64>,
}

/// Where one bar goes.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    y: u32,
    width_percent: f64,
    value: u64,
    series: usize,
}

/// Where one row goes.
#[derive(Debug, Clone, PartialEq)]
struct RowPlace {
    label_y: u32,
    label: String,
    bars: Vec<Bar>,
}

/// The rows placed top to bottom, all on one scale, and the chart's height.
fn layout(rows: &[BarRow]) -> (Vec<RowPlace>, u32) {
    let largest = rows
        .iter()
        .flat_map(|row| row.values.iter().copied())
        .max()
        .unwrap_or(0);
    let mut y = 0;
    let mut placed = Vec::with_capacity(rows.len());
    for row in rows {
        let label_y = y + LABEL_HEIGHT - 5;
        y += LABEL_HEIGHT;
        let mut bars = Vec::with_capacity(row.values.len());
        for (series, value) in row.values.iter().copied().enumerate() {
            let width_percent = if largest == 0 {
                0.0
            } else {
                value as f64 / largest as f64 * LONGEST_BAR
            };
            bars.push(Bar {
                y,
                width_percent,
                value,
                series,
            });
            y += BAR_HEIGHT + BAR_GAP;
        }
        y += ROW_GAP;
        placed.push(RowPlace {
            label_y,
            label: shortened(&row.label),
            bars,
        });
    }
    (placed, y)
}

fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The chart, named `summary` for screen readers; `number` writes each value.
pub fn bar_chart(
    summary: String,
    series: Vec<Series>,
    rows: Vec<BarRow>,
    number: impl Fn(u64) -> String,
) -> impl IntoView {
    let (placed, height) = layout(&rows);
    let legend = (series.len() > 1).then(|| {
        view! {
            <ul class="chart-legend" aria-hidden="true">
                {series.iter().map(|s| view! {
                    <li><span class=format!("chart-swatch {}", s.class)></span>{s.name.clone()}</li>
                }).collect_view()}
            </ul>
        }
    });
    let class_of = |index: usize| series.get(index).map_or("chart-a", |s| s.class);
    let drawn = placed
        .into_iter()
        .map(|row| {
            let bars = row
                .bars
                .iter()
                .map(|bar| {
                    view! {
                        <rect x="0" y=bar.y width=format!("{:.2}%", bar.width_percent)
                            height=BAR_HEIGHT class=class_of(bar.series)></rect>
                        <text x="100%" y=bar.y + BAR_HEIGHT - 3 text-anchor="end"
                            class="chart-value">{number(bar.value)}</text>
                    }
                })
                .collect_view();
            view! {
                <text x="0" y=row.label_y class="chart-label">{row.label}</text>
                {bars}
            }
        })
        .collect_view();
    view! {
        <div class="chart">
            {legend}
            <svg class="bar-chart" xmlns="http://www.w3.org/2000/svg" width="100%" height=height
                role="img" aria-label=summary>
                {drawn}
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(label: &str, values: &[u64]) -> BarRow {
        BarRow {
            label: label.to_owned(),
            values: values.to_vec(),
        }
    }

    #[test]
    fn bars_share_one_scale_and_the_largest_is_the_longest() {
        let (placed, height) = layout(&[row("Dongkelor", &[40, 10]), row("Dapur", &[20, 0])]);
        let widths: Vec<f64> = placed
            .iter()
            .flat_map(|r| r.bars.iter().map(|b| b.width_percent))
            .collect();
        assert_eq!(widths, [LONGEST_BAR, 20.0, 40.0, 0.0]);
        // Two rows, each a label and two bars.
        assert_eq!(
            height,
            2 * (LABEL_HEIGHT + 2 * (BAR_HEIGHT + BAR_GAP) + ROW_GAP)
        );
        assert!(
            placed[1].label_y > placed[0].bars[1].y,
            "rows do not overlap"
        );
    }

    #[test]
    fn nothing_counted_draws_no_bar_and_long_labels_are_cut() {
        let (placed, _) = layout(&[row(&"a".repeat(80), &[0])]);
        assert_eq!(placed[0].bars[0].width_percent, 0.0);
        assert_eq!(placed[0].label.chars().count(), LABEL_CHARS);
        assert!(placed[0].label.ends_with('…'));
    }
}
