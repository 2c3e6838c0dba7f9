//! `moat doctor`: connects with the token and says, per guild, what keeps moat from guarding
//! it, in words a moderator can act on.
//!
//! It reads over REST what the bot would learn at start-up (the application's privileged
//! intents, the guilds, each guild's roles, moat's member and the channels) and asks the
//! same questions the live bot asks ([`GuildView::problems`], the executor's permission
//! view), so doctor and `moat run` can never disagree about what is missing. Nothing is
//! changed in any guild.

use moat_core::id::{ChannelId, GuildId, RoleId, UserId};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use twilight_http::request::{Method, RequestBuilder};
use twilight_http::response::marker::EmptyBody;
use twilight_http::Client;
use twilight_model::guild::Permissions;

use crate::config::BotConfig;
use crate::guilds::GuildView;

/// What doctor found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The bot's name, as Discord knows it.
    pub bot: String,
    /// Privileged intents not enabled in the Developer Portal, each as a sentence.
    pub intents: Vec<String>,
    pub guilds: Vec<GuildReport>,
}

/// One guild's findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildReport {
    pub id: GuildId,
    pub name: String,
    /// Where alerts will go (`#mod-log`), if anywhere.
    pub alert_channel: Option<String>,
    /// What is missing, each as a sentence; empty when moat can guard it.
    pub problems: Vec<String>,
}

impl Report {
    /// Whether nothing is missing anywhere.
    pub fn ok(&self) -> bool {
        self.intents.is_empty() && !self.guilds.is_empty() && self.guilds.iter().all(|g| g.problems.is_empty())
    }

    /// The report as moderators read it.
    pub fn render(&self) -> String {
        let mut out = format!("moat doctor: connected as {}\n", self.bot);
        if self.intents.is_empty() {
            out.push_str("  intents: Server Members and Message Content are enabled\n");
        }
        for i in &self.intents {
            out.push_str(&format!("  MISSING: {i}\n"));
        }
        if self.guilds.is_empty() {
            out.push_str("  MISSING: moat is in no server yet: invite it with the link `moat invite-url` prints\n");
        }
        for g in &self.guilds {
            let status = if g.problems.is_empty() { "ready" } else { "needs attention" };
            out.push_str(&format!("\nserver {} ({}): {status}\n", g.name, g.id.get()));
            if let Some(c) = &g.alert_channel {
                out.push_str(&format!("  alerts go to {c}\n"));
            }
            for p in &g.problems {
                out.push_str(&format!("  - {p}\n"));
            }
        }
        let verdict = if self.ok() {
            "\nAll set: `moat run` can guard every server above.\n"
        } else {
            "\nFix the lines above, then run `moat doctor` again.\n"
        };
        out.push_str(verdict);
        out
    }
}

/// Application flags: server members (or its limited form), message content (or limited).
const MEMBERS_FLAGS: u64 = (1 << 14) | (1 << 15);
const CONTENT_FLAGS: u64 = (1 << 18) | (1 << 19);

/// The sentences for the privileged intents the application's `flags` lack.
pub fn missing_intents(flags: u64) -> Vec<String> {
    let mut out = Vec::new();
    let portal = "Developer Portal → your application → Bot → Privileged Gateway Intents";
    if flags & MEMBERS_FLAGS == 0 {
        out.push(format!(
            "the Server Members intent is off, so moat cannot see who joins (no raid detection): turn it on in the {portal}"
        ));
    }
    if flags & CONTENT_FLAGS == 0 {
        out.push(format!(
            "the Message Content intent is off, so moat cannot read messages (no spam or scam detection): turn it on in the {portal}"
        ));
    }
    out
}

#[derive(Deserialize)]
struct Me {
    id: String,
    username: String,
}

#[derive(Deserialize)]
struct Application {
    #[serde(default)]
    flags: u64,
}

