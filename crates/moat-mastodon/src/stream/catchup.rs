//! Filling a gap in the stream from the public timeline: `GET /api/v1/timelines/public
//! ?min_id=…&limit=40`, page after page. `min_id` (not `since_id`) is Mastodon's cursor
//! forward: each page holds the statuses *just after* it (newest first), so moving `min_id`
//! to the page's newest walks from the gap to the present, oldest first, until a page comes
//! back empty. (`since_id` gives the newest ones above it and would skip the middle of a
//! long gap.)
//!
//! The walk starts a little before the last status seen ([`start_id`]): remote statuses get
//! ids from their own creation time, so one can arrive later than a newer id; the overlap is
//! re-read and recognised as seen. Statuses are handed on oldest first, through the same
//! door as live ones, so none is handed on twice.

use crate::http::{Api, ApiError, Urgency};
use crate::inbound::{Closed, Sink};
use crate::model::{cmp_ids, Event, EventKind, Source, StatusId};
use crate::parse::{parse_timeline, ParseError};
use crate::stats::bump;

/// Why a catch-up stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatchUpError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("the public timeline answered {0}")]
    Status(u16),
    #[error("a public timeline page: {0}")]
    Page(#[from] ParseError),
    #[error("the consumer is gone")]
    Closed,
}

impl From<Closed> for CatchUpError {
    fn from(_: Closed) -> Self {
        CatchUpError::Closed
    }
}

/// How far a catch-up got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchUp {
    pub pages: u32,
    /// Statuses handed on (not seen before).
    pub new: u64,
    /// Stopped at the page limit with more to read.
    pub truncated: bool,
}

/// Where to start reading: `lookback_ms` before the snowflake `after` (or `after` itself
/// when it is no snowflake).
pub fn start_id(after: &StatusId, lookback_ms: u64) -> StatusId {
    match after.snowflake_ms() {
        Some(ms) if ms > lookback_ms => StatusId::new(((ms - lookback_ms) << 16).to_string()),
        _ => after.clone(),
    }
}

/// Raises `cursor` to `id` if `id` is later.
pub fn advance(cursor: &mut Option<StatusId>, id: &StatusId) {
    if cursor.as_ref().is_none_or(|c| cmp_ids(id.as_str(), c.as_str()).is_gt()) {
        *cursor = Some(id.clone());
    }
}

/// Reads the timeline from just before `after` to the present, handing on what is new.
pub(crate) async fn catch_up(
    api: &Api,
    sink: &Sink,
    after: &StatusId,
    lookback_ms: u64,
    page_limit: u32,
    max_pages: u32,
    cursor: &mut Option<StatusId>,
) -> Result<CatchUp, CatchUpError> {
    let mut min_id = start_id(after, lookback_ms);
    let mut done = CatchUp { pages: 0, new: 0, truncated: false };
    loop {
        if done.pages >= max_pages {
            done.truncated = true;
            return Ok(done);
        }
        let path = format!("/api/v1/timelines/public?limit={page_limit}&min_id={}", min_id.as_str());
        let a = api.get(&path, Urgency::Normal).await?;
        if !(200..300).contains(&a.status) {
            return Err(CatchUpError::Status(a.status));
        }
        done.pages += 1;
        bump(&api.stats().catchup_pages);
        let mut page = parse_timeline(&a.body)?;
        if page.is_empty() {
            return Ok(done);
        }
        page.sort_by(|x, y| cmp_ids(x.id.as_str(), y.id.as_str()));
        if let Some(last) = page.last() {
            min_id = last.id.clone();
        }
        for s in page {
            let id = s.id.clone();
            let e = Event { at_ms: Some(s.version_ms()), source: Source::CatchUp, kind: EventKind::StatusCreated(s) };
            if sink.event(e).await? {
                done.new += 1;
                bump(&api.stats().catchup_statuses);
            }
            advance(cursor, &id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_a_little_before_and_moves_forward_only() {
        let t = 1_707_991_200_000u64;
        let id = StatusId::new(((t << 16) | 7).to_string());
        assert_eq!(start_id(&id, 60_000).snowflake_ms(), Some(t - 60_000));
        assert_eq!(start_id(&StatusId::new("abc"), 60_000), StatusId::new("abc"));
        assert_eq!(start_id(&StatusId::new("5"), 60_000), StatusId::new("5"));
        let mut c = None;
        advance(&mut c, &StatusId::new("10"));
        advance(&mut c, &StatusId::new("9"));
        assert_eq!(c, Some(StatusId::new("10")));
    }
}
