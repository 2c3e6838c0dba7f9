//! `/g/ID/events`: server-sent events for one guild, for pages that update live.
//!
//! Each event is only a nudge (`update`, with what kind of thing happened); the page then
//! fetches its live part from the server, which checks access again. So nothing a guild may
//! not see travels here, and a burst of a raid's 150 actions costs the browser two fetches a
//! second, not 150 renders.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use crate::guard::GuildAccess;
use crate::server::App;
use crate::source::LiveKind;

pub async fn events(
    State(app): State<Arc<App>>,
    acc: GuildAccess,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = app.sources.live.subscribe();
    let guild = acc.guild.id;
    let s = stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(l) if l.guild == guild => {
                    let what = match &l.kind {
                        LiveKind::Event(t) => *t,
                        LiveKind::Action(a) => a.kind.as_str(),
                        LiveKind::State => "state",
                        LiveKind::Undone { .. } => "undone",
                    };
                    return Some((Ok(Event::default().event("update").data(what)), rx));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => return Some((Ok(Event::default().event("update").data("lagged")), rx)),
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
