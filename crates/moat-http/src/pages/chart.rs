//! Events and actions per minute as an inline SVG bar chart: no script, no library, readable
//! on any screen (it scales to the width), and built from numbers only.

use maud::Markup;

use super::layout::trusted;

/// The part of `series` worth drawing: from a little before its first minute with anything
/// in it (a dashboard that started ten minutes ago shows ten minutes, not three hours of
/// nothing), never less than [`MIN_MINUTES`].
pub fn trimmed(series: &[(u64, u32, u32)]) -> &[(u64, u32, u32)] {
    let first = series.iter().position(|s| s.1 > 0 || s.2 > 0).unwrap_or(series.len());
    let start = first.saturating_sub(2).min(series.len().saturating_sub(MIN_MINUTES));
    &series[start..]
}

/// The shortest span the chart shows.
pub const MIN_MINUTES: usize = 30;

/// "the last 45 minutes", "the last 3 hours": what a series of `n` minutes covers.
pub fn span_words(n: usize) -> String {
    if n >= 120 && n.is_multiple_of(60) {
        format!("last {} hours", n / 60)
    } else if n >= 120 {
        format!("last {:.1} hours", n as f64 / 60.0)
    } else {
        format!("last {n} minutes")
    }
}

/// `series` is (minute since the epoch, events, actions), oldest first.
pub fn per_minute(series: &[(u64, u32, u32)]) -> Markup {
    let every = match series.len() {
        0..=40 => 5,
        41..=90 => 15,
        _ => 30,
    };
    let (w, h, pad_l, pad_b) = (720.0_f64, 170.0_f64, 34.0_f64, 18.0_f64);
    let n = series.len().max(1) as f64;
    let max = series.iter().map(|s| s.1.max(s.2)).max().unwrap_or(0).max(1) as f64;
    let bw = (w - pad_l) / n;
    let y = |v: u32| (h - pad_b) * (1.0 - f64::from(v) / max);
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="events and actions per minute"><line x1="{pad_l}" y1="{b}" x2="{w}" y2="{b}" stroke="#c4cad6"/><text x="0" y="2" dominant-baseline="hanging">{max}</text><text x="0" y="{b}">0</text>"##,
        b = h - pad_b,
        max = max as u64
    );
    for (i, &(minute, ev, ac)) in series.iter().enumerate() {
        let x = pad_l + i as f64 * bw;
        if ev > 0 {
            svg += &format!(
                r#"<rect class="events" x="{x:.1}" y="{:.1}" width="{:.2}" height="{:.1}"><title>{ev} events</title></rect>"#,
                y(ev),
                bw.max(1.0),
                (h - pad_b) - y(ev)
            );
        }
        if ac > 0 {
            let aw = (bw * 0.6).max(1.0);
            svg += &format!(
                r#"<rect class="actions" x="{:.1}" y="{:.1}" width="{aw:.2}" height="{:.1}"><title>{ac} actions</title></rect>"#,
                x + (bw - aw) / 2.0,
                y(ac),
                ((h - pad_b) - y(ac)).max(1.5)
            );
        }
        // A label too close to the right edge would be cut off.
        if minute.is_multiple_of(every) && x < w - 40.0 {
            let t = minute % (24 * 60);
            svg += &format!(r##"<text x="{x:.1}" y="{h}">{:02}:{:02}</text>"##, t / 60, t % 60);
        }
    }
    svg += "</svg>";
    trusted(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_for_events_and_actions_only() {
        let s = per_minute(&[(0, 10, 0), (1, 0, 0), (2, 4, 2)]).into_string();
        assert_eq!(s.matches("class=\"events\"").count(), 2);
        assert_eq!(s.matches("class=\"actions\"").count(), 1);
        assert!(s.contains("00:00") && s.contains(">10<"));
    }

    #[test]
    fn the_chart_starts_near_the_first_minute_with_anything() {
        let mut series: Vec<(u64, u32, u32)> = (0..180).map(|m| (m, 0, 0)).collect();
        assert_eq!(trimmed(&series).len(), MIN_MINUTES, "nothing yet: the last half hour");
        series[100].1 = 3;
        let t = trimmed(&series);
        assert_eq!((t[0].0, t.len()), (98, 82), "from two minutes before the first event");
        series[1].2 = 1;
        assert_eq!(trimmed(&series).len(), 180, "three hours of history: all of it");
        assert_eq!(span_words(180), "last 3 hours");
        assert_eq!(span_words(82), "last 82 minutes");
    }
}
