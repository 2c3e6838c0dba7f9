//! The engine task's answers to `/moat`: what only the engine (and the bot's view of the
//! guild) knows, status, a member's pressure, settings, a link's verdict.

use moat_core::id::GuildId;
use moat_core::{Engine, LinkJudge, LinkVerdict};

use crate::commands::Request;

/// The answer to a read-only request, or `None` if the executor must act on it.
pub fn answer(
    engine: &Engine,
    judge: Option<&dyn LinkJudge>,
    guild: GuildId,
    guild_name: &str,
    problems: &[String],
    now: u64,
    req: &Request,
) -> Option<String> {
    let s = engine.config().for_guild(guild);
    Some(match req {
        Request::Status => {
            let st = engine.stats();
            let raid = if engine.in_raid(guild) { "**a raid is in progress**" } else { "no raid" };
            let mut t = format!(
                "moat is on guard in {guild_name}: {raid}. The engine follows {} members and {} recent messages across {} server(s).",
                st.users, st.recent_messages, st.guilds
            );
            if problems.is_empty() {
                t += "\nmoat has every permission it needs.";
            } else {
                t += &format!("\nWhat moat cannot do:\n- {}", problems.join("\n- "));
            }
            t
        }
        Request::User(u) => match engine.user_state(guild, *u) {
            None => format!("moat holds nothing on <@{u}>: no recent activity that counts."),
            Some(st) => {
                let contained = if st.contained_until > now {
                    format!("contained for {} more", moat_core::action::human_duration(st.contained_until - now))
                } else {
                    "not contained".into()
                };
                format!(
                    "<@{u}>: pressure {:.1} (limit {:.0}), strikes {:.1}, {contained}.",
                    st.pressure, s.pressure.limit, st.strikes
                )
            }
        },
        Request::Check(text) => match judge {
            None => "No link judge is configured.".into(),
            Some(j) => {
                let r = j.judge(guild.get(), text);
                let verdict = match r.verdict {
                    LinkVerdict::Clean => "clean",
                    LinkVerdict::Suspicious => "suspicious (moat would flag it for you)",
                    LinkVerdict::Scam => "scam (moat would delete it and contain the author)",
                };
                let mut t = format!("Verdict: {verdict}.");
                if !r.reasons.is_empty() {
                    t += &format!("\nWhy: {}", r.reasons.join("; "));
                }
                t
            }
        },
        Request::Setting(section) => {
            let body = match section.trim().to_ascii_lowercase().as_str() {
                "pressure" => format!("{:#?}", s.pressure),
                "mentions" => format!("{:#?}", s.mentions),
                "raid" => format!("{:#?}", s.raid),
                "campaign" => format!("{:#?}", s.campaign),
                "scam" => format!("{:#?}", s.scam),
                "scraper" => format!("{:#?}", s.scraper),
                "escalation" => format!("{:#?}", s.escalation),
                "exempt" => format!("{:#?}", s.exempt),
                other => return Some(format!("No section `{other}`: try pressure, mentions, raid, campaign, scam, scraper, escalation or exempt.")),
            };
            let body: String = body.chars().take(1800).collect();
            format!("```\n{body}\n```\nChange one with `/moat setting section key value`.")
        }
        _ => return None,
    })
}
