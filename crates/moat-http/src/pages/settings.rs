//! Settings: every guild setting with its default, meaning and current value, each edited
//! in place. A change goes to [`crate::BotControl::set_setting`], which validates it as the
//! configuration file is validated (a bad value is refused with the key and the reason),
//! applies it to the engine, and stores it with who made it; the history below shows every
//! change with who and when.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{page as frame, when, Frame, Tab};
use super::settings_table::{sections, SECTIONS};
use crate::guard::GuildAccess;
use crate::server::{wall_ms, App};
use crate::source::{Live, LiveKind, Moderator};

/// A TOML value the way a moderator would write it.
pub fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.1}"),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Array(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        other => format!("{other:?}"),
    }
}

fn lookup<'a>(t: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (last, init) = path.split_last()?;
    let mut cur = t;
    for p in init {
        cur = cur.get(*p)?.as_table()?;
    }
    cur.get(*last)
}

/// Where a value in force comes from.
pub enum Origin {
    Default,
    File,
    Guild,
}

/// The value in force for one key: the guild's own change, the file's table for this guild,
/// the file's default for all, or moat's default.
pub fn current(
    stored: &toml::Table,
    file: &toml::Table,
    guild: u64,
    section: &str,
    key: &str,
    default: &str,
) -> (String, Origin) {
    let g = guild.to_string();
    if let Some(v) = lookup(stored, &[section, key]) {
        return (show(v), Origin::Guild);
    }
    if let Some(v) = lookup(file, &["guilds", &g, section, key]).or_else(|| lookup(file, &[section, key])) {
        return (show(v), Origin::File);
    }
    (default.to_string(), Origin::Default)
}

#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    changed: String,
}

pub async fn page(State(app): State<Arc<App>>, acc: GuildAccess, Query(n): Query<Notice>) -> Response {
    let note = (!n.changed.is_empty()).then(|| format!("Changed `{}`. It applies from now on.", n.changed));
    render(&app, &acc, note.as_deref(), None, StatusCode::OK).await
}

async fn render(
    app: &App,
    acc: &GuildAccess,
    notice: Option<&str>,
    error: Option<(&str, &str, &str)>,
    status: StatusCode,
) -> Response {
    render_with(app, acc, notice, error, None, status).await
}

