//! What a process that takes a shard over by RESUME does not get: the shard's GUILD_CREATEs.
//!
//! Discord sends a guild's GUILD_CREATE (its roles, channels, moat's own member) when a
//! session identifies; a RESUME replays only what was missed since. So a taker that resumes
//! knows nothing of the shard's guilds: not where their moderators read alerts, nor what
//! moat may do there. It asks REST instead, at housekeeping priority: the guilds moat is in
//! (`GET /users/@me/guilds`, paged), and for each guild of this shard the guild (with its
//! roles), its channels and moat's member, and hands the engine a GUILD_CREATE made of
//! them, as if the gateway had sent it. Three calls a guild: a shard of 60 guilds costs
//! about four seconds of a quiet budget.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use twilight_http::request::Method;

use super::Ctx;
use crate::exec::calls::raw;

/// `GET /users/@me/guilds` answers at most this many a page.
const PAGE: usize = 200;

/// The guild list is read once for the shards a process takes over together.
const LIST_FRESH: Duration = Duration::from_secs(30);

/// GUILD_CREATE frames for every guild of `shard`, made from REST.
pub(crate) async fn guild_creates(ctx: &Ctx, shard: u32) -> Vec<String> {
    let (client, shared, plan) = (&ctx.client, &*ctx.shared, ctx.link.plan);
    let get = |path: String| async move {
        let body = raw(client, shared, "read a guild (shard take-over)", Method::Get, path, None).await.ok()?;
        serde_json::from_slice::<Value>(&body).ok()
    };
    let (me, all) = {
        // Held across the reads: shards taken over together wait for one listing.
        let mut cache = ctx.guild_list.lock().await;
        match cache.as_ref() {
            Some((at, me, all)) if at.elapsed() < LIST_FRESH => (*me, all.clone()),
            _ => {
                let Some(me) = get("users/@me".into()).await.and_then(|v| id(&v["id"])) else { return Vec::new() };
                let all = list(&get).await;
                *cache = Some((Instant::now(), me, all.clone()));
                (me, all)
            }
        }
    };
    let mut frames = Vec::new();
    for g in all.into_iter().filter(|&g| plan.shard_of_guild(g) == shard) {
        let Some(guild) = get(format!("guilds/{g}")).await else { continue };
        let channels = get(format!("guilds/{g}/channels")).await.unwrap_or(Value::Array(Vec::new()));
        let members: Vec<Value> = get(format!("guilds/{g}/members/{me}")).await.into_iter().collect();
        let d = create_of(guild, channels, members);
        frames.push(json!({"op": 0, "s": null, "t": "GUILD_CREATE", "d": d}).to_string());
    }
    frames
}

/// Every guild moat is in, page by page.
async fn list<F, Fut>(get: &F) -> Vec<u64>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Option<Value>>,
{
    let mut guilds = Vec::new();
    let mut after = 0u64;
    loop {
        let Some(Value::Array(page)) = get(format!("users/@me/guilds?limit={PAGE}&after={after}")).await else {
            break;
        };
        let ids: Vec<u64> = page.iter().filter_map(|g| id(&g["id"])).filter(|&g| g > after).collect();
        let Some(&last) = ids.iter().max() else { break };
        guilds.extend(ids);
        after = last;
        if page.len() < PAGE {
            break;
        }
    }
    guilds
}

fn id(v: &Value) -> Option<u64> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// A GUILD_CREATE's `d`: what REST said, over the fields a gateway guild always has.
pub(crate) fn create_of(guild: Value, channels: Value, members: Vec<Value>) -> Value {
    let mut d = json!({
        "icon": null, "splash": null, "discovery_splash": null, "afk_channel_id": null, "afk_timeout": 300,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [], "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
        "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null, "max_members": 500_000,
        "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
        "premium_subscription_count": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null,
        "joined_at": "2015-01-01T00:00:00.000000+00:00", "large": true, "member_count": 0,
        "voice_states": [], "threads": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
    });
    if let (Some(o), Value::Object(g)) = (d.as_object_mut(), guild) {
        o.extend(g);
        o.insert("channels".into(), channels);
        o.insert("members".into(), Value::Array(members));
        o.insert("unavailable".into(), Value::Bool(false));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rest_guild_becomes_a_gateway_guild_twilight_reads() {
        let guild = json!({"id": "81384788765712384", "name": "Garden", "owner_id": "1", "roles": [
            {"id": "81384788765712384", "name": "@everyone", "permissions": "0", "position": 0, "color": 0,
             "hoist": false, "managed": false, "mentionable": false, "flags": 0,
             "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}}]});
        let channels =
            json!([{"id": "5", "type": 0, "name": "mod-log", "position": 0, "guild_id": "81384788765712384"}]);
        let d = create_of(guild, channels, Vec::new());
        let g: Result<twilight_model::guild::Guild, _> = serde_json::from_value(d.clone());
        assert!(g.is_ok(), "{g:?}");
        let gc: twilight_model::gateway::payload::incoming::GuildCreate =
            serde_json::from_value(d.clone()).expect("twilight reads it");
        assert!(matches!(gc, twilight_model::gateway::payload::incoming::GuildCreate::Available(_)));
        assert_eq!(d["name"], "Garden");
        assert_eq!(d["channels"][0]["name"], "mod-log");
    }
}
