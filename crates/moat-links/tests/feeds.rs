//! Feeds against a local HTTP server on 127.0.0.1: first fetch, conditional re-fetch (304),
//! change, failure keeping the previous list, cache on disk, chunked bodies, the refresher.
#![cfg(feature = "feeds")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use moat_core::links::{LinkJudge, LinkVerdict};
use moat_links::feeds::{parse_list, Feed, Refresh, Refresher};
use moat_links::LinkChecker;

/// What the test server serves, and the requests it saw.
struct Server {
    body: Mutex<(String, String)>, // (etag, body)
    status: Mutex<Option<u16>>,
    chunked: Mutex<bool>,
    seen: Mutex<Vec<String>>,
}

/// Serves `n` connections, then stops.
fn serve(n: usize, s: Arc<Server>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            s.seen.lock().unwrap().push(head.clone());
            let (etag, body) = s.body.lock().unwrap().clone();
            let resp = if let Some(code) = *s.status.lock().unwrap() {
                format!("HTTP/1.1 {code} Oops\r\nContent-Length: 0\r\n\r\n")
            } else if head.contains(&format!("If-None-Match: {etag}")) {
                "HTTP/1.1 304 Not Modified\r\n\r\n".to_string()
            } else if *s.chunked.lock().unwrap() {
                let (a, b) = body.split_at(body.len() / 2);
                format!("HTTP/1.1 200 OK\r\nETag: {etag}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n", a.len(), b.len())
            } else {
                format!("HTTP/1.1 200 OK\r\nETag: {etag}\r\nLast-Modified: Sat, 21 Nov 2026 05:00:00 GMT\r\nContent-Length: {}\r\n\r\n{body}", body.len())
            };
            let _ = stream.write_all(resp.as_bytes());
        }
    });
    format!("http://{addr}/list.txt")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("moat-links-feeds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn conditional_get_cache_and_failures() {
    let s = Arc::new(Server {
        body: Mutex::new(("\"v1\"".into(), "# feed\nfeed-scam-one.com\n".into())),
        status: Mutex::new(None),
        chunked: Mutex::new(false),
        seen: Mutex::new(vec![]),
    });
    let url = serve(4, s.clone());
    let dir = temp_dir("cond");
    let feed = Feed { name: "t".into(), url, path: dir.join("list.txt"), interval: Duration::from_secs(3600) };
    let checker = LinkChecker::bundled();
    let msg = "https://feed-scam-one.com/x";
    assert_ne!(checker.judge(1, msg).verdict, LinkVerdict::Scam);

    assert_eq!(feed.refresh(&checker), Ok(Refresh::Updated(1)));
    assert_eq!(checker.judge(1, msg).verdict, LinkVerdict::Scam);
    assert!(dir.join("list.txt.meta").exists());

    // Unchanged: the validators go out and a 304 comes back.
    assert_eq!(feed.refresh(&checker), Ok(Refresh::NotModified));
    let seen = s.seen.lock().unwrap().clone();
    assert!(seen[1].contains("If-None-Match: \"v1\""), "{}", seen[1]);
    assert!(seen[1].contains("If-Modified-Since: Sat, 21 Nov 2026"), "{}", seen[1]);

    // Changed, and sent chunked.
    *s.body.lock().unwrap() = ("\"v2\"".into(), "feed-scam-two.com\nfeed-scam-three.com\n".into());
    *s.chunked.lock().unwrap() = true;
    assert_eq!(feed.refresh(&checker), Ok(Refresh::Updated(2)));
    assert_eq!(checker.judge(1, "https://feed-scam-two.com/").verdict, LinkVerdict::Scam);
    assert_ne!(checker.judge(1, msg).verdict, LinkVerdict::Scam, "a refresh replaces the feed's list");

    // A failing server keeps the previous list.
    *s.status.lock().unwrap() = Some(500);
    assert!(feed.refresh(&checker).is_err());
    assert_eq!(checker.judge(1, "https://feed-scam-two.com/").verdict, LinkVerdict::Scam);

    // A restart loads the copy on disk without the network.
    let fresh = LinkChecker::bundled();
    assert_eq!(feed.load_cached(&fresh).unwrap(), 2);
    assert_eq!(fresh.judge(1, "https://feed-scam-three.com/").verdict, LinkVerdict::Scam);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refresher_thread_installs_feeds() {
    let s = Arc::new(Server {
        body: Mutex::new(("\"a\"".into(), "{\"domains\": [\"json-feed-scam.net\", \"other-feed-scam.org\"]}".into())),
        status: Mutex::new(None),
        chunked: Mutex::new(false),
        seen: Mutex::new(vec![]),
    });
    let url = serve(1, s);
    let dir = temp_dir("thread");
    let checker = Arc::new(LinkChecker::bundled());
    let feed = Feed { name: "json".into(), url, path: dir.join("f.json"), interval: Duration::from_secs(3600) };
    let r = Refresher::start(checker.clone(), vec![feed], |_| {});
    let mut ok = false;
    for _ in 0..100 {
        if checker.judge(1, "https://json-feed-scam.net/").verdict == LinkVerdict::Scam {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    r.stop();
    assert!(ok, "the refresher installed the feed");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parse_list_accepts_text_and_json() {
    assert_eq!(parse_list("a.com\n# c\nb.org\n").len(), 2);
    assert_eq!(parse_list("[\"a.com\", \"b.org\", \"not a domain\"]").len(), 2);
}

#[test]
fn unsupported_urls_fail_cleanly() {
    let feed = Feed {
        name: "x".into(),
        url: "ftp://example.com/x".into(),
        path: "/nonexistent/x".into(),
        interval: Duration::from_secs(1),
    };
    assert!(feed.refresh(&LinkChecker::bundled()).unwrap_err().contains("http://"));
    #[cfg(not(feature = "feeds-tls"))]
    {
        let feed = Feed { url: "https://example.com/x".into(), ..feed };
        assert!(feed.refresh(&LinkChecker::bundled()).unwrap_err().contains("feeds-tls"));
    }
}
