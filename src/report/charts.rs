//! Chart geometry. Every coordinate is computed here and formatted to one decimal, so the
//! templates only place shapes and the same results always draw the same bytes.

use serde::Serialize;

use super::Lang;
use super::messages as m;
use super::names;

/// Width of a score bar in SVG user units; a score of 1.0 fills it.
pub(super) const BAR_WIDTH: f64 = 240.0;

/// Tolerance for comparing a score with its threshold, the same the grade uses, so the colour
/// of a bar never disagrees with the ladder.
const EPSILON: f64 = 1e-9;

#[derive(Debug, Serialize)]
pub(super) struct ScoreBar {
    pub fill_width: String,
    pub threshold_x: Option<String>,
    /// `ok` (threshold met), `below` (threshold missed) or `plain` (no threshold).
    pub class: &'static str,
}

pub(super) fn score_bar(score: f64, threshold: Option<f64>) -> ScoreBar {
    let class = match threshold {
        Some(t) if score + EPSILON < t => "below",
        Some(_) => "ok",
        None => "plain",
    };
    ScoreBar {
        fill_width: coord(score.clamp(0.0, 1.0) * BAR_WIDTH),
        threshold_x: threshold.map(|t| coord(t.clamp(0.0, 1.0) * BAR_WIDTH)),
        class,
    }
}

pub(super) fn below(score: f64, threshold: Option<f64>) -> bool {
    threshold.is_some_and(|t| score + EPSILON < t)
}

fn coord(v: f64) -> String {
    format!("{v:.1}")
}

const HIST_WIDTH: f64 = 640.0;
const HIST_HEIGHT: f64 = 220.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = HIST_WIDTH - 24.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = HIST_HEIGHT - 40.0;
/// About this many buckets; the step is rounded to 1, 2, 2.5 or 5 times a power of ten.
const TARGET_BUCKETS: f64 = 10.0;

#[derive(Debug, Serialize)]
pub(super) struct Histogram {
    pub width: String,
    pub height: String,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    pub bars: Vec<HistBar>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub x_title: Point,
    pub y_title: Point,
    pub stats: Vec<Stat>,
}

#[derive(Debug, Serialize)]
pub(super) struct HistBar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Tick {
    /// Position along the axis the tick belongs to.
    pub pos: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Point {
    pub x: String,
    pub y: String,
}

#[derive(Debug, Serialize)]
pub(super) struct Stat {
    pub label: &'static str,
    pub value: String,
}

/// A histogram of latencies in milliseconds; `None` when there are none to draw.
pub(super) fn latency_histogram(latencies: &[f64], lang: Lang) -> Option<Histogram> {
    let mut values: Vec<f64> = latencies
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .map(|v| v.max(0.0))
        .collect();
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let max = values[values.len() - 1];
    let step = nice_step(max / TARGET_BUCKETS);
    let n = ((max / step).ceil() as usize).max(1);
    let mut counts = vec![0usize; n];
    for v in &values {
        let i = ((v / step).floor() as usize).min(n - 1);
        counts[i] += 1;
    }
    let top_count = counts.iter().copied().max().unwrap_or(1).max(1);
    let decimals = decimals_of(step);
    let label = |i: usize| format!("{:.*}", decimals, i as f64 * step);

    let slot = (RIGHT - LEFT) / n as f64;
    let plot_h = BOTTOM - TOP;
    let bars = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let h = c as f64 / top_count as f64 * plot_h;
            HistBar {
                x: coord(LEFT + i as f64 * slot + 1.0),
                y: coord(BOTTOM - h),
                width: coord((slot - 2.0).max(0.5)),
                height: coord(h),
                title: m::LATENCY_BUCKET.fill(
                    lang,
                    &[
                        ("from", &label(i)),
                        ("to", &label(i + 1)),
                        ("n", &c.to_string()),
                    ],
                ),
            }
        })
        .collect();
    let x_ticks = (0..=n)
        .map(|i| Tick {
            pos: coord(LEFT + i as f64 * slot),
            label: label(i),
        })
        .collect();
    let mut y_values = vec![0, top_count];
    if top_count >= 4 {
        y_values.insert(1, top_count / 2);
    }
    let y_ticks = y_values
        .into_iter()
        .map(|c| Tick {
            pos: coord(BOTTOM - c as f64 / top_count as f64 * plot_h),
            label: c.to_string(),
        })
        .collect();
    Some(Histogram {
        width: coord(HIST_WIDTH),
        height: coord(HIST_HEIGHT),
        left: coord(LEFT),
        right: coord(RIGHT),
        top: coord(TOP),
        bottom: coord(BOTTOM),
        bars,
        x_ticks,
        y_ticks,
        x_title: Point {
            x: coord((LEFT + RIGHT) / 2.0),
            y: coord(HIST_HEIGHT - 6.0),
        },
        y_title: Point {
            x: coord(LEFT),
            y: coord(TOP - 10.0),
        },
        stats: stats(&values, lang),
    })
}

