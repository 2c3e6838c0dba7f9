//! The allowlist: real sites that no list and no heuristic may ever call a scam.
//!
//! Public scam lists are crowd-sourced and contain mistakes (Valve's own `counter-strike.net`,
//! shorteners, hosting suffixes); fan sites legitimately carry brand names (`steamdb.info`).
//! Punishing a real link costs a community far more trust than missing one scam, so the
//! allowlist wins over every list and every heuristic. It is matched on the link's *owner*
//! (registrable domain, or the subdomain under a hosting suffix), so allowing `github.io` or
//! `vercel.app` itself never allows the sites people host under them.
//!
//! Sources: the 500 most linked-to sites (`data/top-sites.txt`), every official domain of a
//! protected brand (`brands.rs`: their country, service and second domains too), and the
//! hand-checked list in `data/allowed-sites.txt` of real services that Discord communities link
//! to all the time or whose names contain a brand token.

/// Real services, hand-checked (`data/allowed-sites.txt`). Mostly gaming, Discord bots, media
/// hosts, and the tools, wikis and trackers whose names carry a brand.
pub const EXTRA_ALLOWED_TEXT: &str = include_str!("../data/allowed-sites.txt");

/// The hand-checked sites, one domain each.
pub fn extra_allowed() -> impl Iterator<Item = &'static str> {
    EXTRA_ALLOWED_TEXT.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Every built-in allowed domain: the extra list above and the brands' official domains. The
/// top-sites list is added by the checker from `data/top-sites.txt`.
pub fn builtin() -> impl Iterator<Item = &'static str> {
    extra_allowed().chain(crate::brands::official_domains())
}
