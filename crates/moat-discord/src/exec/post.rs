//! Posting an incident's alert, then editing that same message as the incident grows.

use std::sync::Mutex;

use moat_core::id::{ChannelId, IncidentId, MessageId};
use serde_json::Value;
use twilight_http::Client;

use super::calls::send;
use crate::alerts::Alerts;
use crate::ids::ToTwilight as _;
use crate::shared::{lock, Feed, Shared};

pub(super) async fn post_or_edit(
    client: &Client,
    shared: &Shared,
    alerts: &Mutex<Alerts>,
    key: IncidentId,
    channel: ChannelId,
    message: Option<MessageId>,
    text: String,
) {
    let result = match (channel.twilight(), message.map(|m| m.twilight())) {
        (Ok(c), None) => send(shared, "post an alert", || client.create_message(c).content(&text)).await,
        (Ok(c), Some(Ok(m))) => {
            send(shared, "update an alert", || client.update_message(c, m).content(Some(&text))).await
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
