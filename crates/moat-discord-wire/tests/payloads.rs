//! Property tests of the gateway payloads the live bot reads (`translate(t, d)`): for every
//! dispatch moat uses, any JSON in `d` (of any shape, at any depth, with fields of the right
//! names but wrong types) is an event, nothing, or an error naming the dispatch; never a
//! panic. Bounded cases, so CI stays fast.

use moat_discord_wire::{translate, CaptureError};
use proptest::prelude::*;
use serde_json::{json, Value};

const TYPES: &[&str] = &[
    "MESSAGE_CREATE",
    "MESSAGE_UPDATE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_REMOVE",
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "AUTO_MODERATION_ACTION_EXECUTION",
];

/// Field names the payloads carry, so generated objects hit the real paths.
const KEYS: &[&str] = &[
    "id",
    "guild_id",
    "channel_id",
    "author",
    "member",
    "user",
    "content",
    "mentions",
    "mention_roles",
    "mention_everyone",
    "roles",
    "role",
    "role_id",
    "permissions",
    "joined_at",
    "avatar",
    "username",
    "bot",
    "type",
    "timestamp",
    "edited_timestamp",
    "attachments",
    "embeds",
    "owner_id",
    "members",
    "channels",
    "unavailable",
    "rule_id",
    "matched_keyword",
    "message_id",
    "premium_since",
    "flags",
    "webhook_id",
];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(|n| Value::from(n.to_string())),
        "\\PC{0,20}".prop_map(Value::from),
        Just(Value::from("2026-01-01T13:00:00.000+00:00")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn any_payload_of_a_used_dispatch_is_an_answer_not_a_panic(t in prop::sample::select(TYPES), d in value()) {
        match translate(t, &d.to_string()) {
            Ok(_) => {}
            Err(CaptureError::Payload { event, error }) => {
                prop_assert_eq!(event, t);
                prop_assert!(!error.is_empty());
            }
            Err(e) => prop_assert!(false, "unexpected error kind for {}: {}", t, e),
        }
    }

    #[test]
    fn any_text_as_a_payload_is_an_answer(t in prop::sample::select(TYPES), d in "\\PC{0,200}") {
        let _ = translate(t, &d);
    }

    #[test]
    fn a_real_message_with_one_field_replaced_is_an_answer(key in prop::sample::select(KEYS), v in value()) {
        let mut d = json!({
            "id": "3", "channel_id": "5", "guild_id": "1",
            "author": {"id": "9", "username": "a", "avatar": null},
            "member": {"roles": [], "joined_at": "2025-06-01T10:00:00.000+00:00"},
            "content": "hi", "timestamp": "2026-01-01T13:00:00.000+00:00", "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "type": 0,
        });
        d[key] = v;
        let _ = translate("MESSAGE_CREATE", &d.to_string());
    }
}

#[test]
fn an_unused_dispatch_is_named() {
    assert_eq!(translate("TYPING_START", "{}").unwrap_err(), CaptureError::Unsupported("TYPING_START".into()));
}
