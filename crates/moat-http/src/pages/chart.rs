//! Events and actions per minute as an inline SVG bar chart: no script, no library, readable
//! on any screen (it scales to the width), and built from numbers only.

use maud::Markup;

use super::layout::trusted;

/// `series` is (minute since the epoch, events, actions), oldest first.
pub fn per_minute(series: &[(u64, u32, u32)]) -> Markup {
    let (w, h, pad_l, pad_b) = (720.0_f64, 170.0_f64, 34.0_f64, 18.0_f64);
    let n = series.len().max(1) as f64;
    let max = series.iter().map(|s| s.1.max(s.2)).max().unwrap_or(0).max(1) as f64;
    let bw = (w - pad_l) / n;
    let y = |v: u32| (h - pad_b) * (1.0 - f64::from(v) / max);
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="events and actions per minute"><line x1="{pad_l}" y1="{b}" x2="{w}" y2="{b}" stroke="#c4cad6"/><text x="0" y="10">{max}</text><text x="0" y="{b}">0</text>"##,
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
        if minute % 30 == 0 {
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
}
