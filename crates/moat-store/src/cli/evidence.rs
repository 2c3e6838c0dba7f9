//! `moat evidence export` (the JSON report for Trust & Safety) and `moat evidence purge`.

use super::args::Args;
use super::incidents::find;
use super::{json_text, Fail, Outcome};
use crate::evidence::DEFAULT_RETENTION_DAYS;
use crate::ids::now_ms;
use crate::Store;

pub(crate) async fn run(sub: &str, mut args: Args, store: &Store) -> Outcome {
    match sub {
        "export" => {
            let guild = args.number("--guild")?.map(moat_core::id::GuildId);
            let incident = args
                .number("--incident")?
                .map(moat_core::id::IncidentId)
                .ok_or_else(|| Fail::Usage("export needs --incident ID".into()))?;
            no_more(args)?;
            // Resolves (and scopes) the incident as `incidents show` does.
            let found = find(store, guild, incident).await?;
            let v = store.guild(found.summary.guild_id)?.export_evidence(incident, now_ms()).await?;
            Ok(json_text(&v))
        }
        "purge" => {
            let days = args.number("--days")?.unwrap_or(u64::from(DEFAULT_RETENTION_DAYS));
            let days = u32::try_from(days).map_err(|_| Fail::Usage(format!("--days: {days} is too large")))?;
            no_more(args)?;
            let n = store.purge_evidence(now_ms(), days).await?;
            Ok(format!("purged {n} evidence message(s) older than their guild's retention (default {days} days)\n"))
        }
        other => Err(Fail::Usage(format!("unknown subcommand `{other}`"))),
    }
}

fn no_more(args: Args) -> Result<(), Fail> {
    match args.positionals()?.first() {
        Some(extra) => Err(Fail::Usage(format!("unexpected argument `{extra}`"))),
        None => Ok(()),
    }
}
