//! `moat evidence export` (the JSON report for Trust & Safety) and `moat evidence purge`.

use super::incidents::find;
use super::{json_text, Command, Fail, Outcome};
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
        Command::EvidencePurge { days, yes } => {
            let days = days.unwrap_or(DEFAULT_RETENTION_DAYS);
            if days == 0 && !yes {
                return Err(Fail::Usage("--days 0 deletes every evidence message now; add --yes to confirm".into()));
            }
            let n = store.purge_evidence(now_ms(), days).await?;
            Ok(format!("purged {n} evidence message(s) older than their guild's retention (default {days} days)\n"))
        }
        _ => unreachable!("not an evidence command"),
    }
}
