//! The incident list: newest first, filtered by kind, detector and date, 50 a page.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use moat_core::Detector;
use moat_store::incidents::{IncidentFilter, IncidentSummary};
use serde::Deserialize;

use super::layout::{ago, page as frame, parse_date, when, Frame, Tab};
use crate::guard::GuildAccess;
use crate::server::{wall_ms, App};

pub const PAGE: u32 = 50;
const KINDS: &[&str] = &["raid", "flood", "campaign", "scam", "scraper", "automod", "containment"];

#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    detector: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: u32,
}

impl Filters {
    /// The store's filter, and what in the query could not be read.
    fn filter(&self) -> (IncidentFilter, Vec<String>) {
        let mut bad = Vec::new();
        let mut f = IncidentFilter { limit: PAGE, offset: self.page.min(10_000) * PAGE, ..Default::default() };
        if !self.kind.is_empty() {
            f.kind = Some(self.kind.clone());
        }
        if !self.detector.is_empty() {
            match Detector::parse(&self.detector) {
                Some(d) => f.detector = Some(d),
                None => bad.push(format!("no detector is called `{}`", self.detector)),
            }
        }
        for (text, slot, end) in [(&self.from, &mut f.from, false), (&self.to, &mut f.until, true)] {
            if text.is_empty() {
                continue;
            }
            match parse_date(text) {
                Some(t) => *slot = Some(if end { t + 86_400_000 } else { t }),
                None => bad.push(format!("`{text}` is not a date (YYYY-MM-DD)")),
            }
        }
        (f, bad)
    }

    fn query(&self, page: u32) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("kind", &self.kind)
            .append_pair("detector", &self.detector)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .append_pair("page", &page.to_string())
            .finish()
    }
}

/// Rows of incidents (the overview shows the same table).
pub fn table(guild: u64, list: &[IncidentSummary], now: u64) -> Markup {
    html! {
        table.stack.incidents {
            thead { tr { th { "Opened" } th { "Kind" } th { "Detector" } th.num { "Members" } th.num { "Actions" } th { "Status" } } }
            tbody { @for i in list {
                tr {
                    td data-label="Opened" { a href={"/g/" (guild) "/incidents/" (i.incident.get())} { (ago(i.opened_at, now)) } }
                    td data-label="Kind" { (i.kind) }
                    td data-label="Detector" { (i.detector.as_str()) }
                    td.num data-label="Members" { (i.members) }
                    td.num data-label="Actions" { (i.action_count) }
                    td data-label="Status" { span.badge.(i.status()) { (i.status()) } }
                }
            } }
        }
    }
}

fn select(name: &str, label: &str, options: &[&str], current: &str) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" selected[current.is_empty()] { "all" }
                @for o in options { option value=(o) selected[*o == current] { (o) } }
            }
        }
    }
}

pub async fn page(State(app): State<Arc<App>>, acc: GuildAccess, Query(q): Query<Filters>) -> Response {
    let t = Instant::now();
    let (filter, bad) = q.filter();
    let scope = match app.sources.store.guild(acc.guild.id) {
        Ok(s) => s,
        Err(e) => return super::store_failed(e),
    };
    let list = match scope.incidents_where(&filter).await {
        Ok(l) => l,
        Err(e) => return super::store_failed(e),
    };
    let now = wall_ms();
    let g = acc.guild.id.0;
    let detectors: Vec<&str> = Detector::ALL.iter().map(|d| d.as_str()).collect();
    let out = frame(
        Frame { title: "Incidents", session: Some(&acc.session), guild: Some(&acc.guild), tab: Tab::Incidents },
        html! {
            h1 { "Incidents" }
            section.card {
                form.filters method="get" {
                    (select("kind", "Kind", KINDS, &q.kind))
                    (select("detector", "Detector", &detectors, &q.detector))
                    label { "From" input type="date" name="from" value=(q.from); }
                    label { "To" input type="date" name="to" value=(q.to); }
                    button.primary type="submit" { "Filter" }
                    a.button href={"/g/" (g) "/incidents"} { "Clear" }
                }
            }
            @for b in &bad { div.error { (b) } }
            section.card {
                @if list.is_empty() {
                    p.muted { "No incident matches." }
                } @else {
                    div.scroll { (table(g, &list, now)) }
                    p.muted { "Newest first. Times are relative to now; the incident page gives them in UTC (" (when(now)) ")." }
                }
                p {
                    @if q.page > 0 { a.button href={"?" (q.query(q.page - 1))} { "Newer" } " " }
                    @if list.len() as u32 == PAGE { a.button href={"?" (q.query(q.page + 1))} { "Older" } }
                }
            }
        },
    );
    app.metrics.page("incidents", t.elapsed().as_secs_f64());
    out.into_response()
}
