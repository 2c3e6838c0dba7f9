//! The expander against a shortener this test runs on 127.0.0.1: hops, limits, refusals, cache,
//! rate limit; and the checker judging a message with the expansion it produced.
#![cfg(feature = "expand")]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use moat_core::links::LinkVerdict;
use moat_links::expand::{ExpandConfig, ExpandError, Expander};
use moat_links::{Expansion, LinkChecker, MessageFacts, Options};

/// A tiny shortener: each path answers one way. Returns its port and a request counter per path.
fn shortener() -> (u16, Arc<Mutex<HashMap<String, usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let counts: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let seen = counts.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                *seen.lock().unwrap().entry(path.clone()).or_default() += 1;
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let redirect = |to: String| {
                    format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                };
                let reply = match path.as_str() {
                    "/a" => "HTTP/1.1 301 Moved\r\nLocation: /b\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                        .to_string(),
                    "/b" => redirect(format!("http://127.0.0.1:{port}/final?id=AbC")),
                    "/loop" => redirect("/loop".into()),
                    "/private" => redirect("http://10.0.0.1/x".into()),
                    "/scheme" => redirect("javascript:alert(1)".into()),
                    "/hang" => {
                        std::thread::sleep(Duration::from_secs(3));
                        return;
                    }
                    "/big" => {
                        format!(
                            "HTTP/1.1 200 OK\r\nX-Fill: {}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                            "x".repeat(64 * 1024)
                        )
                    }
                    _ => "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".to_string(),
                };
                let _ = stream.write_all(reply.as_bytes());
            });
        }
    });
    (port, counts)
}

fn local() -> ExpandConfig {
    ExpandConfig { allow_loopback: true, timeout: Duration::from_secs(2), ..ExpandConfig::default() }
}

#[test]
fn follows_each_hop_to_the_end() {
    let (port, _) = shortener();
    let e = Expander::new(local());
    let done = e.expand(&format!("http://127.0.0.1:{port}/a")).unwrap();
    let urls: Vec<&str> = done.hops.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            format!("http://127.0.0.1:{port}/a"),
            format!("http://127.0.0.1:{port}/b"),
            format!("http://127.0.0.1:{port}/final?id=AbC")
        ]
    );
    assert_eq!(done.hops.iter().map(|h| h.status).collect::<Vec<_>>(), [301, 302, 200]);
    assert_eq!(done.final_url, format!("http://127.0.0.1:{port}/final?id=AbC"));
}

#[test]
fn limits_and_refusals() {
    let (port, _) = shortener();
    let e = Expander::new(local());
    let at = |p: &str| format!("http://127.0.0.1:{port}{p}");
    assert_eq!(e.expand(&at("/loop")), Err(ExpandError::TooManyHops(5)));
    assert_eq!(e.expand(&at("/private")), Err(ExpandError::NonPublic("10.0.0.1".parse().unwrap())));
    assert!(matches!(e.expand(&at("/scheme")), Err(ExpandError::BadRedirect(_))));
    assert!(matches!(e.expand(&at("/big")), Err(ExpandError::Http(_))), "oversized headers are refused");
    let quick = Expander::new(ExpandConfig { timeout: Duration::from_millis(300), ..local() });
    assert!(matches!(quick.expand(&at("/hang")), Err(ExpandError::Http(_))), "bounded in time");
    assert!(matches!(e.expand("ftp://example.com/x"), Err(ExpandError::BadUrl(_))));
    assert!(matches!(e.expand("https://user@example.com/x"), Err(ExpandError::BadUrl(_))));
}

#[test]
fn loopback_and_private_are_refused_without_the_test_switch() {
    let (port, counts) = shortener();
    let e = Expander::new(ExpandConfig::default());
    assert_eq!(e.expand("http://127.0.0.1/x"), Err(ExpandError::NonPublic("127.0.0.1".parse().unwrap())));
    assert_eq!(e.expand("http://[::1]/x"), Err(ExpandError::NonPublic("::1".parse().unwrap())));
    assert_eq!(
        e.expand("http://169.254.169.254/latest"),
        Err(ExpandError::NonPublic("169.254.169.254".parse().unwrap()))
    );
    assert_eq!(e.expand(&format!("http://127.0.0.1:{port}/a")), Err(ExpandError::Port(port)));
    // A name that resolves to loopback is refused at connect time, on the resolved address.
    let r = e.expand("http://localhost:8080/x");
    assert!(matches!(r, Err(ExpandError::NonPublic(ip)) if ip.is_loopback()), "{r:?}");
    assert!(counts.lock().unwrap().is_empty(), "the shortener was never reached");
}

#[test]
fn cache_and_per_host_rate_limit() {
    let (port, counts) = shortener();
    let e = Expander::new(ExpandConfig { per_host_burst: 3, per_host_interval: Duration::from_secs(60), ..local() });
    let url = format!("http://127.0.0.1:{port}/final");
    assert!(e.expand(&url).is_ok());
    assert!(e.expand(&url).is_ok());
    assert_eq!(counts.lock().unwrap()["/final"], 1, "the second expansion came from the cache");
    assert!(e.expand(&format!("http://127.0.0.1:{port}/x1")).is_ok());
    assert!(e.expand(&format!("http://127.0.0.1:{port}/x2")).is_ok());
    assert_eq!(e.expand(&format!("http://127.0.0.1:{port}/x3")), Err(ExpandError::RateLimited("127.0.0.1".into())));
}

#[test]
fn the_checker_judges_the_target_of_an_expansion() {
    let c = LinkChecker::with_options(Options { no_blocklist: true, ..Options::default() });
    let msg = "look https://bit.ly/3xYzAb";
    assert_eq!(c.check(1, msg).verdict, LinkVerdict::Clean, "a shortener alone, target unknown");
    let expansions = [Expansion::new("bit.ly/3xYzAb", "https://steamcommunlty.ru/tradeoffer/new")];
    let r = c.check_with(1, msg, &MessageFacts { expansions: &expansions, ..MessageFacts::default() });
    assert_eq!(r.verdict, LinkVerdict::Scam, "{}", r.summary());
    assert!(r.links[0].reasons.iter().any(|x| x.contains("leads to https://steamcommunlty.ru/tradeoffer/new")));
    let benign = [Expansion::new("https://bit.ly/3xYzAb", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")];
    let r = c.check_with(1, msg, &MessageFacts { expansions: &benign, ..MessageFacts::default() });
    assert_eq!(r.verdict, LinkVerdict::Clean, "{}", r.summary());
}
