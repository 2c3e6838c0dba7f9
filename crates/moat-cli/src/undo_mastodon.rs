//! `moat incidents undo ID` for a Mastodon incident: carried out here, at once, through the
//! server's admin API (moat-mastodon's [`undo_incident`]), not queued for a running bot.
//!
//! A Discord undo needs the bot's gateway session and so goes through the store's queue;
//! a Mastodon undo is a handful of plain admin calls (unsuspend, unsilence, blocks lifted)
//! that need only the server's URL and token. Those come from the `[[mastodon.servers]]`
//! entry of `--config` naming the incident's server, the token from the environment
//! variable it names (never printed). The incident is marked undone, by `--by`, only when
//! every call succeeded, so a failed undo can simply be run again.

use std::path::Path;

use moat_core::id::{GuildId, IncidentId};
use moat_mastodon::undo::{undo_incident, UndoError, UndoReport};
use moat_mastodon::{MastodonAction, ServerSettings};

/// Undoes incident `id` when it is a Mastodon server's and returns the exit code; `None`
/// when it is not (or cannot be found here): the store's own command then handles it.
pub fn run(
    id: IncidentId,
    guild: Option<GuildId>,
    by: &str,
    config: Option<&Path>,
    database: Option<&str>,
) -> Option<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
    runtime.block_on(async {
        let store = moat_store::Store::open_existing(&moat_store::resolve_url(database), false).await.ok()?;
        let code = undo(&store, id, guild, by, config).await;
        store.close().await;
        code
    })
}

async fn undo(
    store: &moat_store::Store,
    id: IncidentId,
    guild: Option<GuildId>,
    by: &str,
    config: Option<&Path>,
) -> Option<i32> {
    let guild = match guild {
        Some(g) => g,
        None => match store.locate_incident(id).await.ok()?.as_slice() {
            [one] => *one,
            _ => return None,
        },
    };
    let incident = store.guild(guild).ok()?.incident(id).await.ok()?;
    let server = incident.mastodon?.server;
    let settings = match settings(&server, config) {
        Ok(s) => s,
        Err(e) => return Some(fail(&format!("incident {id} is on the Mastodon server {server}: {e}"))),
    };
    let result = undo_incident(store, guild, id, &[settings], by, moat_clock::Clock::Wall).await;
    Some(match result {
        Ok(report) if report.failed().is_empty() => {
            print!("incident {id} undone on {server}, recorded as by {by}: {}\n{}", report.describe(), calls(&report));
            0
        }
        Ok(report) => {
            eprint!("{}", calls(&report));
            fail(&format!(
                "incident {id} on {server}: {}; it stays open, and running the undo again is safe",
                report.describe()
            ))
        }
        Err(e @ UndoError::AlreadyUndone(_)) => fail(&e.to_string()),
        Err(e) => fail(&format!("incident {id} on {server}: {e}")),
    })
}

/// The settings of the `[[mastodon.servers]]` entry for `server`: its URL and token.
fn settings(server: &str, config: Option<&Path>) -> Result<ServerSettings, String> {
    let why =
        "pass --config FILE with its [[mastodon.servers]] entry (the token from the environment variable it names)";
    let Some(path) = config else { return Err(format!("no --config given: {why}")) };
    let loaded = crate::config::load(Some(path))?;
    let same = |url: &str| url.trim_end_matches('/').eq_ignore_ascii_case(server.trim_end_matches('/'));
    let servers = loaded.mastodon.map(|m| m.servers).unwrap_or_default();
    let (i, entry) = servers
        .iter()
        .enumerate()
        .find(|(_, s)| same(&s.url))
        .ok_or_else(|| format!("{} has no [[mastodon.servers]] entry with url = \"{server}\"", path.display()))?;
    // Undoing needs the admin token only, not the webhook's secret.
    let mut entry = entry.clone();
    entry.webhook_secret_env = None;
    let env = |name: &str| std::env::var(name).ok();
    entry.resolve(&format!("mastodon.servers[{i}]"), &env).map_err(|e| e.to_string())
}

/// One line per admin call: what it was and how it went.
fn calls(report: &UndoReport) -> String {
    report
        .reports
        .iter()
        .map(|r| {
            let what = r.request.action.name();
            let on = match &r.request.action {
                MastodonAction::RemoveIpBlock { ip, .. } => format!(" {ip}"),
                MastodonAction::RemoveEmailDomainBlock { domain, .. } => format!(" {domain}"),
                a => a.account_id().map(|a| format!(" {}", a.as_str())).unwrap_or_default(),
            };
            match &r.result {
                Ok(a) if a.already => format!("  {what}{on}: done already\n"),
                Ok(_) => format!("  {what}{on}: done\n"),
                Err(e) => format!("  {what}{on}: failed: {e}\n"),
            }
        })
        .collect()
}

fn fail(message: &str) -> i32 {
    eprintln!("moat incidents: {message}");
    1
}
