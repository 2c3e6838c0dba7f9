//! Property tests: the fake's own parsing of what clients and captures send never panics on
//! junk, and the live server answers every junk request with a status.

mod common;

use moat_clock::Clock;
use moat_fake_mastodon::cidr::Cidr;
use moat_fake_mastodon::params::Params;
use moat_fake_mastodon::time::parse_iso;
use moat_fake_mastodon::{parse_line, FakeMastodon, Options, Pace, DEFAULT_TOKEN};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const CONTENT_TYPES: [&str; 4] = ["application/json", "application/x-www-form-urlencoded", "text/plain", ""];

proptest! {
    #[test]
    fn params_never_panic(query in ".{0,80}", ct in 0usize..4, body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Params::parse(Some(&query), Some(CONTENT_TYPES[ct]), &body);
    }

    #[test]
    fn json_params_never_panic(body in r#"\{("[a-z_\[\]]{1,8}":(null|true|-?[0-9]{1,20}|"[^"\\]{0,8}"|\[[0-9,]{0,9}\]|\{\}),?){0,5}\}"#) {
        let _ = Params::parse(None, Some("application/json"), body.as_bytes());
    }

    #[test]
    fn capture_lines_never_panic(line in ".{0,200}") {
        let _ = parse_line(&line);
    }

    #[test]
    fn capture_shaped_lines_never_panic(event in "[a-z.]{0,16}", payload in ".{0,60}", object in r#"(\{\}|null|"x"|\[\]|\{"id":[0-9]{1,3}\})"#) {
        let w = format!(r#"{{"event":"{event}","created_at":"{payload}","object":{object}}}"#);
        let s = serde_json::json!({"stream": ["public"], "event": event, "payload": payload}).to_string();
        let _ = parse_line(&w);
        let _ = parse_line(&s);
    }

    #[test]
    fn times_and_networks_never_panic(s in ".{0,40}") {
        let _ = parse_iso(&s);
        let _ = Cidr::parse(&s);
    }
}

#[test]
fn playing_junk_is_counted_not_fatal() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let fake = FakeMastodon::start(Options { clock: Clock::manual(1), ..Options::default() }).await.expect("starts");
        let junk = "{\n[]\n{\"event\":\"account.created\",\"object\":{}}\n{\"stream\":[\"public\"],\"event\":\"update\",\"payload\":\"{}\"}\n{\"event\":\"status.created\",\"object\":{\"id\":\"1\"}}\n\u{0}\n";
        let r = fake.play(junk, Pace::Fast).await;
        assert_eq!(r.bad_lines, 5, "{:?}", r.errors);
        assert_eq!(r.lines, 1);
    });
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("api".to_string()),
        Just("v1".to_string()),
        Just("v2".to_string()),
        Just("admin".to_string()),
        Just("accounts".to_string()),
        Just("action".to_string()),
        Just("ip_blocks".to_string()),
        Just("email_domain_blocks".to_string()),
        Just("statuses".to_string()),
        Just("timelines".to_string()),
        Just("oauth".to_string()),
        Just("token".to_string()),
        "[0-9]{1,20}",
        "[a-zA-Z0-9_.%-]{0,12}",
    ]
}

#[test]
fn the_live_server_answers_every_junk_request() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let fake =
        rt.block_on(FakeMastodon::start(Options { clock: Clock::manual(1), ..Options::default() })).expect("starts");
    let mut runner = TestRunner::new(Config { cases: 96, failure_persistence: None, ..Config::default() });
    let strategy = (
        prop_oneof![Just("GET"), Just("POST"), Just("DELETE"), Just("PUT")],
        proptest::collection::vec(segment(), 0..7),
        "[a-z_=&%0-9\\[\\]]{0,40}",
        0usize..4,
        proptest::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(method, segs, query, ct, body, with_token)| {
            let path = format!("/{}?{query}", segs.join("/"));
            let body = String::from_utf8_lossy(&body).into_owned();
            let token = with_token.then_some(DEFAULT_TOKEN);
            let ct = CONTENT_TYPES[ct];
            let r = rt.block_on(common::call(&fake, method, &path, token, Some((ct, &body))));
            prop_assert!((200..600).contains(&r.status));
            if r.status >= 400 && r.status != 413 {
                prop_assert!(r.json()["error"].is_string(), "errors are {{\"error\": …}}: {} {}", r.status, r.body);
            }
            Ok(())
        })
        .expect("no junk request breaks the server");
    // And it still works.
    let r = rt.block_on(common::get(&fake, "/api/v2/instance", DEFAULT_TOKEN));
    assert_eq!(r.status, 200);
}
