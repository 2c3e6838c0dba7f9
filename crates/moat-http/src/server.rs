//! The router, the shared state of every request, and serving on a socket.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use maud::html;
use tokio::net::TcpListener;

use crate::config::HttpConfig;
use crate::discord::Discord;
use crate::guard::Authed;
use crate::metrics::Metrics;
use crate::pages::layout::{page, Frame, Tab};
use crate::security::RateLimit;
use crate::session::Signer;
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
    pub signer: Signer,
    pub discord: Discord,
    pub login_limit: RateLimit,
    /// A line for the login page (`moat demo` says which test user logs in).
    pub demo_hint: Option<String>,
    pub activity: crate::activity::Activity,
}

impl App {
    pub fn redirect_uri(&self) -> String {
        format!("{}/auth/callback", self.base)
    }
}

pub fn wall_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
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
        let activity = crate::activity::Activity::default();
        activity.follow(sources.live.subscribe(), metrics.clone());
        let app = App {
            signer: Signer::new(&config.cookie_key),
            discord: Discord::new(&config.discord_url),
            login_limit: RateLimit::new(config.logins_per_minute),
            demo_hint: None,
            activity,
            sources,
            metrics,
            config,
            ready: AtomicBool::new(false),
            base,
        };
        Dashboard { app: Arc::new(app) }
    }

    /// Tells `/readyz` the bot is (or is no longer) connected.
    pub fn set_ready(&self, ready: bool) {
        self.app.ready.store(ready, std::sync::atomic::Ordering::Release);
    }

    pub fn router(&self) -> Router {
        router(self.app.clone())
    }
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("static/moat.css")).into_response()
}

async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("static/moat.js")).into_response()
}

/// `/`: the servers this moderator may open (straight to the only one).
async fn home(axum::extract::State(app): axum::extract::State<Arc<App>>, Authed(s): Authed) -> Response {
    let guilds = crate::access::visible(app.sources.bot.as_ref(), &s);
    if guilds.len() == 1 {
        return Redirect::to(&format!("/g/{}", guilds[0].id.0)).into_response();
    }
    page(
        Frame { title: "Your servers", session: Some(&s), guild: None, tab: Tab::None },
        html! {
            section.card {
                h1 { "Your servers" }
                @if guilds.is_empty() {
                    p { "moat is in none of the servers you moderate. You see a server here when moat is in it and you own it, hold Manage Server, or hold one of its moderator roles." }
                } @else {
                    ul.guilds { @for g in &guilds { li { a href={"/g/" (g.id.0)} { (g.name) } } } }
                }
            }
        },
    )
    .into_response()
}

/// Every route.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(crate::auth::login_page))
        .route("/auth/start", get(crate::auth::start))
        .route("/auth/callback", get(crate::auth::callback))
        .route("/logout", post(crate::auth::logout))
        .route("/static/moat.css", get(css))
        .route("/static/moat.js", get(js))
        .route("/healthz", get(crate::health::healthz))
        .route("/readyz", get(crate::health::readyz))
        .route("/metrics", get(crate::health::metrics))
        .merge(crate::pages::routes())
        .layer(middleware::from_fn(crate::security::headers))
        .with_state(app)
}

/// Binds `config.bind` (refusing a public address unless configured) and serves until the
/// task is dropped. Returns the dashboard and the address it listens on.
pub async fn serve(
    sources: Sources,
    metrics: Arc<Metrics>,
    config: HttpConfig,
) -> std::io::Result<(Dashboard, SocketAddr, tokio::task::JoinHandle<()>)> {
    serve_with(sources, metrics, config, None).await
}

/// [`serve`], with a line for the login page (the demo's test user).
pub async fn serve_with(
    sources: Sources,
    metrics: Arc<Metrics>,
    config: HttpConfig,
    demo_hint: Option<String>,
) -> std::io::Result<(Dashboard, SocketAddr, tokio::task::JoinHandle<()>)> {
    config.check().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let mut dash = Dashboard::new(sources, metrics, config, addr);
    if let Some(app) = Arc::get_mut(&mut dash.app) {
        app.demo_hint = demo_hint;
    }
    let router = dash.router().into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!("the dashboard stopped serving: {e}");
        }
    });
    Ok((dash, addr, task))
}
