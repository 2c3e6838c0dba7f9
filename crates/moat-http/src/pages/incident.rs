//! One incident: its members, timeline, reasons and evidence (the messages as they were),
//! its export as JSON, and its one-step undo.
//!
//! Undo goes through [`crate::BotControl::undo`], that is, the bot's own executor: unbans,
//! timeouts and silence roles lifted, the lockdown ended, each call to Discord with the
//! moderator's name in its audit-log reason, and the incident marked undone by them.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use moat_core::id::IncidentId;
use serde::Deserialize;
use serde_json::Value;

use super::layout::{ago, page as frame, when, Frame, Tab};
use crate::guard::{not_yours, GuildAccess};
use crate::server::{wall_ms, App};
use crate::source::{Live, LiveKind, Moderator};

/// Members listed on the page (the export has them all).
const MEMBERS_SHOWN: usize = 200;

#[derive(Deserialize)]
pub struct Ids {
    incident: u64,
}

fn str_of(v: &Value, k: &str) -> String {
    match v.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn action_row(a: &Value) -> Markup {
    let users = a
        .get("user_ids")
        .and_then(Value::as_array)
        .map_or_else(|| str_of(a, "user_id"), |u| format!("{} members", u.len()));
    html! {
        li {
            span.muted { (when(a.get("ts").and_then(Value::as_u64).unwrap_or(0))) } " "
            strong { (str_of(a, "action")) } " " (users)
            div { (str_of(a, "reason")) }
            @if let Some(facts) = a.pointer("/evidence/facts").and_then(Value::as_object) {
                @if !facts.is_empty() {
                    div.muted { @for (k, v) in facts { (k) ": " (v.as_str().unwrap_or("")) "; " } }
                }
            }
        }
    }
}

fn message_row(m: &Value) -> Markup {
    html! {
        li {
            div.muted { "by " (str_of(m, "author_id")) " in channel " (str_of(m, "channel_id")) ", " (when(m.get("ts").and_then(Value::as_u64).unwrap_or(0))) }
            div.evidence { (str_of(m, "content")) }
            @if let Some(urls) = m.get("attachment_urls").and_then(Value::as_array) {
                @for u in urls { div.muted { "attachment: " (u.as_str().unwrap_or("")) } }
            }
        }
    }
}

pub async fn page(State(app): State<Arc<App>>, acc: GuildAccess, Path(ids): Path<Ids>) -> Response {
    let t = Instant::now();
    let id = IncidentId::new(ids.incident);
    let scope = match app.sources.store.guild(acc.guild.id) {
        Ok(s) => s,
        Err(e) => return super::store_failed(e),
    };
    let (inc, report) = match (scope.incident(id).await, scope.export_evidence(id, wall_ms()).await) {
        (Ok(i), Ok(r)) => (i, r),
        (Err(moat_store::StoreError::NotFound(_)), _) | (_, Err(moat_store::StoreError::NotFound(_))) => {
            return not_yours(Some(&acc.session))
        }
        (Err(e), _) | (_, Err(e)) => return super::store_failed(e),
    };
    let now = wall_ms();
    let s = &inc.summary;
    let g = acc.guild.id.0;
    let base = format!("/g/{g}/incidents/{}", id.get());
    let actions = report.get("actions").and_then(Value::as_array).cloned().unwrap_or_default();
    let messages = report.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
    let undoable =
        s.undone_at.is_none() && inc.undo.steps.iter().any(|st| st.action != moat_store::undo::UndoAction::None);
    let out = frame(
        Frame { title: "Incident", session: Some(&acc.session), guild: Some(&acc.guild), tab: Tab::Incidents },
        html! {
            h1 { (s.kind) " incident " span.badge.(s.status()) #status { (s.status()) } }
            div.grid {
                section.card {
                    h2 { "What happened" }
                    table { tbody {
                        tr { th { "Detector" } td { (s.detector.as_str()) } }
                        tr { th { "Opened" } td { (when(s.opened_at)) " (" (ago(s.opened_at, now)) ")" } }
                        tr { th { "Last action" } td { (when(s.last_action_at)) } }
                        tr { th { "Closed" } td { @match s.closed_at { Some(c) => (when(c)), None => "not yet (lockdown in force)" } } }
                        tr { th { "Members" } td { (s.members) } }
                        tr { th { "Actions" } td { (s.action_count) } }
                        @if let (Some(at), Some(by)) = (s.undone_at, &s.undone_by) {
                            tr { th { "Undone" } td #undone { "by " (by) ", " (when(at)) } }
                        }
                    } }
                    p { a.button href={(base) "/export.json"} download { "Export as JSON" } }
                }
                section.card #undo {
                    h2 { "Undo" }
                    p { (inc.undo.describe()) }
                    @if undoable {
                        form method="post" action={(base) "/undo"} data-busy="Undoing…" {
                            input type="hidden" name="csrf" value=(acc.session.csrf);
                            button.danger type="submit" #undo-button { "Undo this incident" }
                        }
                        p.muted { "Each step goes to Discord with your name in the audit log, and is recorded here." }
                    } @else if s.undone_at.is_some() {
                        p.muted { "Already undone." }
                    }
                }
            }
            section.card #members {
                h2 { "Members (" (inc.members.len()) ")" }
                p.muted { "Each opens the member's profile in Discord." }
                p.members { @for m in inc.members.iter().take(MEMBERS_SHOWN) { a href={"https://discord.com/users/" (m)} rel="noreferrer" { code { (m) } } " " } }
                @if inc.members.len() > MEMBERS_SHOWN { p.muted { "and " (inc.members.len() - MEMBERS_SHOWN) " more in the export" } }
            }
            section.card #timeline {
                h2 { "Timeline and reasons" }
                ol { @for a in &actions { (action_row(a)) } }
            }
            section.card #evidence {
                h2 { "Evidence (" (messages.len()) " messages, as they were)" }
                @if messages.is_empty() { p.muted { "No message was kept for this incident (or its retention has passed)." } }
                ul { @for m in &messages { (message_row(m)) } }
            }
        },
    );
    app.metrics.page("incident", t.elapsed().as_secs_f64());
    out.into_response()
}

