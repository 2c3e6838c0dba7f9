//! The link checker: paste a message, see each link's verdict and reasons, judged by
//! `moat-links` exactly as the engine would judge it in this server.

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use moat_core::LinkReport;
use moat_links::LinkChecker;
use serde::Deserialize;

use super::layout::{page as frame, Frame, Tab};
use crate::guard::GuildAccess;
use crate::server::App;

/// The bundled lists load once, on first use, off the async threads.
static CHECKER: OnceLock<Arc<LinkChecker>> = OnceLock::new();

pub(crate) async fn checker() -> Arc<LinkChecker> {
    if let Some(c) = CHECKER.get() {
        return c.clone();
    }
    let built = tokio::task::spawn_blocking(|| Arc::new(LinkChecker::bundled())).await;
    let c = built.unwrap_or_else(|_| Arc::new(LinkChecker::bundled()));
    CHECKER.get_or_init(|| c).clone()
}

/// The bundled checker as an engine's judge (the settings page's trial replays use it).
pub(crate) struct SharedJudge(pub Arc<LinkChecker>);

impl moat_core::LinkJudge for SharedJudge {
    fn judge(&self, guild_id: u64, content: &str) -> LinkReport {
        moat_core::LinkJudge::judge(&*self.0, guild_id, content)
    }
    fn trusted_link(&self, guild_id: u64, url: &str) -> bool {
        moat_core::LinkJudge::trusted_link(&*self.0, guild_id, url)
    }
}

/// Messages longer than a Discord message are cut (the engine judges no more either).
const MAX_TEXT: usize = 4000;

fn report(r: &LinkReport) -> Markup {
    html! {
        section.card #report {
            h2 { "Verdict: " span class={"verdict-" (r.verdict.as_str())} #verdict { (r.verdict.as_str()) } }
            @for reason in &r.reasons { p { (reason) } }
            @if r.links.is_empty() { p.muted { "No link found in this message." } }
            @else {
                table.stack { thead { tr { th { "Link" } th { "Leads to" } th { "Verdict" } th { "Why" } } }
                tbody { @for l in &r.links {
                    tr {
                        td data-label="Link" { code { (l.url) } }
                        td data-label="Leads to" { (l.domain) }
                        td data-label="Verdict" { span class={"verdict-" (l.verdict.as_str())} { (l.verdict.as_str()) } }
                        td data-label="Why" { @if l.reasons.is_empty() { "nothing against it" } @else { (l.reasons.join("; ")) } }
                    }
                } } }
            }
        }
    }
}

fn render(acc: &GuildAccess, text: &str, result: Option<Markup>) -> Markup {
    frame(
        Frame { title: "Link checker", session: Some(&acc.session), guild: Some(&acc.guild), tab: Tab::Links },
        html! {
            h1 { "Link checker" }
            section.card {
                form method="post" data-busy="Checking…" {
                    input type="hidden" name="csrf" value=(acc.session.csrf);
                    label { "Paste a message, as it was posted" textarea name="text" #text { (text) } }
                    p { button.primary type="submit" { "Check" } }
                }
                p.muted { "Nothing you paste here is kept." }
            }
            @if let Some(r) = result { (r) }
        },
    )
}

pub async fn page(acc: GuildAccess) -> Response {
    render(&acc, "", None).into_response()
}

#[derive(Deserialize)]
pub struct Check {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

pub async fn check(
    State(app): State<Arc<App>>,
    acc: GuildAccess,
    headers: HeaderMap,
    Form(c): Form<Check>,
) -> Response {
    if !super::csrf_ok(&app, &headers, &c.csrf, &acc.session) {
        return super::forbidden_form();
    }
    let text: String = c.text.chars().take(MAX_TEXT).collect();
    let checker = checker().await;
    let r = checker.check(acc.guild.id.0, &text);
    render(&acc, &text, Some(report(&r))).into_response()
}
