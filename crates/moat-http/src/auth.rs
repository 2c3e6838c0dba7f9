//! Login with Discord: the OAuth2 authorization-code flow with `state`, scopes
//! `identify guilds`.
//!
//! `/auth/start` (rate-limited per address) puts a random `state` in a short-lived signed
//! cookie and sends the browser to Discord; `/auth/callback` accepts the code only with that
//! same `state` (a login forced on someone by a third site carries another or none),
//! exchanges it for a token, reads who the user is and which guilds they manage, and sets
//! the session cookie. The token is used for those two calls and never kept.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use crate::guard::Authed;
use crate::pages::layout::{message, page, Frame, Tab};
use crate::server::{wall_ms, App};
use crate::session::{cookie_value, random_token, set_cookie, Session, SESSION_COOKIE, STATE_COOKIE};

/// The login page: one button.
pub async fn login_page(State(app): State<Arc<App>>) -> Response {
    let demo = app.demo_hint.clone();
    page(
        Frame { title: "Log in", session: None, guild: None, tab: Tab::None },
        html! {
            section.card.login {
                h1 { "moat" }
                p { "moat guards your community against raids, floods and scam links. Log in to see what it did, undo it, and change its settings." }
                a.button.primary #login href="/auth/start" { "Log in with Discord" }
                p.muted { "moat asks Discord who you are and which servers you are in (scopes identify and guilds), nothing more. You see a server if moat is in it and you own it, hold Manage Server, or hold a role its moderators named." }
                @if let Some(d) = demo { p.demo { (d) } }
            }
        },
    )
    .into_response()
}

fn secure(app: &App) -> bool {
    app.base.starts_with("https://")
}

/// Starts a login: a fresh `state`, then Discord.
pub async fn start(State(app): State<Arc<App>>, ConnectInfo(peer): ConnectInfo<SocketAddr>) -> Response {
    if !app.login_limit.allow(peer.ip(), Instant::now()) {
        app.metrics.login("rate_limited");
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            message("Too many logins", "Too many logins from this address; wait a minute and try again.", None),
        )
            .into_response();
    }
    let state = random_token();
    let url = app.discord.authorize_url(app.config.client_id, &app.redirect_uri(), &state);
    let cookie = set_cookie(STATE_COOKIE, &app.signer.sign("state", &state), 600, secure(&app));
    ([(header::SET_COOKIE, cookie)], Redirect::to(&url)).into_response()
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn refused(app: &App, outcome: &'static str, text: &str) -> Response {
    app.metrics.login(outcome);
    let clear = set_cookie(STATE_COOKIE, "", 0, secure(app));
    (StatusCode::BAD_REQUEST, [(header::SET_COOKIE, clear)], message("Login failed", text, None)).into_response()
}

/// Discord sends the browser back here with a code and the `state`.
pub async fn callback(State(app): State<Arc<App>>, headers: HeaderMap, Query(q): Query<Callback>) -> Response {
    let expected = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find_map(|c| cookie_value(c, STATE_COOKIE).map(str::to_string))
        .and_then(|c| app.signer.verify("state", &c));
    if let Some(e) = &q.error {
        let e: String = e.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(40).collect();
        return refused(&app, "denied", &format!("Discord did not approve the login ({e})."));
    }
    let (Some(code), Some(state), Some(expected)) = (q.code, q.state, expected) else {
        return refused(
            &app,
            "bad_state",
            "This login link is not one this browser started. Start again from the login page.",
        );
    };
    if state != expected {
        return refused(
            &app,
            "bad_state",
            "This login link is not one this browser started. Start again from the login page.",
        );
    }
    let result = async {
        let token =
            app.discord.exchange(app.config.client_id, &app.config.client_secret, &code, &app.redirect_uri()).await?;
        let me = app.discord.me(&token).await?;
        let guilds = app.discord.guilds(&token).await?;
        Ok::<_, crate::discord::DiscordError>((me, guilds))
    }
    .await;
    let (me, guilds) = match result {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!("a dashboard login failed: {e}");
            return refused(&app, "failed", &format!("{e}. Try again in a moment."));
        }
    };
    let Ok(user) = me.id.parse::<u64>() else { return refused(&app, "failed", "Discord sent an unreadable user id.") };
    let (managed, member_of) = crate::access::from_discord(&guilds);
    let hours = u64::from(app.config.session_hours);
    let session = Session {
        user,
        name: me.global_name.unwrap_or(me.username),
        managed,
        member_of,
        csrf: random_token(),
        expires: wall_ms() + hours * 3_600_000,
    };
    app.metrics.login("ok");
    tracing::info!("dashboard login by user {user}");
    let cookie = set_cookie(SESSION_COOKIE, &app.signer.seal(&session), hours * 3600, secure(&app));
    let clear = set_cookie(STATE_COOKIE, "", 0, secure(&app));
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("a cookie is a header value"));
    resp.headers_mut().append(header::SET_COOKIE, clear.parse().expect("a cookie is a header value"));
    resp
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session (a form with the CSRF token: a third site cannot log anyone out).
pub async fn logout(
    State(app): State<Arc<App>>,
    Authed(session): Authed,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !crate::security::same_origin_post(&headers, &app.base, &form.csrf, &session.csrf) {
        return (StatusCode::FORBIDDEN, "this form is not from this dashboard").into_response();
    }
    let clear = set_cookie(SESSION_COOKIE, "", 0, secure(&app));
    ([(header::SET_COOKIE, clear)], Redirect::to("/login")).into_response()
}
