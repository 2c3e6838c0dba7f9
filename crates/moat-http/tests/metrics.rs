//! `/metrics` scraped over HTTP and read by a Prometheus text parser, as Prometheus would.

mod common;

use std::sync::Arc;

use moat_core::{ActionKind, Detector};
use moat_http::{HttpConfig, Metrics, Sources};
use moat_store::Store;

async fn start() -> (moat_http::Dashboard, String, Arc<Metrics>) {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let bot = Arc::new(common::TestBot::with_guilds(&[(1, "one")]));
    let metrics = Arc::new(Metrics::new());
    let cfg = HttpConfig { bind: "127.0.0.1:0".parse().unwrap(), ..HttpConfig::default() };
    let (dash, addr, _task) = moat_http::serve(Sources::new(store, bot), metrics.clone(), cfg).await.unwrap();
    (dash, format!("http://{addr}"), metrics)
}

#[tokio::test]
async fn metrics_parse_with_the_moat_prefix_units_and_no_ids() {
    let (_dash, base, m) = start().await;
    for _ in 0..3 {
        m.event("message");
    }
    m.event("join");
    m.action(ActionKind::Ban, Detector::Raid);
    m.rest_call("/api/v10/guilds/123456789012345678/bans/876543210987654321", 204, 0.02);
    m.rest_call("/api/v10/guilds/123456789012345678/bulk-ban", 429, 0.4);
    m.gateway_latency(0, 0.041);
    m.raids_active(1);

    let r = common::Browser::default().get(&format!("{base}/metrics")).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().contains("text"));
    let lines = r.body.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("the Prometheus text parser reads /metrics");
    let value = |name: &str, labels: &[(&str, &str)]| -> Option<f64> {
        scrape.samples.iter().find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))).map(
            |s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            },
        )
    };
    assert_eq!(value("moat_events_total", &[("type", "message")]), Some(3.0));
    assert_eq!(value("moat_events_total", &[("type", "join")]), Some(1.0));
    assert_eq!(value("moat_actions_total", &[("kind", "ban"), ("detector", "raid")]), Some(1.0));
    assert_eq!(value("moat_rest_rate_limited_total", &[]), Some(1.0));
    assert_eq!(value("moat_gateway_latency_seconds", &[("shard", "0")]), Some(0.041));
    assert_eq!(value("moat_raids_active", &[]), Some(1.0));
    assert!(
        scrape.samples.iter().any(|s| s.metric == "moat_rest_request_duration_seconds"
            && matches!(s.value, prometheus_parse::Value::Histogram(_))),
        "latency is a histogram in seconds"
    );
    assert!(!scrape.samples.is_empty());
    for s in &scrape.samples {
        assert!(s.metric.starts_with("moat_"), "{} lacks the prefix", s.metric);
        for (k, v) in s.labels.iter() {
            assert!(
                !(v.len() > 6 && v.bytes().all(|b| b.is_ascii_digit())),
                "{}: label {k}={v} looks like an id",
                s.metric
            );
        }
    }
}

#[tokio::test]
async fn health_answers_and_ready_waits_for_the_bot() {
    let (dash, base, _m) = start().await;
    let b = common::Browser::default();
    assert_eq!(b.get(&format!("{base}/healthz")).await.status, 200);
    assert_eq!(b.get(&format!("{base}/readyz")).await.status, 503);
    dash.set_ready(true);
    assert_eq!(b.get(&format!("{base}/readyz")).await.status, 200);
}

/// One sample's value, when the scrape has it.
fn sample(scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| val(&s.value))
}

fn val(v: &prometheus_parse::Value) -> f64 {
    match v {
        prometheus_parse::Value::Counter(v)
        | prometheus_parse::Value::Gauge(v)
        | prometheus_parse::Value::Untyped(v) => *v,
        prometheus_parse::Value::Histogram(h) => h.iter().map(|b| b.count).fold(0.0, f64::max),
        _ => f64::NAN,
    }
}

async fn scrape(base: &str) -> prometheus_parse::Scrape {
    let r = common::Browser::default().get(&format!("{base}/metrics")).await;
    assert_eq!(r.status, 200);
    prometheus_parse::Scrape::parse(r.body.lines().map(|l| Ok(l.to_string()))).expect("parses")
}

