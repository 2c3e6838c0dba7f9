//! Property tests for the parsers of network and file input: junk, and real bodies (made by
//! the fake's builder, shaped as Mastodon sends them) cut, spliced and with any field
//! replaced by any JSON, never panic; they parse or give an error that says something; a
//! required field made null is named in the error; and no signature but the right one is
//! ever accepted.

use moat_fake_mastodon::builder::{CaptureBuilder, Post};
use moat_mastodon::parse::{parse_stream_message, parse_timeline, parse_webhook};
use moat_mastodon::webhook::{accept, sign, Refusal};
use moat_mastodon::{parse_capture_line, sniff_platform, ParseError, Secret};
use proptest::prelude::*;
use serde_json::Value;

/// Real lines: a sign-up, a local status webhook with a mention and an image, a remote
/// status on the stream, a delete.
fn real_lines() -> Vec<String> {
    let t0 = 1_707_991_200_000;
    let mut b = CaptureBuilder::new("fake.example");
    let a = b.signup(t0, "xkq3v9z2pl", "x@throwaway.example", "198.51.100.7");
    let r = b.remote(t0 - 86_400_000, "amy", "far.example");
    let image = Some(("LEHV6nWB2yk8pyo0adR*.7kCMdnj", Some("a QR code")));
    b.post(
        t0 + 1000,
        &a,
        &Post { text: "join https://discord.gg/x @amy@far.example", mentions: &[&r], image, ..Post::default() },
    );
    let s = b.post(t0 + 2000, &r, &Post { text: "hello", ..Post::default() }).unwrap_or_default();
    b.delete(&s);
    b.finish().lines().map(str::to_string).collect()
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Every path to a value in `v`.
fn paths(v: &Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            let mut p = here.clone();
            p.push(k.clone());
            paths(x, p, out);
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| {
            let mut p = here.clone();
            p.push(i.to_string());
            paths(x, p, out);
        }),
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, k| match v {
        Value::Object(m) => m.get_mut(k),
        Value::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// Parses a line every way a line can be parsed; none may panic.
fn parse_all(text: &str) -> Result<(), ParseError> {
    let _ = sniff_platform(text);
    let _ = parse_webhook(text.as_bytes());
    let _ = parse_stream_message(text);
    let _ = parse_timeline(text.as_bytes());
    parse_capture_line(text).map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn junk_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_webhook(&bytes);
        let _ = parse_timeline(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Err(e) = parse_all(text) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn json_shaped_junk_never_panics(v in any_json(), event in prop_oneof![Just("update".to_string()), Just("account.created".to_string()), Just("status.created".to_string()), Just("delete".to_string()), ".{0,12}"]) {
        let webhook = serde_json::json!({"event": event, "created_at": "2024-02-15T10:00:00Z", "object": v}).to_string();
        let stream = serde_json::json!({"stream": ["public"], "event": event, "payload": v.to_string()}).to_string();
        for text in [webhook, stream, v.to_string()] {
            if let Err(e) = parse_all(&text) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn cut_and_spliced_real_lines_never_panic(which in 0usize..4, cut in any::<prop::sample::Index>(), len in 0usize..40, insert in ".{0,8}") {
        let lines = real_lines();
        let line = &lines[which % lines.len()];
        let start = cut.index(line.len());
        let mut s: Vec<u8> = line.as_bytes().to_vec();
        let end = (start + len).min(s.len());
        s.splice(start..end, insert.bytes());
        let _ = parse_webhook(&s);
        if let Ok(text) = std::str::from_utf8(&s) {
            let _ = parse_all(text);
        }
    }

    #[test]
    fn any_field_replaced_by_any_json_never_panics(which in 0usize..4, pick in any::<prop::sample::Index>(), v in any_json()) {
        let lines = real_lines();
        let line = &lines[which % lines.len()];
        let mut doc: Value = serde_json::from_str(line).expect("a real line is JSON");
        // Stream payloads are JSON in a string: mutate inside them too.
        let inner = doc.get("payload").and_then(Value::as_str).and_then(|p| serde_json::from_str::<Value>(p).ok());
        let mut target = inner.clone().unwrap_or_else(|| doc.clone());
        let mut all = Vec::new();
        paths(&target, Vec::new(), &mut all);
        let path = all[pick.index(all.len())].clone();
        if let Some(slot) = at(&mut target, &path) {
            *slot = v;
        }
        if inner.is_some() {
            doc["payload"] = Value::String(target.to_string());
        } else {
            doc = target;
        }
        if let Err(e) = parse_all(&doc.to_string()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn a_required_field_made_null_is_named(which in 0usize..3, field in prop_oneof![Just("id"), Just("created_at"), Just("username")]) {
        let lines = real_lines();
        let mut doc: Value = serde_json::from_str(&lines[which]).expect("JSON");
        let Some(obj) = doc.get_mut("object") else { return Ok(()) };
        if obj.get(field).is_none() {
            return Ok(());
        }
        obj[field] = Value::Null;
        let err = parse_capture_line(&doc.to_string()).expect_err("refused");
        prop_assert_eq!(err, ParseError::Missing { field: format!("object.{field}") });
    }

    #[test]
    fn only_the_right_signature_is_accepted(body in prop::collection::vec(any::<u8>(), 0..256), forged in "sha256=[0-9a-f]{64}", secret in "[ -~]{12,40}") {
        let secret = Secret::new(secret);
        let real = sign(&secret, &body);
        prop_assume!(forged != real);
        prop_assert!(matches!(accept(&secret, Some(forged.as_bytes()), &body), Err(Refusal::Signature(_))));
        prop_assert!(matches!(accept(&secret, None, &body), Err(Refusal::Signature(_))));
        let verdict = accept(&secret, Some(real.as_bytes()), &body);
        prop_assert!(!matches!(verdict, Err(Refusal::Signature(_))), "the right one passes the check");
    }
}

#[test]
fn the_real_lines_parse() {
    for line in real_lines() {
        assert!(parse_capture_line(&line).is_ok(), "{line}");
    }
}