/// Count, extremes, mean and nearest-rank percentiles of sorted, non-empty `values`.
fn stats(values: &[f64], lang: Lang) -> Vec<Stat> {
    let rank = |p: f64| {
        let i = (p * values.len() as f64).ceil() as usize;
        values[i.clamp(1, values.len()) - 1]
    };
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    vec![
        Stat {
            label: m::TURNS.get(lang),
            value: values.len().to_string(),
        },
        Stat {
            label: m::MIN.get(lang),
            value: names::ms(values[0]),
        },
        Stat {
            label: m::MEDIAN.get(lang),
            value: names::ms(rank(0.5)),
        },
        Stat {
            label: m::P90.get(lang),
            value: names::ms(rank(0.9)),
        },
        Stat {
            label: m::P95.get(lang),
            value: names::ms(rank(0.95)),
        },
        Stat {
            label: m::MAX.get(lang),
            value: names::ms(values[values.len() - 1]),
        },
        Stat {
            label: m::MEAN.get(lang),
            value: names::ms(mean),
        },
    ]
}

/// The smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`. Powers of ten are found by
/// repeated multiplication rather than `log10`, whose last bit may differ between platforms.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 {
        return 1.0;
    }
    let mut mag = 1.0;
    while mag * 10.0 <= raw {
        mag *= 10.0;
    }
    while mag > raw {
        mag /= 10.0;
    }
    [1.0, 2.0, 2.5, 5.0]
        .into_iter()
        .map(|f| f * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// Decimals needed to print multiples of `step` exactly (at most 6).
fn decimals_of(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_nice() {
        assert_eq!(nice_step(93.0), 100.0);
        assert_eq!(nice_step(120.0), 200.0);
        assert_eq!(nice_step(210.0), 250.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert!((nice_step(0.031) - 0.05).abs() < 1e-12);
        assert_eq!(decimals_of(250.0), 0);
        assert_eq!(decimals_of(0.25), 2);
    }

    #[test]
    fn histogram_counts_every_value_once() {
        let h =
            latency_histogram(&[10.0, 120.0, 130.0, 990.0, 1000.0, f64::NAN], Lang::En).unwrap();
        assert_eq!(h.bars.len(), 10);
        assert_eq!(h.x_ticks.first().unwrap().label, "0");
        assert_eq!(h.x_ticks.last().unwrap().label, "1000");
        assert_eq!(h.bars[1].title, "100–200 ms: 2 turns");
        assert_eq!(h.bars[9].title, "900–1000 ms: 2 turns");
        assert_eq!(h.stats[0].value, "5");
        assert_eq!(h.stats[2].value, "130 ms");
        assert!(latency_histogram(&[], Lang::En).is_none());
    }

    #[test]
    fn all_zero_latencies_still_draw() {
        let h = latency_histogram(&[0.0, 0.0], Lang::Zh).unwrap();
        assert_eq!(h.bars.len(), 1);
        assert_eq!(h.bars[0].height, coord(BOTTOM - TOP));
    }

    #[test]
    fn bars_show_thresholds_only_when_given() {
        let b = score_bar(0.5, Some(0.8));
        assert_eq!(
            (b.fill_width.as_str(), b.threshold_x.as_deref(), b.class),
            ("120.0", Some("192.0"), "below")
        );
        let b = score_bar(0.8, Some(0.8));
        assert_eq!(b.class, "ok");
        let b = score_bar(1.2, None);
        assert_eq!(
            (b.fill_width.as_str(), b.threshold_x, b.class),
            ("240.0", None, "plain")
        );
    }
}
