//! The router, the shared state of every request, and serving on a socket.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use crate::config::HttpConfig;
use crate::metrics::Metrics;
use crate::source::Sources;

/// What every handler sees.
pub struct App {
    pub sources: Sources,
    pub metrics: Arc<Metrics>,
    pub config: HttpConfig,
    /// Set by the bot once it is connected.
    pub ready: AtomicBool,
    /// Browsers' base URL (the OAuth2 redirect starts with it).
    pub base: String,
}

/// A dashboard to serve: build it, keep a handle to mark it ready, serve it.
#[derive(Clone)]
pub struct Dashboard {
    pub app: Arc<App>,
}

impl Dashboard {
    /// `bound` is the address the listener really got (port 0 picks one).
    pub fn new(sources: Sources, metrics: Arc<Metrics>, config: HttpConfig, bound: SocketAddr) -> Dashboard {
        let base = config.public_base(bound);
        Dashboard { app: Arc::new(App { sources, metrics, config, ready: AtomicBool::new(false), base }) }
    }

    /// Tells `/readyz` the bot is (or is no longer) connected.
    pub fn set_ready(&self, ready: bool) {
        self.app.ready.store(ready, std::sync::atomic::Ordering::Release);
    }

    pub fn router(&self) -> Router {
        router(self.app.clone())
    }
}

/// Every route.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(crate::health::healthz))
        .route("/readyz", get(crate::health::readyz))
        .route("/metrics", get(crate::health::metrics))
        .with_state(app)
}

/// Binds `config.bind` (refusing a public address unless configured) and serves until the
/// task is dropped. Returns the dashboard and the address it listens on.
pub async fn serve(
    sources: Sources,
    metrics: Arc<Metrics>,
    config: HttpConfig,
) -> std::io::Result<(Dashboard, SocketAddr, tokio::task::JoinHandle<()>)> {
    config.check().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let dash = Dashboard::new(sources, metrics, config, addr);
    let router = dash.router().into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!("the dashboard stopped serving: {e}");
        }
    });
    Ok((dash, addr, task))
}
