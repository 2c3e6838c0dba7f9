//! `moat evidence export` (the JSON report for Trust & Safety) and `moat evidence purge`.

use super::incidents::find;
use super::{json_text, Command, Outcome};
use crate::evidence::DEFAULT_RETENTION_DAYS;
use crate::ids::now_ms;
use crate::Store;

pub(crate) async fn run(command: &Command, store: &Store) -> Outcome {
    match *command {
        Command::EvidenceExport { incident, guild } => {
            // Resolves (and scopes) the incident as `incidents show` does.
            let found = find(store, guild, incident).await?;
            let v = store.guild(found.summary.guild_id)?.export_evidence(incident, now_ms()).await?;
            Ok(json_text(&v))
        }
        Command::EvidencePurge { days, yes: _ } => {
            let days = days.unwrap_or(DEFAULT_RETENTION_DAYS);
            let n = store.purge_evidence(now_ms(), days).await?;
            Ok(format!("purged {n} evidence message(s) older than their guild's retention (default {days} days)\n"))
        }
        _ => unreachable!("not an evidence command"),
    }
}
