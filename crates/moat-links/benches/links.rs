//! Criterion benchmarks: the no-link path (ordinary chat), judging links (unknown, allowlisted,
//! blocklisted), and building the checker. Run: `cargo bench -p moat-links --bench links`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use moat_core::links::LinkJudge;
use moat_links::eval::ordinary_domains;
use moat_links::LinkChecker;

const CHAT: &[&str] = &[
    "hey how are you",
    "lol that was great. see you tomorrow",
    "anyone up for a match later? need 2 more",
    "gg wp",
    "I think the patch notes said they nerfed it, not sure though",
    "ok",
    "can someone help me with the quest in chapter 3? I'm stuck at the boss",
    "hahaha 😂😂 no way",
    "brb 5 min",
    "what time is the event tonight?",
    "thanks! that worked :)",
    "Привет всем, как дела?",
];

fn bench(c: &mut Criterion) {
    let checker = LinkChecker::bundled();

    let mut g = c.benchmark_group("no_link_chat");
    g.throughput(Throughput::Elements(CHAT.len() as u64));
    g.bench_function("messages", |b| {
        b.iter(|| {
            for m in CHAT {
                black_box(checker.judge(1, black_box(m)));
            }
        })
    });
    g.finish();

    let unknown: Vec<String> = ordinary_domains(256).into_iter().map(|d| format!("look https://{d}/page")).collect();
    let lookalike: Vec<String> =
        ["steamcomnunity", "dlscord-nitro", "stearncommunity", "discord-gift-2024", "hypesquad-apply"]
            .iter()
            .cycle()
            .zip(["ru", "com", "xyz", "gift", "online"].iter().cycle())
            .take(256)
            .enumerate()
            .map(|(i, (n, t))| format!("free nitro https://{n}{i}.{t}/claim"))
            .collect();
    let allowed = [
        "https://www.youtube.com/watch?v=x",
        "https://discord.gg/abc",
        "https://github.com/a/b",
        "https://steamcommunity.com/id/x",
    ];
    let blocked: Vec<String> = moat_links::checker::data::SCAM_DOMAINS
        .lines()
        .step_by(97)
        .take(256)
        .map(|d| format!("https://{d}/"))
        .collect();

    let mut g = c.benchmark_group("links");
    for (name, set) in [
        ("unknown_ordinary", unknown.iter().map(String::as_str).collect::<Vec<_>>()),
        ("lookalike_with_phrase", lookalike.iter().map(String::as_str).collect()),
        ("allowlisted", allowed.to_vec()),
        ("blocklisted", blocked.iter().map(String::as_str).collect()),
    ] {
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                for m in &set {
                    black_box(checker.judge(1, black_box(m)));
                }
            })
        });
    }
    g.finish();

    c.bench_function("build_bundled_checker", |b| b.iter(|| black_box(LinkChecker::bundled())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