#[derive(Deserialize)]
struct PartialGuild {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct GuildHead {
    owner_id: String,
}

#[derive(Deserialize)]
struct MemberRoles {
    roles: Vec<String>,
}

/// Runs the checks. `engine` is the configuration moat would run with (whether a guild
/// silences with a role decides whether Manage Roles is needed there).
pub async fn doctor(cfg: &BotConfig, engine: &moat_core::Config) -> Result<Report, String> {
    crate::prepare_tls()?;
    let client = crate::http_client(cfg);
    let at = cfg.rest_proxy.clone().unwrap_or_else(|| "discord.com".into());
    let me: Me = get(&client, &at, "users/@me").await?;
    let app: Application = get(&client, &at, "applications/@me").await?;
    let list: Vec<PartialGuild> = get(&client, &at, "users/@me/guilds").await?;
    let bot_id = UserId(me.id.parse().map_err(|_| format!("Discord gave a bad user id `{}`", me.id))?);
    let mut guilds = Vec::new();
    for g in list {
        let Ok(id) = g.id.parse::<u64>() else { continue };
        guilds.push(check_guild(&client, &at, GuildId(id), g.name, bot_id, cfg.alert_channel, engine).await?);
    }
    Ok(Report { bot: me.username, intents: missing_intents(app.flags), guilds })
}

async fn check_guild(
    client: &Client,
    at: &str,
    id: GuildId,
    name: String,
    bot: UserId,
    alert: Option<ChannelId>,
    engine: &moat_core::Config,
) -> Result<GuildReport, String> {
    let g = id.get();
    let head: GuildHead = get(client, at, &format!("guilds/{g}")).await?;
    let roles: Vec<twilight_model::guild::Role> = get(client, at, &format!("guilds/{g}/roles")).await?;
    let member: MemberRoles = get(client, at, &format!("guilds/{g}/members/{}", bot.get())).await?;
    let channels: Vec<twilight_model::channel::Channel> = get(client, at, &format!("guilds/{g}/channels")).await?;
    let bot_roles: Vec<RoleId> = member.roles.iter().filter_map(|r| r.parse().ok()).map(RoleId).collect();
    let owner = UserId(head.owner_id.parse().unwrap_or(0));
    let view = GuildView::from_parts(&name, owner, &roles, &bot_roles, &channels);
    let silence = engine.for_guild(id).escalation.silence_role_id.is_some();
    let mut problems = view.problems(id, silence);
    let chosen = alert.filter(|c| view.channels.iter().any(|x| x.id == *c)).or_else(|| view.alert_channel());
    let alert_channel = match chosen.and_then(|c| view.channels.iter().find(|x| x.id == c)) {
        None => {
            problems.push(
                "there is no alert channel: create a private channel named #mod-log (or #moat, #mod-alerts) \
                 for moat and the moderators, or set alert_channel under [discord]"
                    .into(),
            );
            None
        }
        Some(c) => {
            let caps = view.capabilities(id, bot);
            if let Some(p) = caps.lacks_in(c.id, Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES) {
                problems.push(format!(
                    "moat cannot post alerts in #{} (it lacks \"{p}\" there): allow it in the channel's permissions",
                    c.name
                ));
            }
            Some(format!("#{}", c.name))
        }
    };
    Ok(GuildReport { id, name, alert_channel, problems })
}

/// One GET, its JSON read into `T`; failures in words.
async fn get<T: DeserializeOwned>(client: &Client, at: &str, path: &str) -> Result<T, String> {
    let req = RequestBuilder::raw(Method::Get, path.to_string()).build().map_err(|e| format!("GET {path}: {e}"))?;
    let resp = client.request::<EmptyBody>(req).await.map_err(|e| crate::setup::explain(&e, at))?;
    let bytes = resp.bytes().await.map_err(|e| format!("GET {path}: the answer was cut off: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        let v: Option<Value> = serde_json::from_slice(&bytes).ok();
        format!("GET {path}: an answer moat cannot read ({e}){}", if v.is_some() { "" } else { ", not JSON" })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intents_are_read_from_the_applications_flags() {
        assert_eq!(missing_intents((1 << 14) | (1 << 18)), Vec::<String>::new());
        assert_eq!(missing_intents((1 << 15) | (1 << 19)).len(), 0, "the limited forms count");
        let m = missing_intents(1 << 18);
        assert_eq!(m.len(), 1);
        assert!(m[0].starts_with("the Server Members intent is off"), "{m:?}");
        assert_eq!(missing_intents(0).len(), 2);
    }
}
