//! The executor obeys each guild's own configuration, not only the defaults: a guild whose
//! `[guilds."ID".escalation]` names a silence role has its flooders silenced with that role
//! (a timeout elsewhere).

mod common;

use moat_fake_discord::Options;
use moat_testkit::fixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_executor_uses_the_guilds_own_silence_role() {
    let (ids, capture) = fixture::flood();
    let role = 777_000_000_000_000_777u64;
    let config = common::config(&format!(
        "[guilds.\"{}\".escalation]\ncontainment = \"silence\"\nsilence_role_id = \"{role}\"\n",
        ids.guild
    ));
    let h = common::start(Options::default(), config).await;
    h.play(&capture).await;
    let calls = h.action_calls();
    let role_calls: Vec<_> =
        calls.iter().filter(|c| c.method == "PUT" && c.path.ends_with(&format!("/roles/{role}"))).collect();
    assert!(!role_calls.is_empty(), "the guild's silence role is given: {calls:#?}");
    let timeouts: Vec<_> = calls
        .iter()
        .filter(|c| {
            c.method == "PATCH" && c.path.contains("/members/") && c.body.contains("communication_disabled_until")
        })
        .collect();
    assert!(timeouts.is_empty(), "no timeout instead of the role: {timeouts:#?}");
}
