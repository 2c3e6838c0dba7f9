//! The settings page's "Try on DAY": one edited setting tried on the guild's last recorded
//! day before it is saved ([`crate::trial`] does the replaying), shown as what moat would
//! have done too and what it would not have done, member by member, with the reasons.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};

use super::settings::{render_with, Change};
use crate::guard::GuildAccess;
use crate::server::App;
use crate::trial::{Change as Diff, Outcome};

/// Rows listed per table (the counts say how many there are).
const ROWS: usize = 200;

fn who(d: &Diff) -> String {
    d.step.user.map_or_else(|| "the server".to_string(), |u| u.to_string())
}

fn rows(id: &str, title: &str, diffs: &[Diff]) -> Markup {
    let total: u32 = diffs.iter().map(|d| d.times).sum();
    html! {
        h3 { (title) " (" (total) ")" }
        table.stack id=(id) {
            thead { tr { th { "Member" } th { "Action" } th { "Detector" } th { "Why" } } }
            tbody { @for d in diffs.iter().take(ROWS) {
                tr {
                    td data-label="Member" { code { (who(d)) } }
                    td data-label="Action" { (d.step.kind) @if d.times > 1 { " ×" (d.times) } }
                    td data-label="Detector" { (d.step.detector) }
                    td data-label="Why" { (d.reason) }
                }
            } }
        }
        @if diffs.len() > ROWS { p.muted { "and " (diffs.len() - ROWS) " more" } }
    }
}

fn card(acc: &GuildAccess, c: &Change, o: &Outcome) -> Markup {
    let key = format!("{}.{}", c.section.trim(), c.key.trim());
    html! {
        section.card #trial {
            h2 { "Tried on " (o.day) ": " code { (key) } " = " code { (c.value.trim()) } }
            p { "Replayed the " (o.events) " events recorded that day: with the settings in force moat took "
                (o.actions_now) " actions; with this change it would have taken " (o.actions_edited) "." }
            @if o.bad_lines > 0 { p.muted { (o.bad_lines) " lines of the recording could not be read and were skipped." } }
            @if o.added.is_empty() && o.removed.is_empty() {
                p #trial-same { "Nothing would have been done differently that day." }
            } @else {
                @if !o.added.is_empty() { (rows("trial-added", "Would have been done too", &o.added)) }
                @if !o.removed.is_empty() { (rows("trial-removed", "Would not have been done", &o.removed)) }
            }
            form method="post" action={"/g/" (acc.guild.id.0) "/settings"} data-busy="Saving…" {
                input type="hidden" name="csrf" value=(acc.session.csrf);
                input type="hidden" name="section" value=(c.section);
                input type="hidden" name="key" value=(c.key);
                input type="hidden" name="value" value=(c.value);
                p { button.primary type="submit" { "Save this change" } " " span.muted { "or edit it below and try again." } }
            }
        }
    }
}

/// `POST /g/ID/settings/try`: validates the change as a save would, replays the last day
/// twice off the async threads, and shows the settings page with the result on top.
pub async fn try_it(
    State(app): State<Arc<App>>,
    acc: GuildAccess,
    headers: HeaderMap,
    Form(c): Form<Change>,
) -> Response {
    if !super::csrf_ok(&app, &headers, &c.csrf, &acc.session) {
        return super::forbidden_form();
    }
    let key = format!("{}.{}", c.section.trim(), c.key.trim());
    let result: Result<Outcome, (String, StatusCode)> = async {
        if let Some(why) = c.section_refused() {
            return Err((why, StatusCode::BAD_REQUEST));
        }
        let Some(path) = app.sources.recordings.as_deref().and_then(|d| crate::trial::last_day(d, acc.guild.id)) else {
            return Err(("No traffic of this server is recorded to try it on.".into(), StatusCode::BAD_REQUEST));
        };
        let stored = match app.sources.store.guild(acc.guild.id) {
            Ok(scope) => scope.settings().await.map_err(|e| (e.to_string(), StatusCode::INTERNAL_SERVER_ERROR))?,
            Err(e) => return Err((e.to_string(), StatusCode::INTERNAL_SERVER_ERROR)),
        };
        let stored = stored.map(|s| s.toml).unwrap_or_default();
        let file = app.sources.bot.config_text();
        let (now, edited) = crate::trial::configs(&file, acc.guild.id, &stored, &c.section, &c.key, &c.value)
            .map_err(|why| (why, StatusCode::BAD_REQUEST))?;
        let judge = super::links::checker().await;
        let day = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        tokio::task::spawn_blocking(move || {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if size > crate::trial::MAX_BYTES {
                return Err(format!("the recording of {day} is {} MiB, too large to replay from here", size >> 20));
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("the recording of {day} cannot be read: {e}"))?;
            let j = move || -> Box<dyn moat_core::LinkJudge> { Box::new(super::links::SharedJudge(judge.clone())) };
            Ok(crate::trial::compare(&day, &text, now, edited, j))
        })
        .await
        .map_err(|e| (e.to_string(), StatusCode::INTERNAL_SERVER_ERROR))?
        .map_err(|why| (why, StatusCode::INTERNAL_SERVER_ERROR))
    }
    .await;
    match result {
        Ok(o) => render_with(&app, &acc, None, None, Some(card(&acc, &c, &o)), StatusCode::OK).await,
        Err((why, status)) => render_with(&app, &acc, None, Some((&key, &c.value, &why)), None, status).await,
    }
}