/// The page, with a trial's result above the settings when there is one.
pub(crate) async fn render_with(
    app: &App,
    acc: &GuildAccess,
    notice: Option<&str>,
    error: Option<(&str, &str, &str)>,
    trial: Option<Markup>,
    status: StatusCode,
) -> Response {
    let scope = match app.sources.store.guild(acc.guild.id) {
        Ok(s) => s,
        Err(e) => return super::store_failed(e),
    };
    let (stored, history) = match (scope.settings().await, scope.settings_history(20).await) {
        (Ok(s), Ok(h)) => (s, h),
        (Err(e), _) | (_, Err(e)) => return super::store_failed(e),
    };
    let stored: toml::Table = stored.and_then(|s| s.toml.parse().ok()).unwrap_or_default();
    let file: toml::Table = app.sources.bot.config_text().parse().unwrap_or_default();
    let g = acc.guild.id.0;
    let day = app.sources.recordings.as_deref().and_then(|d| crate::trial::last_day(d, acc.guild.id));
    let day_name = day.as_ref().and_then(|p| p.file_stem()).map(|s| s.to_string_lossy().into_owned());
    let body = html! {
        h1 { "Settings" }
        p.muted { "Each change applies to this server only, from the moment you save it, and is validated like moat's configuration file. Every change is kept below with who made it." }
        @if let Some(n) = notice { div.notice #notice { (n) } }
        @if let Some((key, value, why)) = error {
            div.error #error { "Not changed: " code { (key) } " = " code { (value) } ". " (why) }
        }
        @if let Some(t) = trial { (t) }
        @if let Some(d) = &day_name {
            p.muted #can-try { "Not sure? Edit a value and press " strong { "Try on " (d) } ": moat replays that recorded day with the settings in force and with your change, and shows what it would have done differently. Nothing is saved until you press Save." }
        } @else {
            p.muted #can-try { "No traffic of this server is recorded, so a change cannot be tried first (the operator keeps recordings with " code { "moat run --record DIR" } ")." }
        }
        @for s in sections() {
            section.card id={"s-" (s.name)} {
                h2 { "[" (s.name) "]" }
                @if !s.intro.is_empty() { p.muted { (s.intro) } }
                @for k in &s.keys {
                    @let (value, origin) = current(&stored, &file, g, s.name, &k.name, &k.default);
                    div.setting id={"k-" (s.name) "-" (k.name)} {
                        div { code { (k.name) } br; span.muted { "default " (k.default) } }
                        div { (k.meaning) @if matches!(origin, Origin::Guild) { " " span.changed { "(changed here)" } } @else if matches!(origin, Origin::File) { " " span.muted { "(set by the operator's file)" } } }
                        form method="post" data-busy="Saving…" {
                            input type="hidden" name="csrf" value=(acc.session.csrf);
                            input type="hidden" name="section" value=(s.name);
                            input type="hidden" name="key" value=(k.name);
                            input name="value" value=(value) aria-label={(s.name) "." (k.name)};
                            button type="submit" { "Save" }
                            @if let Some(d) = &day_name {
                                button.try type="submit" formaction={"/g/" (g) "/settings/try"} { "Try on " (d) }
                            }
                        }
                    }
                }
            }
        }
        section.card #history {
            h2 { "History" }
            @if history.is_empty() { p.muted { "No change yet: the defaults and the operator's file apply." } }
            @else {
                table.stack { thead { tr { th { "When" } th { "Who" } th { "From" } th { "Settings after the change" } } }
                tbody { @for c in &history {
                    tr {
                        td data-label="When" { (when(c.changed_at)) }
                        td data-label="Who" { (c.changed_by) }
                        td data-label="From" { (c.source) }
                        td data-label="After" { pre.evidence { (c.toml) } }
                    }
                } } }
            }
        }
    };
    let out: Markup = frame(
        Frame { title: "Settings", session: Some(&acc.session), guild: Some(&acc.guild), tab: Tab::Settings },
        body,
    );
    (status, out).into_response()
}

#[derive(Deserialize)]
pub struct Change {
    #[serde(default)]
    pub(crate) csrf: String,
    pub(crate) section: String,
    pub(crate) key: String,
    pub(crate) value: String,
}

impl Change {
    /// Why this change's section is not one a server may change, if it is not (a save and a
    /// trial refuse the same sections in the same words).
    pub(crate) fn section_refused(&self) -> Option<String> {
        (!SECTIONS.contains(&self.section.trim()))
            .then(|| format!("A server may change only these sections: {}.", SECTIONS.join(", ")))
    }
}

pub async fn change(
    State(app): State<Arc<App>>,
    acc: GuildAccess,
    headers: HeaderMap,
    Form(c): Form<Change>,
) -> Response {
    if !super::csrf_ok(&app, &headers, &c.csrf, &acc.session) {
        return super::forbidden_form();
    }
    let key = format!("{}.{}", c.section.trim(), c.key.trim());
    if let Some(why) = c.section_refused() {
        return render(&app, &acc, None, Some((&key, &c.value, &why)), StatusCode::BAD_REQUEST).await;
    }
    let by = Moderator { id: acc.session.user, name: acc.session.name.clone() };
    match app.sources.bot.set_setting(acc.guild.id, c.section.clone(), c.key.clone(), c.value.clone(), by).await {
        Ok(_) => {
            let _ = app.sources.live.send(Live { guild: acc.guild.id, ts: wall_ms(), kind: LiveKind::State });
            let q = form_urlencoded::Serializer::new(String::new()).append_pair("changed", &key).finish();
            Redirect::to(&format!("/g/{}/settings?{q}", acc.guild.id.0)).into_response()
        }
        Err(why) => render(&app, &acc, None, Some((&key, &c.value, &why)), StatusCode::BAD_REQUEST).await,
    }
}
