//! Undoing an incident on a Mastodon server, through the admin API: the one function `moat`
//! and the dashboard call once an admin confirms.
//!
//! The plan comes from the store (moat-store's `mastodon::MastodonUndo`: accounts to
//! unsuspend and unsilence, the networks and mail domains the wave blocked): [`undo_incident`]
//! reads it, carries it out and marks the incident undone; [`carry_out`] runs any
//! [`UndoPlan`] of plain ids. Each step is
//! one admin call, made in order (unsuspend before unsilence, accounts before blocks), with
//! Mastodon's rate limits honoured as for any other action; a step that was done already (a
//! block gone, an account not limited) is not a failure. Nothing is retried past the client's
//! own retries: the report says what failed, and running the undo again is safe.

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use moat_clock::Clock;

use crate::actions::exec::{execute, ExecState};
use crate::actions::{ActionReport, ActionRequest, MastodonAction};
use crate::http::Api;
use crate::model::AccountId;
use crate::server::{ServerSettings, StartError};
use crate::stats::Stats;

/// What to undo, as Mastodon names it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UndoPlan {
    pub unsuspend: Vec<String>,
    pub unsilence: Vec<String>,
    pub ip_blocks: Vec<String>,
    pub email_domains: Vec<String>,
}

impl UndoPlan {
    /// The admin calls, in order, each with `reason` (who undid it and why).
    pub fn actions(&self, reason: &str) -> Vec<MastodonAction> {
        let r = || reason.to_string();
        let id = |a: &String| AccountId::new(a.clone());
        self.unsuspend
            .iter()
            .map(|a| MastodonAction::Unsuspend { account_id: id(a), reason: r() })
            .chain(self.unsilence.iter().map(|a| MastodonAction::Unsilence { account_id: id(a), reason: r() }))
            .chain(self.ip_blocks.iter().map(|ip| MastodonAction::RemoveIpBlock { ip: ip.clone(), reason: r() }))
            .chain(
                self.email_domains
                    .iter()
                    .map(|d| MastodonAction::RemoveEmailDomainBlock { domain: d.clone(), reason: r() }),
            )
            .collect()
    }
}

/// What an undo did.
#[derive(Debug, Clone, Default)]
pub struct UndoReport {
    pub reports: Vec<ActionReport>,
}

impl UndoReport {
    pub fn failed(&self) -> Vec<&ActionReport> {
        self.reports.iter().filter(|r| r.result.is_err()).collect()
    }

    /// One line: `12 admin calls: 11 done, 1 done already, 0 failed`.
    pub fn describe(&self) -> String {
        let already = self.reports.iter().filter(|r| r.result.as_ref().is_ok_and(|a| a.already)).count();
        let failed = self.failed().len();
        let done = self.reports.len() - already - failed;
        format!("{} admin calls: {done} done, {already} done already, {failed} failed", self.reports.len())
    }
}

/// Carries out `plan` on the server `settings` names (its URL and token), on `clock`.
pub async fn carry_out(
    settings: &ServerSettings,
    clock: Clock,
    plan: &UndoPlan,
    reason: &str,
) -> Result<UndoReport, StartError> {
    let stats = Arc::new(Stats::default());
    let api = Api::new(&settings.base_url, &settings.token, clock.clone(), settings.retry.clone(), stats)
        .map_err(|source| StartError::Client { url: settings.base_url.clone(), source })?;
    let mut state = ExecState::new(settings.admin_accounts.clone(), Arc::new(AtomicUsize::new(500)));
    let mut report = UndoReport::default();
    for action in plan.actions(reason) {
        let request = ActionRequest::from(action);
        let result = execute(&api, &mut state, &request.action, request.priority).await;
        report.reports.push(ActionReport { request, result, at_ms: clock.now_ms() });
    }
    Ok(report)
}

/// Why an incident could not be undone.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error(transparent)]
    Store(#[from] moat_store::StoreError),
    #[error("incident {0} is not a Mastodon server's")]
    NotMastodon(moat_core::id::IncidentId),
    #[error("incident {0} was already undone")]
    AlreadyUndone(moat_core::id::IncidentId),
    #[error("incident {incident} is on {server}, which is not among the configured [[mastodon.servers]]")]
    NoServer { incident: moat_core::id::IncidentId, server: String },
    #[error(transparent)]
    Start(#[from] StartError),
}

fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Undoes a recorded Mastodon incident: reads its plan from the store, carries it out on the
/// server it happened on (its settings among `servers`: the URL and the token), then marks it
/// undone by `by`. The calls come first, so a failure leaves the incident open to try again
/// (every step is safe to repeat); the report lists what each call did.
pub async fn undo_incident(
    store: &moat_store::Store,
    guild: moat_core::id::GuildId,
    incident: moat_core::id::IncidentId,
    servers: &[ServerSettings],
    by: &str,
    clock: Clock,
) -> Result<UndoReport, UndoError> {
    let scope = store.guild(guild)?;
    let found = scope.incident(incident).await?;
    let Some(m) = found.mastodon else { return Err(UndoError::NotMastodon(incident)) };
    if found.summary.undone_at.is_some() {
        return Err(UndoError::AlreadyUndone(incident));
    }
    let Some(settings) = servers.iter().find(|s| same_server(&s.base_url, &m.server)) else {
        return Err(UndoError::NoServer { incident, server: m.server });
    };
    let plan = UndoPlan {
        unsuspend: m.undo.unsuspend,
        unsilence: m.undo.unsilence,
        ip_blocks: m.undo.ip_blocks,
        email_domains: m.undo.email_domains,
    };
    let reason = format!("moat: incident {incident} undone by {by}");
    let report = carry_out(settings, clock.clone(), &plan, &reason).await?;
    if report.failed().is_empty() {
        scope.mark_undone(incident, by, clock.now_ms()).await?;
    }
    Ok(report)
}
