//! The frame every page shares: a header with the guild's name and the navigation, the main
//! content, and the stylesheet and script served by this crate (no inline script, so the
//! Content-Security-Policy can forbid it).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::session::Session;
use crate::source::GuildInfo;

/// The page's place in the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Overview,
    Incidents,
    Settings,
    Links,
    None,
}

/// What the frame shows besides the content.
pub struct Frame<'a> {
    pub title: &'a str,
    pub session: Option<&'a Session>,
    pub guild: Option<&'a GuildInfo>,
    pub tab: Tab,
}

pub fn page(f: Frame<'_>, content: Markup) -> Markup {
    let g = f.guild.map(|g| g.id.0);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (f.title) " · moat" }
                link rel="stylesheet" href="/static/moat.css";
                script src="/static/moat.js" defer {}
            }
            body data-guild=[g] {
                header.top {
                    a.brand href="/" { "moat" }
                    @if let Some(guild) = f.guild {
                        span.guild { (guild.name) }
                        nav {
                            (tab(f.tab, Tab::Overview, "Overview", &format!("/g/{}", guild.id.0)))
                            (tab(f.tab, Tab::Incidents, "Incidents", &format!("/g/{}/incidents", guild.id.0)))
                            (tab(f.tab, Tab::Settings, "Settings", &format!("/g/{}/settings", guild.id.0)))
                            (tab(f.tab, Tab::Links, "Link checker", &format!("/g/{}/links", guild.id.0)))
                        }
                    }
                    @if let Some(s) = f.session {
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(s.csrf);
                            span.who { (s.name) }
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}

fn tab(current: Tab, this: Tab, label: &str, href: &str) -> Markup {
    html! { a href=(href) aria-current=[(current == this).then_some("page")] { (label) } }
}

/// A plain message page (errors, "not yours").
pub fn message(title: &str, text: &str, session: Option<&Session>) -> Markup {
    page(
        Frame { title, session, guild: None, tab: Tab::None },
        html! { section.card { h1 { (title) } p { (text) } p { a href="/" { "Back to your servers" } } } },
    )
}

/// A relative time for people: `in 14 min`, `3 h ago`.
pub fn ago(ts: u64, now: u64) -> String {
    let (d, future) = if ts > now { (ts - now, true) } else { (now - ts, false) };
    let s = d / 1000;
    let text = match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} days", s / 86_400),
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// A UTC date and time, `2026-12-01 11:42:05 UTC`.
pub fn when(ts: u64) -> String {
    format!("{} UTC", moat_store::cli::time::utc(ts))
}

/// `YYYY-MM-DD` to unix ms at 00:00 UTC.
pub fn parse_date(s: &str) -> Option<u64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    let (yy, mm) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400_000).ok()
}

/// Marks text as already escaped (for the inline SVG, built from numbers only).
pub fn trusted(s: String) -> PreEscaped<String> {
    PreEscaped(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        let t = parse_date("2026-12-01").unwrap();
        assert_eq!(when(t + 3_723_000), "2026-12-01 01:02:03 UTC");
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("x"), None);
        assert_eq!(ago(0, 90_000), "1 min ago");
        assert_eq!(ago(900_000, 0), "in 15 min");
    }
}
