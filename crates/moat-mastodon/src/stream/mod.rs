//! The streaming client: posts from other servers reach moat only here (remote statuses
//! fire no webhooks). It opens `GET /api/v1/streaming?stream=public` as a WebSocket on the
//! streaming host the instance names (`configuration.urls.streaming`), with the token in the
//! `Authorization` header (never in the URL, where proxies log it), and hands on each
//! message as an [`crate::model::Event`].
//!
//! A stream that drops, closes, or goes silent (no message or ping for
//! [`StreamSettings::idle_timeout`]; Mastodon pings every 30 s) is reopened after a backoff
//! (1 s doubling to 60 s, on the adapter's clock). Each time it reopens with a post seen
//! before, moat first catches up ([`catchup`]) while holding back what the new connection
//! already brings, then hands those on: the connection is opened *before* the timeline is
//! read, so nothing posted in between falls in a crack, and the one door to the consumer,
//! shared with the webhooks, recognises what both bring, so nothing is handed on twice.

pub mod catchup;

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hyper::header::{HeaderValue, AUTHORIZATION};
use tokio::net::TcpStream;
use tokio_websockets::{ClientBuilder, MaybeTlsStream, WebSocketStream};

use crate::http::Api;
use crate::inbound::{Closed, Inbound, Sink};
use crate::instance::learn;
use crate::model::{Event, EventKind, Source, StatusId};
use crate::parse::{parse_stream_message, ParseError};
use crate::secret::Secret;
use crate::stats::{bump, Stats};
use catchup::{advance, catch_up, CatchUpError};

/// How the stream is watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSettings {
    /// `public` (everything public), `public:remote` (other servers only), `public:local`.
    pub stream: String,
    pub backoff_min_ms: u64,
    pub backoff_max_ms: u64,
    /// How far before the last status seen a catch-up starts reading (clock ms).
    pub lookback_ms: u64,
    /// Statuses per timeline page (Mastodon allows 40).
    pub page_limit: u32,
    /// Pages one catch-up may read before it reports a gap (each is a request of the budget).
    pub max_pages: u32,
    /// A silent connection is given up after this long (wall time).
    pub idle_timeout: Duration,
    pub connect_timeout: Duration,
    /// Catch up from here at start (the last status a previous run saw).
    pub since: Option<StatusId>,
}

impl Default for StreamSettings {
    fn default() -> Self {
        StreamSettings {
            stream: "public".into(),
            backoff_min_ms: 1_000,
            backoff_max_ms: 60_000,
            lookback_ms: 300_000,
            page_limit: 40,
            max_pages: 100,
            idle_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(20),
            since: None,
        }
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens the WebSocket with the token in the header.
async fn connect(url: &str, token: &Secret, timeout: Duration) -> Result<Ws, String> {
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| "the token has characters a header cannot carry".to_string())?;
    auth.set_sensitive(true);
    let builder = ClientBuilder::new()
        .uri(url)
        .map_err(|e| format!("bad streaming URL: {e}"))?
        .add_header(AUTHORIZATION, auth)
        .map_err(|e| format!("header: {e}"))?;
    match tokio::time::timeout(timeout, builder.connect()).await {
        Ok(Ok((ws, _))) => Ok(ws),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no connection within {timeout:?}")),
    }
}

/// What one read gave (short-lived: the size of an event is no concern).
#[allow(clippy::large_enum_variant)]
enum Read {
    Item(Result<Event, ParseError>),
    Skip,
    End(&'static str),
}

async fn read(ws: &mut Ws, idle: Duration, stats: &Stats) -> Read {
    match tokio::time::timeout(idle, ws.next()).await {
        Err(_) => Read::End("silent for too long"),
        Ok(None) => Read::End("closed"),
        Ok(Some(Err(_))) => Read::End("connection lost"),
        Ok(Some(Ok(m))) if m.is_close() => Read::End("closed by the server"),
        Ok(Some(Ok(m))) => match m.as_text() {
            Some(text) => {
                bump(&stats.stream_messages);
                Read::Item(parse_stream_message(text).map(|msg| Event::from_stream(msg, Source::Stream)))
            }
            None => Read::Skip,
        },
    }
}

/// The stream task's state across connections.
struct Watch {
    api: Arc<Api>,
    token: Secret,
    settings: StreamSettings,
    sink: Sink,
    cursor: Option<StatusId>,
}

/// How a session ended.
enum End {
    Lost,
    ConsumerGone,
}

impl Watch {
    /// Hands on one live item, advancing the cursor past new statuses.
    async fn deliver(&mut self, item: Result<Event, ParseError>) -> Result<(), Closed> {
        match item {
            Ok(mut e) => {
                e.at_ms = e.at_ms.or_else(|| Some(self.api.clock().now_ms()));
                let id = match &e.kind {
                    EventKind::StatusCreated(s) => Some(s.id.clone()),
                    _ => None,
                };
                self.sink.event(e).await?;
                if let Some(id) = id {
                    advance(&mut self.cursor, &id);
                }
                Ok(())
            }
            Err(error) => {
                bump(&self.api.stats().stream_unreadable);
                tracing::warn!(%error, "mastodon stream: unreadable message");
                self.sink.send(Inbound::Unreadable { source: Source::Stream, error }).await
            }
        }
    }

