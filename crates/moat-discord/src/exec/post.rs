//! Posting an incident's alert, then editing that same message as the incident grows.
//!
//! An alert names raiders and victims as `<@id>` (Discord renders them as names a moderator
//! can click) but pings nobody: every post and edit says `allowed_mentions: {"parse": []}`,
//! or a raid's 15 named accounts would be pinged on each edit. A moderators' role, when one
//! is configured, is pinged once, on the incident's first post.

use std::sync::Mutex;

use moat_core::id::{ChannelId, IncidentId, MessageId, RoleId};
use serde_json::Value;
use twilight_http::Client;
use twilight_model::channel::message::AllowedMentions;

use super::calls::send;
use crate::alerts::Alerts;
use crate::ids::ToTwilight as _;
use crate::shared::{lock, Feed, Shared};

/// Mentions rendered, nobody pinged (`{"parse": []}`).
pub(super) fn ping_nobody() -> AllowedMentions {
    AllowedMentions::default()
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn post_or_edit(
    client: &Client,
    shared: &Shared,
    alerts: &Mutex<Alerts>,
    key: IncidentId,
    channel: ChannelId,
    message: Option<MessageId>,
    text: String,
    ping: Option<RoleId>,
) {
    let result = match (channel.twilight(), message.map(|m| m.twilight())) {
        (Ok(c), None) => {
            let (first, mentions) = match ping.and_then(|r| r.twilight().ok().map(|id| (r, id))) {
                Some((r, id)) => {
                    let first: String = format!("<@&{r}> {text}").chars().take(2000).collect();
                    (first, AllowedMentions { roles: vec![id], ..ping_nobody() })
                }
                None => (text.clone(), ping_nobody()),
            };
            send(shared, "post an alert", || client.create_message(c).content(&first).allowed_mentions(Some(&mentions)))
                .await
        }
        (Ok(c), Some(Ok(m))) => {
            let nobody = ping_nobody();
            send(shared, "update an alert", || {
                client.update_message(c, m).content(Some(&text)).allowed_mentions(Some(&nobody))
            })
            .await
        }
        _ => Err(super::calls::CallError::Other("an id of 0".into())),
    };
    let new_id = result
        .as_ref()
        .ok()
        .and_then(|body| serde_json::from_slice::<Value>(body).ok())
        .and_then(|v| v.get("id")?.as_str()?.parse::<MessageId>().ok());
    if result.is_ok() {
        shared.emit(Feed::Alert { text, edit: message.is_some() });
    }
    if let Some(inc) = lock(alerts).incidents.get_mut(&key) {
        inc.posting = false;
        if message.is_none() {
            inc.message = new_id;
        }
    }
}
