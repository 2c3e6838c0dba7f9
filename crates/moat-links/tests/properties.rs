//! Property tests of what reads untrusted text: extraction and parsing of links from any
//! message, and (feature `expand`) the expander's URL and redirect handling. Bounded case
//! counts, so they run in CI; `PROPTEST_CASES=100000` for a long run.

use moat_core::links::LinkJudge;
use moat_links::extract::{candidates, code_spans, MAX_LINKS};
use moat_links::normalize::normalize;
use proptest::prelude::*;

fn checker() -> &'static moat_links::LinkChecker {
    static C: std::sync::OnceLock<moat_links::LinkChecker> = std::sync::OnceLock::new();
    C.get_or_init(moat_links::LinkChecker::bundled)
}

/// Text made of the pieces links and their disguises are made of.
fn messy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://".to_string()),
        Just("http://[".to_string()),
        Just("]".to_string()),
        Just("//".to_string()),
        Just("`".to_string()),
        Just("```".to_string()),
        Just("](".to_string()),
        Just("[".to_string()),
        Just(".".to_string()),
        Just("/".to_string()),
        Just(":".to_string()),
        Just("@".to_string()),
        Just("%2e".to_string()),
        Just("xn--".to_string()),
        Just(" dot ".to_string()),
        Just("[.]".to_string()),
        Just("hxxp".to_string()),
        Just("\u{200B}".to_string()),
        Just("ｄ".to_string()),
        Just("е".to_string()),
        "[a-zA-Z0-9-]{1,12}",
        "(com|ru|gg|xyz|io|co.uk)",
        "\\PC{0,3}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn judging_any_text_never_panics_and_stays_bounded(text in messy()) {
        let r = checker().judge(1, &text);
        prop_assert!(r.links.len() <= MAX_LINKS);
        prop_assert!(r.score >= 0.0);
        for l in &r.links {
            prop_assert!(l.url.starts_with("http://") || l.url.starts_with("https://") || l.url.contains("://"), "{}", l.url);
            prop_assert!(!l.domain.is_empty());
        }
    }

    #[test]
    fn candidates_come_from_the_text_and_not_from_code(text in messy()) {
        let (norm, _) = normalize(&text);
        let spans = code_spans(norm.as_bytes());
        for w in spans.windows(2) {
            prop_assert!(w[0].1 <= w[1].0, "code spans overlap: {spans:?}");
        }
        for c in candidates(&norm) {
            let body = c.text.strip_prefix("//").unwrap_or(&c.text);
            prop_assert!(norm.contains(body), "{:?} not in {norm:?}", c.text);
            if c.shown.is_none() {
                // Outside masked links, nothing inside code is a candidate.
                let inside_code = norm.match_indices(body).all(|(i, _)| spans.iter().any(|&(s, e)| s <= i && i < e));
                prop_assert!(!inside_code, "{:?} came from code in {norm:?}", c.text);
            }
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        let _ = checker().judge(1, &text);
        let _ = moat_links::idn::host_to_ascii(&text);
        let _ = moat_links::idn::host_to_unicode(&text);
    }
}

#[cfg(feature = "expand")]
mod expander_urls {
    use moat_links::expand::location::{resolve, Target};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn targets_round_trip(host in "[a-z0-9]{1,10}(\\.[a-z]{2,5}){1,2}", port in proptest::option::of(1u16..),
                              path in "(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,8}){0,4}(\\?[a-zA-Z0-9=&]{0,10})?",
                              https in any::<bool>()) {
            let scheme = if https { "https" } else { "http" };
            let url = match port { Some(p) => format!("{scheme}://{host}:{p}{path}"), None => format!("{scheme}://{host}{path}") };
            let t = Target::parse(&url).expect("a plain URL parses");
            prop_assert_eq!(&t.host, &host);
            prop_assert_eq!(Target::parse(&t.url()), Some(t.clone()));
        }

        #[test]
        fn any_location_resolves_to_a_plain_url_or_nothing(loc in "\\PC{0,80}", rel in "[a-zA-Z0-9/._?=&-]{0,30}") {
            let base = Target::parse("https://short.example/abc/def?x=1").unwrap();
            for l in [loc.as_str(), rel.as_str()] {
                if let Some(t) = resolve(&base, l) {
                    prop_assert!(t.scheme == "http" || t.scheme == "https");
                    prop_assert!(!t.host.is_empty() && !t.host.contains('@'));
                    prop_assert!(t.path.starts_with('/'));
                    prop_assert_eq!(Target::parse(&t.url()), Some(t.clone()));
                }
            }
            // A relative location never changes the host.
            if !rel.contains(':') && !rel.starts_with("//") {
                if let Some(t) = resolve(&base, &rel) {
                    prop_assert_eq!(t.host, "short.example");
                }
            }
        }
    }
}
