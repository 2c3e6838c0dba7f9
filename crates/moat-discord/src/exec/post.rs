//! Posting an incident's alert, then editing that same message as the incident grows.

use std::sync::Mutex;

use serde_json::Value;
use twilight_http::Client;
use twilight_model::id::Id;

use super::calls::send;
use crate::alerts::Alerts;
use crate::shared::{lock, Feed, Shared};

pub(super) async fn post_or_edit(
    client: &Client,
    shared: &Shared,
    alerts: &Mutex<Alerts>,
    key: u64,
    channel: u64,
    message: Option<u64>,
    text: String,
) {
    let channel_id = Id::new(channel.max(1));
    let result = match message {
        None => send(shared, "post an alert", || client.create_message(channel_id).content(&text)).await,
        Some(m) => {
            send(shared, "update an alert", || {
                client.update_message(channel_id, Id::new(m.max(1))).content(Some(&text))
            })
            .await
        }
    };
    let new_id = result
        .as_ref()
        .ok()
        .and_then(|body| serde_json::from_slice::<Value>(body).ok())
        .and_then(|v| v.get("id")?.as_str()?.parse::<u64>().ok());
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