    /// Catches up from the cursor while holding back what the connection brings.
    async fn catch_up_holding(&mut self, ws: &mut Ws, held: &mut Vec<Result<Event, ParseError>>) -> Result<bool, End> {
        let Some(after) = self.cursor.clone() else { return Ok(true) };
        let s = self.settings.clone();
        let stats = self.api.stats().clone();
        let mut cursor = self.cursor.clone();
        let result = {
            let work = catch_up(&self.api, &self.sink, &after, s.lookback_ms, s.page_limit, s.max_pages, &mut cursor);
            tokio::pin!(work);
            loop {
                tokio::select! {
                    r = &mut work => break r,
                    m = read(ws, s.idle_timeout, &stats) => match m {
                        Read::Item(i) => held.push(i),
                        Read::Skip => {}
                        Read::End(why) => {
                            tracing::info!(why, "mastodon stream: lost during catch-up");
                            // Finish reading the timeline: what it handed on stays handed on.
                            break work.await;
                        }
                    },
                }
            }
        };
        self.cursor = cursor;
        match result {
            Ok(c) => {
                if c.truncated {
                    bump(&stats.catchup_truncated);
                    let after = self.cursor.clone().unwrap_or(after);
                    tracing::warn!(pages = c.pages, %after, "mastodon stream: catch-up stopped at its page limit");
                    self.sink.send(Inbound::Gap { after }).await.map_err(|_| End::ConsumerGone)?;
                }
                Ok(true)
            }
            Err(CatchUpError::Closed) => Err(End::ConsumerGone),
            Err(e) => {
                tracing::warn!(error = %e, "mastodon stream: catch-up failed; reconnecting to try again");
                Ok(false)
            }
        }
    }

    /// One connection, from its catch-up to its end.
    async fn session(&mut self, mut ws: Ws) -> End {
        let mut held = Vec::new();
        match self.catch_up_holding(&mut ws, &mut held).await {
            Err(end) => return end,
            // The gap is still open: drop this connection (what it held is in the timeline).
            Ok(false) => return End::Lost,
            Ok(true) => {}
        }
        for item in held {
            if self.deliver(item).await.is_err() {
                return End::ConsumerGone;
            }
        }
        let stats = self.api.stats().clone();
        loop {
            match read(&mut ws, self.settings.idle_timeout, &stats).await {
                Read::Item(i) => {
                    if self.deliver(i).await.is_err() {
                        return End::ConsumerGone;
                    }
                }
                Read::Skip => {}
                Read::End(why) => {
                    tracing::info!(why, "mastodon stream: connection ended");
                    return End::Lost;
                }
            }
        }
    }
}

/// Watches the stream until the consumer is gone. The streaming host is looked up in the
/// instance first (and again after a failed connection); its character limit is recorded in
/// `max_chars` for the messages to admins.
pub(crate) async fn run(
    api: Arc<Api>,
    token: Secret,
    settings: StreamSettings,
    sink: Sink,
    max_chars: Arc<AtomicUsize>,
) {
    let mut base: Option<String> = None;
    let mut backoff = settings.backoff_min_ms;
    let stream: String = form_urlencoded::byte_serialize(settings.stream.as_bytes()).collect();
    let mut w = Watch { cursor: settings.since.clone(), api, token, settings, sink };
    loop {
        if base.is_none() {
            base = learn(&w.api, &max_chars).await.map(|i| i.streaming_base(w.api.base()));
        }
        if let Some(b) = &base {
            let url = format!("{b}/api/v1/streaming?stream={stream}");
            match connect(&url, &w.token, w.settings.connect_timeout).await {
                Ok(ws) => {
                    bump(&w.api.stats().stream_connects);
                    let end = w.session(ws).await;
                    bump(&w.api.stats().stream_drops);
                    if matches!(end, End::ConsumerGone) {
                        return;
                    }
                    backoff = w.settings.backoff_min_ms;
                }
                Err(e) => {
                    bump(&w.api.stats().stream_connect_failures);
                    tracing::warn!(error = %e, "mastodon stream: cannot connect");
                    // The host may have moved: look it up again next time.
                    base = None;
                }
            }
        }
        w.api.clock().sleep(backoff).await;
        backoff = backoff.saturating_mul(2).clamp(w.settings.backoff_min_ms.max(1), w.settings.backoff_max_ms.max(1));
    }
}
