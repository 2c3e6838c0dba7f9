//! Parser unit tests on bodies shaped as Mastodon 4.x sends them (and its 3.x variants).

use super::*;
use crate::model::{EventKind, Visibility};

pub(crate) const SIGNUP: &str = r#"{"event":"account.created","created_at":"2024-02-15T10:00:00.123Z","object":{"id":"111934000000000001","username":"xkq3v9z2pl","domain":null,"created_at":"2024-02-15T10:00:00.100Z","email":"xkq3v9z2pl@Throwaway.Example","ip":"198.51.100.7","role":{"id":"-99","name":"","permissions":"0","color":"","highlighted":false},"confirmed":false,"suspended":false,"silenced":false,"sensitized":false,"disabled":false,"approved":true,"locale":"en","invite_request":null,"ips":[{"ip":"198.51.100.7","used_at":"2024-02-15T10:00:00.100Z"}],"account":{"id":"111934000000000001","username":"xkq3v9z2pl","acct":"xkq3v9z2pl","display_name":"xkq3v9z2pl","locked":false,"bot":false,"discoverable":null,"group":false,"created_at":"2024-02-15T00:00:00.000Z","note":"","url":"https://here.example/@xkq3v9z2pl","avatar":"https://here.example/avatars/original/missing.png","avatar_static":"https://here.example/avatars/original/missing.png","header":"https://here.example/headers/original/missing.png","followers_count":0,"following_count":0,"statuses_count":0,"last_status_at":null,"emojis":[],"fields":[]}}}"#;

const STATUS: &str = r#"{"id":"111934000000100000","created_at":"2024-02-15T10:00:05.000Z","in_reply_to_id":null,"in_reply_to_account_id":null,"sensitive":false,"spoiler_text":"","visibility":"public","language":"en","uri":"https://here.example/users/xkq3v9z2pl/statuses/111934000000100000","url":"https://here.example/@xkq3v9z2pl/111934000000100000","replies_count":0,"reblogs_count":0,"favourites_count":0,"edited_at":null,"content":"<p>free nitro <a href=\"https://discord.gg/spam\" rel=\"nofollow\">discord.gg/spam</a> <span class=\"h-card\"><a href=\"https://far.example/@amy\" class=\"u-url mention\">@<span>amy</span></a></span></p>","reblog":null,"application":{"name":"Web","website":null},"account":{"id":"111934000000000001","username":"xkq3v9z2pl","acct":"xkq3v9z2pl","display_name":"xkq3v9z2pl","created_at":"2024-02-15T00:00:00.000Z","note":"","avatar":"https://here.example/avatars/original/missing.png","followers_count":0,"following_count":0,"statuses_count":1},"media_attachments":[{"id":"9","type":"image","url":"https://here.example/m/9.png","meta":{"original":{"width":640,"height":480,"size":"640x480","aspect":1.33}},"description":null,"blurhash":"LEHV6nWB2yk8pyo0adR*.7kCMdnj"}],"mentions":[{"id":"42","username":"amy","url":"https://far.example/@amy","acct":"amy@far.example"}],"tags":[],"emojis":[],"card":null,"poll":null}"#;

#[test]
fn an_account_created_webhook() {
    let w = parse_webhook(SIGNUP.as_bytes()).expect("parses");
    assert_eq!(w.event, "account.created");
    assert_eq!(w.created_at, "2024-02-15T10:00:00.123Z");
    let WebhookKind::AccountCreated(a) = &w.kind else { panic!("an account event: {:?}", w.kind) };
    assert_eq!(a.id.as_str(), "111934000000000001");
    assert_eq!(a.created_at_ms, 1_707_991_200_100);
    assert_eq!(a.email_domain().as_deref(), Some("throwaway.example"));
    assert_eq!(a.ip.as_deref(), Some("198.51.100.7"));
    assert!(a.is_local() && !a.pending() && !a.is_staff());
    assert!(a.account.avatar_is_default() && a.account.note_is_empty());
    assert_eq!(a.account.username, a.account.display_name);
    assert_eq!(w.object_id(), Some("111934000000000001"));
}

