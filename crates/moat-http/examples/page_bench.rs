//! Page load with 10,000 incidents in the store: the overview, the incident list (first
//! page, a filtered page and a deep page) and one incident, each fetched over HTTP as a
//! logged-in moderator, 50 times; prints the median and the 99th percentile.
//!
//! `cargo run --release -p moat-http --example page_bench [-- INCIDENTS]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use moat_core::evidence::{Evidence, EvidenceMessage};
use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use moat_core::{Action, ActionKind, Detector};
use moat_http::session::{Session, Signer};
use moat_http::{BotControl, GuildInfo, GuildSnapshot, HttpConfig, Metrics, Moderator, Sources};

struct Bench;

impl BotControl for Bench {
    fn guilds(&self) -> Vec<GuildInfo> {
        vec![GuildInfo { id: GuildId(G), name: "bench".into(), moderator_roles: vec![] }]
    }
    fn snapshot(&self, _: GuildId) -> Option<GuildSnapshot> {
        Some(GuildSnapshot::default())
    }
    fn undo(&self, _: GuildId, _: IncidentId, _: Moderator) -> BoxFuture<'static, Result<Vec<String>, String>> {
        Box::pin(async { Err("not in a benchmark".into()) })
    }
    fn set_setting(
        &self,
        _: GuildId,
        _: String,
        _: String,
        _: String,
        _: Moderator,
    ) -> BoxFuture<'static, Result<String, String>> {
        Box::pin(async { Err("not in a benchmark".into()) })
    }
}

const G: u64 = 424_242_424_242;
const KEY: &str = "a benchmark key of at least thirty-two bytes";
const DETECTORS: [Detector; 4] = [Detector::Raid, Detector::Pressure, Detector::Scam, Detector::Campaign];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let db = std::env::temp_dir().join(format!("moat-page-bench-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = moat_store::Store::open(&format!("sqlite://{}?mode=rwc", db.display())).await.unwrap();
    let now = moat_http::server::wall_ms();
    store.guild_joined(GuildId(G), now).await.unwrap();
    let t = Instant::now();
    let mut batch = Vec::new();
    for i in 0..n {
        let ts = now - (n - i) * 60_000;
        let d = DETECTORS[(i % 4) as usize];
        let users: Vec<UserId> = (0..3).map(|k| UserId(1_000_000 + i * 3 + k)).collect();
        let ev = Evidence {
            messages: vec![EvidenceMessage {
                message_id: MessageId(10_000_000 + i),
                channel_id: ChannelId(5),
                author_id: users[0],
                ts,
                content: format!("message {i}: free nitro at discord-gift.example"),
                attachment_urls: vec![],
            }],
            facts: vec![],
        };
        let kind = if d == Detector::Raid { ActionKind::Ban } else { ActionKind::Timeout };
        batch.push(
            Action::new(ts, GuildId(G), kind, d, format!("{} #{i}", d.as_str()))
                .incident(IncidentId(i + 1))
                .users(users)
                .evidence(ev),
        );
        if batch.len() == 500 {
            store.record(&batch).await.unwrap();
            batch.clear();
        }
    }
    store.record(&batch).await.unwrap();
    eprintln!("recorded {n} incidents in {:.1} s", t.elapsed().as_secs_f64());

    let cfg = HttpConfig { bind: "127.0.0.1:0".parse().unwrap(), cookie_key: KEY.into(), ..HttpConfig::default() };
    let (_dash, addr, _task) =
        moat_http::serve(Sources::new(store, Arc::new(Bench)), Arc::new(Metrics::new()), cfg).await.unwrap();
    let session = Session {
        user: 1,
        name: "bench".into(),
        managed: vec![G],
        member_of: vec![G],
        csrf: "x".into(),
        expires: now + 3_600_000,
    };
    let cookie = format!("moat_session={}", Signer::new(KEY).seal(&session));
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mid = n / 2;
    let pages = [
        ("overview", format!("/g/{G}")),
        ("incidents, first page", format!("/g/{G}/incidents")),
        ("incidents, kind=raid", format!("/g/{G}/incidents?kind=raid")),
        ("incidents, page 100", format!("/g/{G}/incidents?page=100")),
        ("one incident", format!("/g/{G}/incidents/{mid}")),
    ];
    println!("{n} incidents in the store (SQLite), 50 loads each, over HTTP on loopback:");
    for (name, path) in pages {
        let mut times = Vec::new();
        for _ in 0..55 {
            let req = hyper::Request::get(format!("http://{addr}{path}"))
                .header("cookie", &cookie)
                .body(Full::new(Bytes::new()))
                .unwrap();
            let t = Instant::now();
            let resp = client.request(req).await.unwrap();
            assert_eq!(resp.status(), 200, "{path}");
            let _ = resp.into_body().collect().await.unwrap();
            times.push(t.elapsed());
        }
        let mut times: Vec<Duration> = times.split_off(5);
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "  {name:<24} median {:6.2} ms   p99 {:6.2} ms",
            ms(times[times.len() / 2]),
            ms(times[times.len() * 99 / 100])
        );
    }
    let _ = std::fs::remove_file(&db);
}