/// The incident, its actions and its evidence, as one JSON document.
pub async fn export(State(app): State<Arc<App>>, acc: GuildAccess, Path(ids): Path<Ids>) -> Response {
    let id = IncidentId::new(ids.incident);
    let scope = match app.sources.store.guild(acc.guild.id) {
        Ok(s) => s,
        Err(e) => return super::store_failed(e),
    };
    match scope.export_evidence(id, wall_ms()).await {
        Ok(v) => (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"moat-incident-{}.json\"", id.get())),
            ],
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        )
            .into_response(),
        Err(moat_store::StoreError::NotFound(_)) => not_yours(Some(&acc.session)),
        Err(e) => super::store_failed(e),
    }
}

#[derive(Deserialize)]
pub struct UndoForm {
    #[serde(default)]
    csrf: String,
}

pub async fn undo(
    State(app): State<Arc<App>>,
    acc: GuildAccess,
    Path(ids): Path<Ids>,
    headers: HeaderMap,
    Form(f): Form<UndoForm>,
) -> Response {
    if !super::csrf_ok(&app, &headers, &f.csrf, &acc.session) {
        return super::forbidden_form();
    }
    let id = IncidentId::new(ids.incident);
    // The incident must be this guild's before the bot is asked anything.
    match app.sources.store.guild(acc.guild.id).map(|s| async move { s.incident(id).await.map(|_| ()) }) {
        Ok(fut) => match fut.await {
            Ok(()) => {}
            Err(moat_store::StoreError::NotFound(_)) => return not_yours(Some(&acc.session)),
            Err(e) => return super::store_failed(e),
        },
        Err(e) => return super::store_failed(e),
    }
    let by = Moderator { id: acc.session.user, name: acc.session.name.clone() };
    match app.sources.bot.undo(acc.guild.id, id, by.clone()).await {
        Ok(_) => {
            let _ = app.sources.live.send(Live {
                guild: acc.guild.id,
                ts: wall_ms(),
                kind: LiveKind::Undone { incident: id, by: by.label() },
            });
            Redirect::to(&format!("/g/{}/incidents/{}", acc.guild.id.0, id.get())).into_response()
        }
        Err(e) => (
            StatusCode::CONFLICT,
            super::layout::message("Not undone", &format!("The incident was not undone: {e}"), Some(&acc.session)),
        )
            .into_response(),
    }
}