#[test]
fn a_status_on_the_stream_and_as_a_webhook() {
    let msg = serde_json::json!({"stream": ["public"], "event": "update", "payload": STATUS}).to_string();
    let m = parse_stream_message(&msg).expect("parses");
    assert_eq!(m.streams, vec!["public"]);
    let StreamKind::Update(s) = &m.kind else { panic!("an update") };
    assert_eq!(s.text, "free nitro discord.gg/spam @amy");
    assert_eq!(s.links, vec!["https://discord.gg/spam"]);
    assert_eq!(s.mentions[0].acct, "amy@far.example");
    assert_eq!(s.media[0].blurhash.as_deref(), Some("LEHV6nWB2yk8pyo0adR*.7kCMdnj"));
    assert_eq!((s.media[0].width, s.media[0].height), (Some(640), Some(480)));
    assert_eq!(s.visibility, Visibility::Public);
    assert_eq!(s.application.as_deref(), Some("Web"));
    let hook = format!(r#"{{"event":"status.created","created_at":"2024-02-15T10:00:05.000Z","object":{STATUS}}}"#);
    let w = parse_webhook(hook.as_bytes()).expect("parses");
    let (a, b) = (crate::model::Event::from(w), crate::model::Event::from_stream(m, crate::model::Source::Stream));
    assert_eq!(a.dedupe_key(), b.dedupe_key(), "a status's webhook and stream message are one thing");
    assert!(matches!(a.kind, EventKind::StatusCreated(_)));
}

#[test]
fn older_and_odder_forms() {
    let old = SIGNUP
        .replacen(r#""ip":"198.51.100.7""#, r#""ip":{"ip":"198.51.100.7","used_at":"2024-02-15T10:00:00.100Z"}"#, 1)
        .replace(
            r#""role":{"id":"-99","name":"","permissions":"0","color":"","highlighted":false}"#,
            r#""role":"admin""#,
        )
        .replace(r#""followers_count":0"#, r#""followers_count":-1"#);
    let w = parse_webhook(old.as_bytes()).expect("3.x forms parse");
    let WebhookKind::AccountCreated(a) = w.kind else { panic!("an account") };
    assert_eq!(a.ip.as_deref(), Some("198.51.100.7"));
    assert!(a.is_staff());
    let numeric = SIGNUP.replacen(r#""id":"111934000000000001""#, r#""id":111934000000000001"#, 1);
    assert!(parse_webhook(numeric.as_bytes()).is_ok(), "an id as a number is kept as its digits");
}

#[test]
fn unknown_events_are_reported_not_dropped() {
    let w = parse_webhook(br#"{"event":"account.deleted","created_at":"2024-02-15T10:00:00Z","object":{"id":"7"}}"#)
        .expect("parses");
    assert!(matches!(&w.kind, WebhookKind::Unknown(v) if v["id"] == "7"));
    assert_eq!(w.object_id(), Some("7"));
    let m = parse_stream_message(r#"{"stream":["user"],"event":"filters_changed"}"#).expect("parses");
    assert!(matches!(m.kind, StreamKind::Unknown { ref event, .. } if event == "filters_changed"));
    let d = parse_stream_message(r#"{"stream":["public"],"event":"delete","payload":"123"}"#).expect("parses");
    assert_eq!(d.kind, StreamKind::Delete(StatusId::new("123")));
}

#[test]
fn bad_input_names_the_field() {
    let cases: Vec<(String, ParseError)> = vec![
        ("{".into(), ParseError::NotJson(String::new())),
        ("[1]".into(), ParseError::UnknownShape),
        (r#"{"event":"account.created","object":{}}"#.into(), ParseError::Missing { field: "created_at".into() }),
        (
            SIGNUP.replace(r#""username":"xkq3v9z2pl","domain""#, r#""domain""#),
            ParseError::Missing { field: "object.username".into() },
        ),
        (
            SIGNUP.replace("2024-02-15T10:00:00.100Z\",\"email", "yesterday\",\"email"),
            ParseError::Invalid { field: "object.created_at".into(), why: String::new() },
        ),
        (
            SIGNUP.replace(r#","account":{"#, r#","account":null,"x":{"#),
            ParseError::Missing { field: "object.account".into() },
        ),
    ];
    for (body, want) in cases {
        let got = parse_webhook(body.as_bytes()).expect_err("refused");
        assert_eq!(std::mem::discriminant(&got), std::mem::discriminant(&want), "{body}: {got}");
        match (&got, &want) {
            (ParseError::Missing { field: a }, ParseError::Missing { field: b }) => assert_eq!(a, b),
            (ParseError::Invalid { field: a, .. }, ParseError::Invalid { field: b, .. }) => assert_eq!(a, b),
            _ => {}
        }
    }
    assert_eq!(parse_webhook(&[0xff, 0xfe]), Err(ParseError::NotUtf8));
    let bad = parse_stream_message(r#"{"stream":["public"],"event":"update","payload":"{\"id\":\"1\"}"}"#);
    assert!(matches!(bad, Err(ParseError::Payload { ref event, .. }) if event == "update"), "{bad:?}");
    let msg = bad.map(|_| ()).expect_err("an error").to_string();
    assert_eq!(msg, "the `update` payload: `created_at` is missing");
}

#[test]
fn capture_lines_and_platforms() {
    assert!(matches!(parse_capture_line(SIGNUP), Ok(CaptureLine::Webhook(_))));
    let line = serde_json::json!({"stream": ["public"], "event": "update", "payload": STATUS}).to_string();
    let e = parse_capture_line(&format!("  {line}\n")).expect("parses").into_event();
    assert_eq!(e.source, crate::model::Source::Capture);
    assert_eq!(e.at_ms, Some(1_707_991_205_000));
    assert_eq!(sniff_platform(SIGNUP), Some(Platform::Mastodon));
    assert_eq!(sniff_platform(&line), Some(Platform::Mastodon));
    assert_eq!(sniff_platform(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{"id":"1"}}"#), Some(Platform::Discord));
    assert_eq!(sniff_platform(r#"{"ts":1,"t":"X","d":{},"event":"x","object":{}}"#), None, "both shapes: neither");
    assert_eq!(sniff_platform("not json"), None);
    assert_eq!(sniff_platform("[]"), None);
    assert_eq!(parse_capture_line(r#"{"ts":1,"t":"MESSAGE_CREATE","d":{}}"#), Err(ParseError::UnknownShape));
}

#[test]
fn timeline_pages() {
    let page = format!("[{STATUS},{STATUS}]");
    assert_eq!(parse_timeline(page.as_bytes()).expect("parses").len(), 2);
    let bad = parse_timeline(br#"[{"id":"1"}]"#).expect_err("refused");
    assert_eq!(bad, ParseError::Missing { field: "[0].created_at".into() });
}
