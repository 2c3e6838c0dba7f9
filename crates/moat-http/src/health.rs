//! `/healthz` (the process answers) and `/readyz` (it can do its job: the store answers and
//! the bot said it is connected), for a load balancer or an orchestrator's probes.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;

use crate::server::App;

pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

pub async fn readyz(State(app): State<Arc<App>>) -> impl IntoResponse {
    if !app.ready.load(Ordering::Acquire) {
        return (StatusCode::SERVICE_UNAVAILABLE, "not ready: the bot is not connected yet\n".to_string());
    }
    match app.sources.store.guild_ids().await {
        Ok(_) => (StatusCode::OK, "ready\n".to_string()),
        Err(e) => {
            tracing::warn!("readyz: the store does not answer: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready: the store does not answer\n".to_string())
        }
    }
}

pub async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], app.metrics.render())
}
