//! `/metrics`: what an operator running a public bot watches, in the Prometheus text format.
//!
//! Names carry one prefix (`moat_`), base units in their suffix (`_seconds`), counters end in
//! `_total`. Labels are low-cardinality by construction: an event type, an action kind, a
//! detector, a route template (`/guilds/:id/bans`), a status code, a shard number, a queue
//! name. No user or guild id ever becomes a label: [`Metrics::rest_call`] takes a route
//! template and refuses to label anything with a number longer than a status code.
//!
//! The bot side feeds these through the small recording methods below; the encoding is
//! `prometheus-client`'s.

use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

type Labels = Vec<(&'static str, String)>;

fn rest_buckets() -> Histogram {
    Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

/// Every metric moat exports. Cheap to share (`Arc<Metrics>`); every method is lock-free
/// except [`Metrics::render`].
pub struct Metrics {
    registry: Mutex<Registry>,
    events: Family<Labels, Counter>,
    actions: Family<Labels, Counter>,
    rest: Family<Labels, Counter>,
    rest_latency: Family<Labels, Histogram, fn() -> Histogram>,
    rate_limited: Counter,
    gateway_latency: Family<Labels, Gauge<f64, AtomicU64>>,
    queue_depth: Family<Labels, Gauge>,
    store_lag: Gauge<f64, AtomicU64>,
    raids: Gauge,
    lockdowns: Gauge,
    logins: Family<Labels, Counter>,
    pages: Family<Labels, Histogram, fn() -> Histogram>,
}

/// A route template keeps only the path's shape: every all-digit segment becomes `:id`.
pub fn route_template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    path.split('/')
        .map(|s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { ":id" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// A purpose phrase with every run of digits replaced by `N`.
pub fn purpose_label(what: &str) -> String {
    let mut out = String::with_capacity(what.len());
    let mut in_digits = false;
    for c in what.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut r = Registry::with_prefix("moat");
        let m = Metrics {
            registry: Mutex::new(Registry::default()),
            events: Family::default(),
            actions: Family::default(),
            rest: Family::default(),
            rest_latency: Family::new_with_constructor(rest_buckets),
            rate_limited: Counter::default(),
            gateway_latency: Family::default(),
            queue_depth: Family::default(),
            store_lag: Gauge::default(),
            raids: Gauge::default(),
            lockdowns: Gauge::default(),
            logins: Family::default(),
            pages: Family::new_with_constructor(rest_buckets),
        };
        r.register("events", "Gateway events the engine read, by type", m.events.clone());
        r.register("actions", "Actions the engine decided, by kind and detector", m.actions.clone());
        r.register("rest_requests", "REST calls to the platform, by route template and status", m.rest.clone());
        r.register_with_unit(
            "rest_request_duration",
            "REST call latency, by route template",
            Unit::Seconds,
            m.rest_latency.clone(),
        );
        r.register("rest_rate_limited", "REST answers that were 429 Too Many Requests", m.rate_limited.clone());
        r.register_with_unit(
            "gateway_latency",
            "Heartbeat round trip per shard",
            Unit::Seconds,
            m.gateway_latency.clone(),
        );
        r.register("queue_depth", "Work waiting, by queue", m.queue_depth.clone());
        r.register_with_unit(
            "store_write_lag",
            "How far the store's writes trail the engine",
            Unit::Seconds,
            m.store_lag.clone(),
        );
        r.register("raids_active", "Guilds in a raid now", m.raids.clone());
        r.register("lockdowns_active", "Guilds locked down now", m.lockdowns.clone());
        r.register("dashboard_logins", "Dashboard logins, by outcome", m.logins.clone());
        r.register_with_unit(
            "dashboard_page_duration",
            "Time to render a dashboard page, by page",
            Unit::Seconds,
            m.pages.clone(),
        );
        *m.registry.lock().unwrap_or_else(|e| e.into_inner()) = r;
        m
    }

    pub fn event(&self, kind: &str) {
        self.events.get_or_create(&vec![("type", kind.to_string())]).inc();
    }

    pub fn action(&self, kind: moat_core::ActionKind, detector: moat_core::Detector) {
        self.actions
            .get_or_create(&vec![("kind", kind.as_str().to_string()), ("detector", detector.as_str().to_string())])
            .inc();
    }

    /// One REST call: `route` is a path (ids are replaced by `:id`), `status` its HTTP
    /// status (0 when it failed before one came back).
    pub fn rest_call(&self, route: &str, status: u16, seconds: f64) {
        let route = route_template(route);
        self.rest.get_or_create(&vec![("route", route.clone()), ("status", status.to_string())]).inc();
        self.rest_latency.get_or_create(&vec![("route", route)]).observe(seconds);
        if status == 429 {
            self.rate_limited.inc();
        }
    }

    /// A REST call named by its purpose (`bulk-ban 120 members`, `unban (undo)`), a fixed
    /// set of phrases whose numbers become `N`, so no id or count makes a label of its own.
    pub fn rest_done(&self, what: &str, status: u16, seconds: f64) {
        let what = purpose_label(what);
        self.rest.get_or_create(&vec![("route", what.clone()), ("status", status.to_string())]).inc();
        self.rest_latency.get_or_create(&vec![("route", what)]).observe(seconds);
        if status == 429 {
            self.rate_limited.inc();
        }
    }

    pub fn gateway_latency(&self, shard: u32, seconds: f64) {
        self.gateway_latency.get_or_create(&vec![("shard", shard.to_string())]).set(seconds);
    }

    pub fn queue_depth(&self, queue: &'static str, depth: i64) {
        self.queue_depth.get_or_create(&vec![("queue", queue.to_string())]).set(depth);
    }

    pub fn store_write_lag(&self, seconds: f64) {
        self.store_lag.set(seconds);
    }

    pub fn raids_active(&self, n: i64) {
        self.raids.set(n);
    }

    pub fn lockdowns_active(&self, n: i64) {
        self.lockdowns.set(n);
    }

    /// `ok`, `denied`, `bad_state`, `rate_limited`, `failed`.
    pub fn login(&self, outcome: &'static str) {
        self.logins.get_or_create(&vec![("outcome", outcome.to_string())]).inc();
    }

    pub fn page(&self, page: &'static str, seconds: f64) {
        self.pages.get_or_create(&vec![("page", page.to_string())]).observe(seconds);
    }

    /// The text a scrape gets.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let r = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &r);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_reach_a_label() {
        assert_eq!(route_template("/api/v10/guilds/123456789/bans/987?x=1"), "/api/v10/guilds/:id/bans/:id");
        let m = Metrics::new();
        m.rest_call("/api/v10/guilds/111222333444/members/555666777888", 200, 0.01);
        let text = m.render();
        assert!(!text.contains("111222333444") && !text.contains("555666777888"), "{text}");
        assert!(text.contains("moat_rest_requests_total{route=\"/api/v10/guilds/:id/members/:id\",status=\"200\"} 1"));
        m.rest_done("bulk-ban 120 members of 111222333444", 200, 0.3);
        assert!(m.render().contains("route=\"bulk-ban N members of N\""), "{}", m.render());
    }
}
