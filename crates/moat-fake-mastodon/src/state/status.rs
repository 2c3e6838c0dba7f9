//! A status as the server holds it: the entity exactly as it arrived (or as the fake built
//! it), plus the few fields the fake decides on (who wrote it, where from, who may see it).

use serde_json::Value;

use crate::time::parse_iso;

/// One status.
#[derive(Debug, Clone)]
pub struct Status {
    pub id: String,
    pub account_id: String,
    pub created_at_ms: u64,
    /// Written on this server (its author's `acct` has no domain).
    pub local: bool,
    pub visibility: String,
    pub has_media: bool,
    pub deleted: bool,
    /// The status entity.
    pub json: Value,
}

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Status {
    /// From a status entity; `None` without an id or an author id.
    pub fn from_json(v: &Value) -> Option<Status> {
        let id = id_of(&v["id"])?;
        let account_id = id_of(&v["account"]["id"])?;
        let local = !v["account"]["acct"].as_str().unwrap_or("").contains('@');
        Some(Status {
            id,
            account_id,
            created_at_ms: v["created_at"].as_str().and_then(parse_iso).unwrap_or(0),
            local,
            visibility: v["visibility"].as_str().unwrap_or("public").to_string(),
            has_media: v["media_attachments"].as_array().is_some_and(|m| !m.is_empty()),
            deleted: false,
            json: v.clone(),
        })
    }

    /// The key that tells one version of a status from another (`edited_at` changes on edits).
    pub fn version(&self) -> String {
        format!("{}@{}", self.id, self.json["edited_at"].as_str().unwrap_or(""))
    }
}
