//! Property tests of the capture reader: any text gives an answer and never a panic, and a
//! message built from arbitrary values reads back as those values.

use moat_core::event::Event;
use moat_discord_wire::capture::parse_line;
use moat_discord_wire::snowflake::created_at;
use proptest::prelude::*;
use serde_json::json;

fn message_line(id: u64, author: u64, content: &str, mentions: &[u64], roles: &[u64], kind: u8) -> String {
    let users: Vec<_> = mentions.iter().map(|m| json!({"id": m.to_string(), "username": "m"})).collect();
    let d = json!({
        "id": id.to_string(), "channel_id": "5", "guild_id": "1",
        "author": {"id": author.to_string(), "username": "a", "avatar": null},
        "member": {"roles": roles.iter().map(u64::to_string).collect::<Vec<_>>(),
                   "joined_at": "2025-06-01T10:00:00.000+00:00"},
        "content": content, "timestamp": "2026-01-01T13:00:00.000+00:00", "edited_timestamp": null,
        "mention_everyone": false, "mentions": users, "mention_roles": [], "attachments": [], "embeds": [],
        "type": kind,
    });
    json!({"ts": 7, "t": "MESSAGE_CREATE", "d": d}).to_string()
}

proptest! {
    #[test]
    fn any_text_is_an_answer_not_a_panic(line in ".{0,400}") {
        let _ = parse_line(&line);
    }

    #[test]
    fn any_bytes_spliced_into_a_real_line_are_an_answer(at in 0usize..300, junk in "[\\x00-\\x7f]{0,12}") {
        let mut line = message_line(3, 9, "hello", &[4], &[2], 0);
        let at = at.min(line.len());
        line.insert_str(at, &junk);
        let _ = parse_line(&line);
    }

    #[test]
    fn a_message_reads_back_as_written(
        id in 1u64..,
        author in 1u64..,
        content in "\\PC{0,200}",
        mentions in proptest::collection::vec(1u64.., 0..6),
        roles in proptest::collection::vec(1u64.., 0..4),
    ) {
        let line = message_line(id, author, &content, &mentions, &roles, 0);
        let l = parse_line(&line).expect("a valid message");
        let Some(Event::Message(m)) = l.event else { panic!("a message") };
        prop_assert_eq!(m.id.get(), id);
        prop_assert_eq!(m.author.get(), author);
        prop_assert_eq!(m.account_created, created_at(author));
        prop_assert_eq!(&*m.content, content.as_str());
        prop_assert_eq!(m.user_mentions as usize, mentions.iter().filter(|&&u| u != author).count());
        prop_assert_eq!(m.roles.iter().map(|r| r.get()).collect::<Vec<_>>(), roles);
    }

    #[test]
    fn only_regular_messages_and_replies_are_judged(kind in 0u8..=255) {
        let line = message_line(3, 9, "hi", &[], &[], kind);
        let l = parse_line(&line).expect("valid");
        prop_assert_eq!(l.event.is_some(), kind == 0 || kind == 19);
    }
}
