//! `moat incidents list` and `moat incidents show`.

use moat_core::id::{GuildId, IncidentId, UserId};
use serde_json::Value;

use super::time::utc;
use super::{json_text, Command, Fail, Outcome};
use crate::incidents::{Incident, IncidentSummary};
use crate::Store;

pub(crate) async fn run(command: &Command, store: &Store) -> Outcome {
    match *command {
        Command::IncidentsList { guild, json, limit } => list(store, guild, limit, json).await,
        Command::IncidentsShow { id, guild, json } => {
            let incident = find(store, guild, id).await?;
            Ok(if json { json_text(&incident.to_json()) } else { show_text(&incident) })
        }
        _ => unreachable!("not an incidents command"),
    }
}

/// `moat incidents undo`: queued for the running bot (see `crate::undo_queue`), whose
/// outcome is awaited for `wait_secs`.
pub(crate) async fn undo(command: &Command, store: &Store) -> Outcome {
    let Command::IncidentsUndo { id, guild, ref by, wait_secs } = *command else { unreachable!("not an undo") };
    let incident = find(store, guild, id).await?;
    let scope = store.guild(incident.summary.guild_id)?;
    let request = scope.request_undo(id, by, crate::ids::now_ms()).await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(u64::from(wait_secs));
    loop {
        let r = store.undo_request(request).await?;
        if let Some(r) = r.as_ref().filter(|r| r.done_at.is_some()) {
            let outcome = r.outcome.clone().unwrap_or_default();
            if outcome.starts_with("not undone") {
                return Err(Fail::Run(format!("incident {id}: {outcome}")));
            }
            let lines: String = outcome.lines().map(|l| format!("  {l}\n")).collect();
            return Ok(format!("incident {id} undone by the running bot, recorded as by {by}:\n{lines}"));
        }
        if std::time::Instant::now() >= deadline {
            let claimed = r.is_some_and(|r| r.claimed_at.is_some());
            return Err(Fail::Run(if claimed {
                format!("the running bot is undoing incident {id}; `moat incidents show {id}` tells when it is done")
            } else {
                format!(
                    "no running moat took the request within {wait_secs} s: it stays queued, and `moat run` carries it out when it starts (with this store)"
                )
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// The incident `id`: in `guild` only when given, else wherever it is (operator).
pub(crate) async fn find(store: &Store, guild: Option<GuildId>, id: IncidentId) -> Result<Incident, Fail> {
    let guild = match guild {
        Some(g) => g,
        None => match store.locate_incident(id).await?.as_slice() {
            [] => return Err(Fail::Run(format!("not found: incident {id}"))),
            [one] => *one,
            many => {
                let names: Vec<String> = many.iter().map(GuildId::to_string).collect();
                return Err(Fail::Run(format!("incident {id} exists in guilds {}; pass --guild", names.join(", "))));
            }
        },
    };
    Ok(store.guild(guild)?.incident(id).await?)
}

async fn list(store: &Store, guild: Option<GuildId>, limit: u32, json: bool) -> Outcome {
    let guilds = match guild {
        Some(g) => vec![g],
        None => store.guild_ids().await?,
    };
    let mut all: Vec<IncidentSummary> = Vec::new();
    for g in guilds {
        all.extend(store.guild(g)?.incidents(limit).await?);
    }
    all.sort_by(|a, b| b.opened_at.cmp(&a.opened_at).then(a.incident.cmp(&b.incident)));
    all.truncate(limit as usize);
    if json {
        return Ok(json_text(&Value::Array(all.iter().map(IncidentSummary::to_json).collect())));
    }
    if all.is_empty() {
        return Ok("no incidents\n".into());
    }
    let mut s = format!(
        "{:<17} {:<20} {:<11} {:<7} {:<20} {:>7} {:>7}\n",
        "INCIDENT", "GUILD", "KIND", "STATUS", "OPENED (UTC)", "ACTIONS", "MEMBERS"
    );
    for i in &all {
        s.push_str(&format!(
            "{:<17} {:<20} {:<11} {:<7} {:<20} {:>7} {:>7}\n",
            i.incident,
            i.guild_id,
            i.kind,
            i.status(),
            utc(i.opened_at),
            i.action_count,
            i.members
        ));
    }
    Ok(s)
}

fn show_text(inc: &Incident) -> String {
    let s = &inc.summary;
    let mut out = format!(
        "incident {} in guild {}: {} (detector {}), {}\n",
        s.incident,
        s.guild_id,
        s.kind,
        s.detector,
        s.status()
    );
    out.push_str(&format!("opened {}, last action {}", utc(s.opened_at), utc(s.last_action_at)));
    if let Some(c) = s.closed_at {
        out.push_str(&format!(", closed {}", utc(c)));
    }
    if let Some(u) = s.lockdown_until {
        out.push_str(&format!(", locked down until {}", utc(u)));
    }
    out.push('\n');
    if let (Some(at), Some(by)) = (s.undone_at, &s.undone_by) {
        out.push_str(&format!("undone {} by {by}\n", utc(at)));
    }
    let m = inc.mastodon.as_ref();
    if let Some(m) = m {
        out.push_str(&format!("on the Mastodon server {}\n", m.server));
    }
    let name = |u: UserId| m.map_or_else(|| u.to_string(), |m| m.account(u));
    let shown: Vec<String> = inc.members.iter().take(20).map(|&u| name(u)).collect();
    let more = inc.members.len().saturating_sub(shown.len());
    out.push_str(&format!(
        "{} ({}): {}{}\n",
        if m.is_some() { "accounts" } else { "members" },
        inc.members.len(),
        shown.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    ));
    out.push_str("timeline:\n");
    for e in &inc.timeline {
        let reason = e.action.get("reason").and_then(Value::as_str).unwrap_or("");
        let users = match (e.action.get("user_id"), e.action.get("user_ids").and_then(Value::as_array)) {
            (Some(u), _) => match u.as_str().and_then(|u| u.parse::<UserId>().ok()) {
                Some(u) if m.is_some() => format!(" account {}", name(u)),
                _ => format!(" user {}", u.as_str().unwrap_or("?")),
            },
            (None, Some(us)) => format!(" {} users", us.len()),
            _ => String::new(),
        };
        let kind = if m.is_some() { crate::mastodon::verb(e.kind) } else { e.kind.as_str() };
        out.push_str(&format!("  {} {:<14}{users}: {reason}\n", utc(e.ts), kind));
    }
    match m {
        Some(m) => out.push_str(&format!("undo: {}\n", m.undo.describe())),
        None => out.push_str(&format!("undo: {}\n", inc.undo.describe())),
    }
    out
}
