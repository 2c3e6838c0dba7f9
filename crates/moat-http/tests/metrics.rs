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
