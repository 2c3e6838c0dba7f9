//! Mastodon's JSON as it comes over the wire, read leniently: every field optional, `null`
//! as absent, unknown fields ignored, ids as strings (numbers accepted), counts as any number.
//! [`super::convert`] then checks what moat needs and builds the model. Nothing here decides.

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// An id: a string as Mastodon sends it, or a number (kept in its decimal form).
#[derive(Debug, Clone)]
pub struct Id(pub String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an id (a string or an integer)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count: any number (negative and fractional ones become 0 and their integer part), or
/// `null`/absent (0). Some servers hide counts or send them oddly; a count never fails a parse.
#[derive(Debug, Clone, Copy, Default)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'v> Visitor<'v> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                Ok(Count(u64::try_from(v).unwrap_or(0)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                Ok(Count(if v.is_finite() && v > 0.0 { v as u64 } else { 0 }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                Ok(Count(v.trim().parse().unwrap_or(0)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_none<E: de::Error>(self) -> Result<Count, E> {
                Ok(Count(0))
            }
            fn visit_some<D: Deserializer<'v>>(self, d: D) -> Result<Count, D::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// Both top-level shapes, and Discord's, with every key optional: which keys are present
/// decides what a line is ([`super::capture`]).
#[derive(Debug, Deserialize)]
pub struct Envelope<'a> {
    pub event: Option<String>,
    pub created_at: Option<String>,
    #[serde(borrow)]
    pub object: Option<&'a RawValue>,
    pub stream: Option<Vec<String>>,
    #[serde(borrow)]
    pub payload: Option<&'a RawValue>,
    pub ts: Option<IgnoredAny>,
    pub t: Option<IgnoredAny>,
    pub d: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Account {
    pub id: Option<Id>,
    pub username: Option<String>,
    pub acct: Option<String>,
    pub display_name: Option<String>,
    pub created_at: Option<String>,
    pub note: Option<String>,
    pub avatar: Option<String>,
    pub bot: Option<bool>,
    pub locked: Option<bool>,
    pub followers_count: Count,
    pub following_count: Count,
    pub statuses_count: Count,
    pub url: Option<String>,
}

/// `ip` is a string since Mastodon 4.0 and was `{ip, used_at}` before; both are read.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Ip {
    Text(String),
    Use(IpUse),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IpUse {
    pub ip: Option<String>,
}

/// `role` is an object with a `name` since Mastodon 4.0 and was a bare string before.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Role {
    Name(String),
    Object(RoleObject),
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleObject {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminAccount {
    pub id: Option<Id>,
    pub username: Option<String>,
    pub domain: Option<String>,
    pub created_at: Option<String>,
    pub email: Option<String>,
    pub ip: Option<Ip>,
    pub ips: Option<Vec<IpUse>>,
    pub locale: Option<String>,
    pub invite_request: Option<String>,
    pub role: Option<Role>,
    pub confirmed: Option<bool>,
    pub approved: Option<bool>,
    pub disabled: Option<bool>,
    pub silenced: Option<bool>,
    pub suspended: Option<bool>,
    pub sensitized: Option<bool>,
    pub account: Option<Account>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Mention {
    pub id: Option<Id>,
    pub username: Option<String>,
    pub acct: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Dimensions {
    pub width: Count,
    pub height: Count,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    pub original: Option<Dimensions>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Media {
    pub id: Option<Id>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
    pub blurhash: Option<String>,
    pub meta: Option<Meta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Named {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Card {
    pub url: Option<String>,
}

/// Anything with an id (a boosted status, a report's statuses).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Ref {
    pub id: Option<Id>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Status {
    pub id: Option<Id>,
    pub created_at: Option<String>,
    pub edited_at: Option<String>,
    pub in_reply_to_id: Option<Id>,
    pub in_reply_to_account_id: Option<Id>,
    pub sensitive: Option<bool>,
    pub spoiler_text: Option<String>,
    pub visibility: Option<String>,
    pub language: Option<String>,
    pub url: Option<String>,
    pub content: Option<String>,
    pub account: Option<Account>,
    pub reblog: Option<Ref>,
    pub media_attachments: Option<Vec<Media>>,
    pub mentions: Option<Vec<Mention>>,
    pub tags: Option<Vec<Named>>,
    pub application: Option<Named>,
    pub card: Option<Card>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Report {
    pub id: Option<Id>,
    pub category: Option<String>,
    pub comment: Option<String>,
    pub created_at: Option<String>,
    pub action_taken: Option<bool>,
    pub forwarded: Option<bool>,
    pub account: Option<AdminAccount>,
    pub target_account: Option<AdminAccount>,
    pub statuses: Option<Vec<Ref>>,
}
