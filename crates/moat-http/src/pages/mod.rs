//! The pages, rendered on the server with maud. Each file is one page; [`layout`] is the
//! frame they share (navigation, the stylesheet, the small live-update script). Every
//! handler takes a [`crate::guard::GuildAccess`], so none can skip the access check.

pub mod chart;
pub mod incident;
pub mod incidents;
pub mod layout;
pub mod links;
pub mod overview;
pub mod settings;
pub mod settings_table;
pub mod trial;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::server::App;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/g/{guild}", get(overview::page))
        .route("/g/{guild}/live", get(overview::live))
        .route("/g/{guild}/events", get(crate::sse::events))
        .route("/g/{guild}/incidents", get(incidents::page))
        .route("/g/{guild}/incidents/{incident}", get(incident::page))
        .route("/g/{guild}/incidents/{incident}/export.json", get(incident::export))
        .route("/g/{guild}/incidents/{incident}/undo", axum::routing::post(incident::undo))
        .route("/g/{guild}/settings", get(settings::page).post(settings::change))
        .route("/g/{guild}/settings/try", axum::routing::post(trial::try_it))
        .route("/g/{guild}/links", get(links::page).post(links::check))
}

/// The store failed: say so plainly, log the detail.
pub fn store_failed(e: moat_store::StoreError) -> Response {
    tracing::warn!("the dashboard could not read the store: {e}");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        layout::message("The store does not answer", "moat's database did not answer; try again in a moment.", None),
    )
        .into_response()
}

/// A form field's CSRF check, shared by every POST.
pub fn csrf_ok(app: &App, headers: &axum::http::HeaderMap, sent: &str, session: &crate::session::Session) -> bool {
    crate::security::same_origin_post(headers, &app.base, sent, &session.csrf)
}

pub fn forbidden_form() -> Response {
    (StatusCode::FORBIDDEN, layout::message("Refused", "This form did not come from this dashboard (its security token is missing or old). Reload the page and try again.", None)).into_response()
}
