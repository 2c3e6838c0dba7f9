//! Link intelligence for moat: find every link a message carries, however disguised, and say
//! whether it is `clean`, `suspicious` (alert moderators) or `scam` (delete and contain).
//!
//! Blocklists are always behind account-takeover scams, whose domains rotate within days, so
//! this crate leans on what stays constant: lookalikes of a short list of protected brands
//! (compared on a confusable skeleton), brand names in foreign domains, prize words, cheap TLDs,
//! lure paths and phrases, masked links that show one domain and open another. Lists still
//! matter (the bundled public lists, feeds, per-guild additions), and an allowlist of real
//! sites wins over all of them, because the public lists contain real sites.
//!
//! Entry point: [`LinkChecker`], which implements [`moat_core::links::LinkJudge`].
//!
//! ```
//! use moat_core::links::{LinkJudge, LinkVerdict};
//! let checker = moat_links::LinkChecker::bundled();
//! let r = checker.judge(1, "@everyone steam gift [steamcommunity.com/gift](https://steamcomnunity.ru/gift)");
//! assert_eq!(r.verdict, LinkVerdict::Scam);
//! assert_eq!(checker.judge(1, "see you at 8. ok?").verdict, LinkVerdict::Clean);
//! ```
//!
//! Pipeline, one module each: [`normalize`] (invisible characters, fullwidth, defanging) →
//! [`extract`] (candidates, masked links) → [`url`] (owner domain via the public suffix list,
//! hosting suffixes, IP literals, IDN) → [`checker`] (lists and allowlist) → [`heuristics`]
//! ([`brands`], [`fuzzy`], [`confusable`]) → [`message`] (lure phrases, mentions).
//!
//! # Measured quality
//!
//! See `crates/moat-links/README.md` for the evaluation (held-out scam domains with the lists
//! off, false positives on popular and generated ordinary domains), the figures and the
//! commands that reproduce them.

pub mod allow;
pub mod brands;
pub mod checker;
pub mod confusable;
pub mod eval;
pub mod extract;
#[cfg(feature = "feeds")]
pub mod feeds;
pub mod fuzzy;
pub mod heuristics;
pub mod lists;
pub mod message;
pub mod normalize;
pub mod punycode;
pub mod url;
pub mod words;

pub use checker::{GuildLists, LinkChecker, Options};
pub use lists::DomainSet;
