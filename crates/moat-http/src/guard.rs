//! Every request's check: who is asking (a genuine, unexpired session) and whether they may
//! open the guild in the path. Handlers take [`Authed`] or [`GuildAccess`] as arguments, so a
//! page cannot be written that forgets the check.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use moat_core::id::GuildId;

use crate::pages::layout::message;
use crate::server::App;
use crate::session::{cookie_value, Session, SESSION_COOKIE};
use crate::source::GuildInfo;

/// A logged-in moderator.
pub struct Authed(pub Session);

/// A moderator and a guild they may open.
pub struct GuildAccess {
    pub session: Session,
    pub guild: GuildInfo,
}

pub fn session_of(app: &App, parts: &Parts) -> Option<Session> {
    let cookies = parts.headers.get_all(header::COOKIE);
    cookies
        .iter()
        .filter_map(|c| c.to_str().ok())
        .filter_map(|c| cookie_value(c, SESSION_COOKIE))
        .find_map(|v| app.signer.open(v, crate::server::wall_ms()))
}

fn login_needed(parts: &Parts) -> Response {
    if parts.method == axum::http::Method::GET {
        Redirect::to("/login").into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "log in first").into_response()
    }
}

impl FromRequestParts<Arc<App>> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        session_of(app, parts).map(Authed).ok_or_else(|| login_needed(parts))
    }
}

/// The same answer whether the guild does not exist, moat is not in it, or it is someone
/// else's: a probe learns nothing.
pub fn not_yours(session: Option<&Session>) -> Response {
    (
        StatusCode::NOT_FOUND,
        message("Not one of your servers", "moat is not in this server, or you do not moderate it.", session),
    )
        .into_response()
}

impl FromRequestParts<Arc<App>> for GuildAccess {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let Some(session) = session_of(app, parts) else { return Err(login_needed(parts)) };
        let params = Path::<Vec<(String, String)>>::from_request_parts(parts, app)
            .await
            .map_err(|_| not_yours(Some(&session)))?;
        let guild = params.0.iter().find(|(k, _)| k == "guild").and_then(|(_, v)| v.parse::<u64>().ok()).map(GuildId);
        match guild.and_then(|g| crate::access::may_open(app.sources.bot.as_ref(), &session, g)) {
            Some(guild) => Ok(GuildAccess { session, guild }),
            None => Err(not_yours(Some(&session))),
        }
    }
}