/// The metrics that only the running bot can feed move when it works: REST calls by purpose
/// and status with their latency, gateway latency, queue depths, the store's write lag,
/// raids and lockdowns active; and the overview lists the members under pressure by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_bot_feeds_the_metrics_and_the_pressure_list() {
    let t0 = moat_http::server::wall_ms() - 90_000;
    let mut c = moat_testkit::fixture::Capture::standard(t0);
    c.chatter(t0, 30, 4);
    for i in 0..20u64 {
        let at = t0 + 40_000 + i * 1_000;
        let u = c.account(at, 2 * 3_600_000 + i * 60_000);
        c.join(at, u, &format!("raider_{i:02}"), false);
        if i % 4 == 0 {
            c.say(at + 300, u, &format!("raider_{i:02}"), at, 1, "JOIN NOW discord.gg/raidparty @everyone", &[]);
        }
    }
    // A regular gets excited as the raid ends: four quick lines, under the limit.
    let regular = c.account(t0, 400 * 86_400_000);
    for k in 0..4u64 {
        c.say(
            t0 + 62_000 + k * 400,
            regular,
            "excited_regular",
            t0 - 300 * 86_400_000,
            2,
            &format!("wow look at that {k}"),
            &[],
        );
    }
    let guild = c.ids.guild;
    let capture = c.finish();
    let users = vec![moat_fake_discord::OAuthUser::new(common::ANN, "ann").in_guild(guild, true, 0)];
    let lb = common::live::LiveBot::start(users, "[raid]\naction = \"ban\"\n", "metrics", None, |o| {
        o.heartbeat_interval_ms = 400;
    })
    .await;
    let before = scrape(&lb.base).await;
    assert_eq!(sample(&before, "moat_raids_active", &[]).unwrap_or(0.0), 0.0);
    lb.play(&capture).await;
    assert!(lb.bot.wait_idle(std::time::Duration::from_millis(400), std::time::Duration::from_secs(60)).await);

    // The gauges are published about once a second: wait for the raid to show.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let s = loop {
        let s = scrape(&lb.base).await;
        let ready = sample(&s, "moat_raids_active", &[]) == Some(1.0)
            && sample(&s, "moat_gateway_latency_seconds", &[("shard", "0")]).is_some();
        if ready {
            break s;
        }
        assert!(std::time::Instant::now() < deadline, "raids_active and the gateway latency never showed");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert_eq!(sample(&s, "moat_lockdowns_active", &[]), Some(1.0), "the raid locked the guild down");
    let bans = sample(&s, "moat_rest_requests_total", &[("route", "bulk-ban N members")]).unwrap_or(0.0)
        + sample(&s, "moat_rest_requests_total", &[("route", "ban a member")]).unwrap_or(0.0);
    let ok_calls: f64 = s
        .samples
        .iter()
        .filter(|x| {
            x.metric == "moat_rest_requests_total" && x.labels.get("status").is_some_and(|v| v.starts_with('2'))
        })
        .map(|x| val(&x.value))
        .sum();
    assert!(ok_calls >= 3.0, "REST calls counted by status ({ok_calls})");
    let routes: Vec<&str> = s
        .samples
        .iter()
        .filter(|x| x.metric == "moat_rest_requests_total")
        .filter_map(|x| x.labels.get("route"))
        .collect();
    assert!(bans >= 1.0, "the raid's bans are counted under their purpose: {routes:?}");
    assert!(sample(&s, "moat_rest_request_duration_seconds", &[]) > Some(0.0), "latencies observed");
    let rtt = sample(&s, "moat_gateway_latency_seconds", &[("shard", "0")]).unwrap();
    assert!((0.0..5.0).contains(&rtt), "a heartbeat round trip on loopback ({rtt})");
    for q in ["engine_inbox", "executor", "raid_bans_held", "alerts"] {
        assert!(sample(&s, "moat_queue_depth", &[("queue", q)]).is_some(), "queue {q} is reported");
    }
    assert!(sample(&s, "moat_store_write_lag_seconds", &[]).is_some_and(|v| (0.0..60.0).contains(&v)));
    assert!(sample(&s, "moat_events_total", &[("type", "join")]) >= Some(20.0));

    // The overview lists the raiders who posted, by name, with their pressure.
    let b = common::Browser::default();
    common::login(&b, &lb.fake, &lb.base, common::ANN).await;
    let page = b.get(&format!("{}/g/{guild}", lb.base)).await;
    assert_eq!(page.status, 200);
    let pressure = &page.body[page.body.find("id=\"pressure\"").expect("a pressure card")..];
    let pressure = &pressure[..pressure.find("id=\"flags\"").unwrap_or(pressure.len())];
    assert!(pressure.contains("excited_regular") && pressure.contains("<meter"), "{pressure}");
    lb.stop().await;
}
