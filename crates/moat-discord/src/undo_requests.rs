//! The running bot carries out `moat incidents undo` (see `moat_store::undo_queue`): it
//! claims queued requests as often as it claims timers and undoes each through the same path
//! as the dashboard ([`crate::dashboard::BotHandle::undo_as`]), so its rate limits hold and
//! the moderator's name is in every audit-log entry; the outcome goes back to the store for
//! the waiting command.

use std::time::Duration;

use tokio::sync::watch;

use crate::dashboard::BotHandle;
use crate::exec::Job;

/// Claims and carries out undo requests every `every` until `stop`.
pub async fn run(handle: BotHandle, store: moat_store::Store, every: Duration, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let requests = match store.claim_undo_requests(moat_store::ids::now_ms(), 20).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("moat: cannot read undo requests: {e}");
                continue;
            }
        };
        for r in requests {
            let outcome =
                match handle.undo_as(r.guild_id, r.incident, r.requested_by.clone(), "moat incidents undo").await {
                    Ok(lines) => lines.join("\n"),
                    Err(e) => format!("not undone: {e}"),
                };
            eprintln!("moat: incident {} undone for {}: {}", r.incident, r.requested_by, outcome.replace('\n', "; "));
            if let Err(e) = store.finish_undo_request(r.id, &outcome, moat_store::ids::now_ms()).await {
                eprintln!("moat: the outcome of undo request {} was not stored: {e}", r.id);
            }
        }
    }
}

/// `/moat undo ID`: queues the request as `moat incidents undo` does (so one path undoes,
/// with the moderator recorded) and answers the moderator at once.
pub(crate) fn queue_from_slash(
    store: moat_store::Store,
    inv: &crate::commands::Invocation,
    incident: u64,
    exec: tokio::sync::mpsc::UnboundedSender<Job>,
    shared: std::sync::Arc<crate::shared::Shared>,
) {
    let (guild, by, id, token) =
        (inv.guild, format!("discord user {} (/moat undo)", inv.invoker), inv.id, inv.token.clone());
    shared.begin();
    tokio::spawn(async move {
        let incident = moat_core::id::IncidentId(incident);
        let queued = match store.guild(guild) {
            Ok(scope) => scope.request_undo(incident, &by, moat_store::ids::now_ms()).await,
            Err(e) => Err(e),
        };
        let text = match queued {
            Ok(_) => format!(
                "Undoing incident {incident}: bans, timeouts and silence roles are lifted and any lockdown ended, with your name in the audit log."
            ),
            Err(e) => format!("Not done: {e}"),
        };
        if exec.send(Job::Respond { id, token, body: crate::commands::reply(&text) }).is_err() {
            shared.end();
        }
    });
}
