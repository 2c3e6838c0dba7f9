//! The overview: the guild's state now (normal, raid, lockdown and how long it has left),
//! events and actions per minute over the last hours, the members under the most pressure,
//! recent flags and incidents. The part below the title is re-fetched live (`/live`) when
//! the guild's event stream says something happened.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use super::layout::{ago, when, Frame, Tab};
use crate::guard::GuildAccess;
use crate::server::{wall_ms, App};
use crate::source::GuildMode;

/// Minutes the chart shows.
pub const CHART_MINUTES: usize = 180;

pub async fn page(State(app): State<Arc<App>>, acc: GuildAccess) -> Response {
    let t = Instant::now();
    let body = match body(&app, &acc).await {
        Ok(b) => b,
        Err(e) => return super::store_failed(e),
    };
    let g = acc.guild.id.0;
    let out = page_frame(
        &acc,
        html! {
            div.state-head { h1 { "Overview" } span.muted { span.live-dot {} "live" } }
            div #live data-live={"/g/" (g) "/live"} data-stream={"/g/" (g) "/events"} { (body) }
        },
    );
    app.metrics.page("overview", t.elapsed().as_secs_f64());
    out.into_response()
}

fn page_frame(acc: &GuildAccess, content: Markup) -> Markup {
    super::layout::page(
        Frame { title: "Overview", session: Some(&acc.session), guild: Some(&acc.guild), tab: Tab::Overview },
        content,
    )
}

/// The live part alone.
pub async fn live(State(app): State<Arc<App>>, acc: GuildAccess) -> Response {
    match body(&app, &acc).await {
        Ok(b) => b.into_response(),
        Err(e) => super::store_failed(e),
    }
}

fn state_card(mode: GuildMode, now: u64) -> Markup {
    let what = match mode {
        GuildMode::Normal => "No raid. moat is watching.",
        GuildMode::Raid { .. } => "A raid is going on: new members are contained on arrival.",
        GuildMode::Lockdown { .. } => "Locked down: verification raised, invites paused.",
    };
    html! {
        section.card #state {
            div.state {
                span.big.badge.(mode.name()) #mode { (mode.name()) }
                div {
                    div { (what) }
                    @if let Some(until) = mode.until() {
                        div.muted #remaining { "Ends " (ago(until, now)) " (" (when(until)) ")" }
                    }
                }
            }
        }
    }
}

async fn body(app: &App, acc: &GuildAccess) -> moat_store::Result<Markup> {
    let now = wall_ms();
    let gid = acc.guild.id;
    let mut snap = app.sources.bot.snapshot(gid).unwrap_or_default();
    let scope = app.sources.store.guild(gid)?;
    // A lockdown the store holds (an open raid incident) says how long it has left, even
    // when the bot reports no more than "normal" (as after a restart).
    if let Some(l) = scope.lockdown().await? {
        snap.mode = match snap.mode {
            GuildMode::Lockdown { until } => GuildMode::Lockdown { until: until.or(Some(l.until)) },
            m @ (GuildMode::Raid { .. } | GuildMode::Normal) => GuildMode::Raid { until: until_or(m, l.until) },
        };
    }
    let incidents = scope.incidents(5).await?;
    let all = app.activity.series(gid, now, CHART_MINUTES);
    let series = super::chart::trimmed(&all);
    let (events, actions): (u64, u64) =
        series.iter().fold((0, 0), |(e, a), s| (e + u64::from(s.1), a + u64::from(s.2)));
    let flags = app.activity.flags(gid);
    Ok(html! {
        (state_card(snap.mode, now))
        section.card {
            h2 { "Events and actions per minute, " (super::chart::span_words(series.len())) }
            div.legend {
                span { i.ev {} (events) " events" }
                span { i.ac {} (actions) " actions" }
            }
            (super::chart::per_minute(series))
        }
        div.grid {
            section.card #pressure {
                h2 { "Under the most pressure" }
                @if snap.pressure.is_empty() {
                    p.muted { "Nobody is under pressure right now." }
                } @else {
                    table.stack { thead { tr { th { "Member" } th { "Pressure" } th.num { "of limit" } } }
                    tbody { @for p in &snap.pressure {
                        tr {
                            td data-label="Member" { @if p.name.is_empty() { "member" } @else { (p.name) } " " span.muted { (p.user) } }
                            td data-label="Pressure" { meter min="0" max=(p.limit) high=(p.limit * 0.8) value=(p.pressure) { (bar(p.pressure, p.limit)) "%" } }
                            td.num data-label="of limit" { (format!("{:.0} / {:.0}", p.pressure, p.limit)) }
                        }
                    } } }
                }
            }
            section.card #flags {
                h2 { "Recent flags" }
                @if flags.is_empty() {
                    p.muted { "No flags since moat started." }
                } @else {
                    table.stack { tbody { @for f in &flags {
                        tr {
                            td data-label="When" { (ago(f.ts, now)) }
                            td data-label="Member" { @for u in &f.user_ids { (u) " " } }
                            td data-label="Why" { (f.reason) }
                        }
                    } } }
                }
            }
        }
        section.card #recent {
            h2 { "Recent incidents" }
            @if incidents.is_empty() {
                p.muted { "No incidents yet." }
            } @else {
                (super::incidents::table(gid.0, &incidents, now))
            }
            p { a href={"/g/" (gid.0) "/incidents"} { "All incidents" } }
        }
    })
}

fn until_or(mode: GuildMode, stored: u64) -> Option<u64> {
    mode.until().or(Some(stored))
}

fn bar(p: f32, limit: f32) -> u32 {
    if limit <= 0.0 {
        return 100;
    }
    ((p / limit * 100.0).clamp(0.0, 100.0)) as u32
}
