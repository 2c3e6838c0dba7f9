//! Trains the learned score (`src/model.rs`) and writes `data/model.bin`.
//!
//! cargo run --release -p moat-links --example train [-- --out FILE] [-- --bits N]
//!
//! Positives: the dated list's early part only (first listed up to 2022-12, `eval::dated`), so
//! the later part stays unseen. Negatives: the half of the popular list that `eval::tuning_half`
//! picks (the other half is what the evaluation reports) and the 500 top sites; a quarter of
//! those popular negatives is kept out of fitting to choose the thresholds on. Logistic
//! regression over the hashed features of `model::features`, fitted by plain stochastic
//! gradient descent (a few dozen lines; no crate fits hashed sparse features this small):
//! classes weighted to balance, L2 penalty, a decaying step, a fixed shuffle, so a run on the
//! same data writes the same file. The thresholds for one and two points are the logits that
//! 1% and 0.2% of the held-back negatives reach.

use moat_links::checker::data;
use moat_links::eval::{self, dated::DatedSplit};
use moat_links::extract::Candidate;
use moat_links::model::{link_features, Model};

struct Example {
    features: Vec<u32>,
    positive: bool,
}

fn example(domain: &str, positive: bool) -> Option<Example> {
    let c = Candidate { text: format!("https://{domain}/"), shown: None, has_scheme: true };
    let link = moat_links::url::parse(&c)?;
    if link.ip.is_some() {
        return None;
    }
    let mut f = Vec::new();
    link_features(&link, |h| f.push(h));
    Some(Example { features: f, positive })
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let out = arg("--out").unwrap_or_else(|| format!("{}/data/model.bin", env!("CARGO_MANIFEST_DIR")));
    let bits: u32 = arg("--bits").and_then(|b| b.parse().ok()).unwrap_or(16);
    let epochs: usize = arg("--epochs").and_then(|b| b.parse().ok()).unwrap_or(8);
    let l2: f32 = arg("--l2").and_then(|b| b.parse().ok()).unwrap_or(1e-4);

    let tsv = std::fs::read_to_string(eval::dated_list_path()).expect("the dated list (shared/data)");
    let popular = std::fs::read_to_string(eval::popular_list_path()).expect("the popular list (MOAT_POPULAR)");
    let split = DatedSplit::parse(&tsv);
    let mut set: Vec<Example> = split.train.iter().filter_map(|d| example(d, true)).collect();
    let negatives: Vec<String> = eval::parse_popular(&popular).into_iter().filter(|d| eval::tuning_half(d)).collect();
    let (held, fit): (Vec<&String>, Vec<&String>) = negatives.iter().partition(|d| eval::fnv1a(d) % 8 == 2);
    let held: Vec<Example> = held.iter().filter_map(|d| example(d, false)).collect();
    let top = data::TOP_SITES.lines().filter(|l| !l.starts_with('#') && !l.is_empty());
    set.extend(fit.iter().map(|d| d.as_str()).chain(top).filter_map(|d| example(d, false)));
    // Popular names are short and rarely hyphenated; the long tail of real sites is not. Two
    // fitted popular names joined (`weather-paypal.com`, `githubmedium.com`) stand in for it, so
    // that a hyphen or a compound alone does not read as a scam.
    let words: Vec<&str> = fit
        .iter()
        .filter_map(|d| d.split('.').next())
        .filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()))
        .collect();
    let mut r: u64 = 0x0DD5_EED5;
    let mut pick = || {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        words[(r % words.len() as u64) as usize]
    };
    for i in 0..words.len() {
        let (a, b) = (pick(), pick());
        let name = if i % 2 == 0 { format!("{a}-{b}.com") } else { format!("{a}{b}.com") };
        set.extend(example(&name, false));
    }
    let (pos, neg) = (set.iter().filter(|e| e.positive).count(), set.iter().filter(|e| !e.positive).count());
    println!("{pos} positives (first listed up to 2022-12), {neg} negatives (popular, tuning half, and top-500)");

    let n = 1usize << bits;
    let mask = (n - 1) as u32;
    let mut w = vec![0f32; n];
    let mut bias = 0f32;
    let weight_pos = neg as f32 / pos as f32;
    let mut order: Vec<usize> = (0..set.len()).collect();
    let mut rng: u64 = 0x5EED_1234_ABCD_0001;
    let mut step = 0usize;
    for epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let mut loss = 0f64;
        for &i in &order {
            let e = &set[i];
            let z = bias + e.features.iter().map(|&h| w[(h & mask) as usize]).sum::<f32>();
            let p = sigmoid(z);
            let (y, cw) = if e.positive { (1.0, weight_pos) } else { (0.0, 1.0) };
            loss -= cw as f64 * if e.positive { (p.max(1e-7) as f64).ln() } else { ((1.0 - p).max(1e-7) as f64).ln() };
            let lr = 0.2 / (1.0 + step as f32 * 1e-5);
            step += 1;
            let g = cw * (p - y) * lr;
            bias -= g;
            for &h in &e.features {
                let k = (h & mask) as usize;
                w[k] -= g + lr * l2 * w[k];
            }
        }
        println!("epoch {epoch}: weighted log-loss {:.4}", loss / set.len() as f64);
    }
    let mut model = Model { weights: w, bias, thresholds: [f32::MAX, f32::MAX] };
    // Quantise first, then choose the thresholds on the model as shipped.
    let bytes = model.to_bytes();
    model = Model::from_bytes(&bytes).expect("round trip");
    let logit = |e: &Example| model.bias + e.features.iter().map(|&h| model.weights[(h & mask) as usize]).sum::<f32>();
    let mut neg_z: Vec<f32> = held.iter().map(logit).collect();
    neg_z.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| neg_z[((neg_z.len() as f64 * q) as usize).min(neg_z.len() - 1)];
    model.thresholds = [at(0.99), at(0.998)];
    let reach = |v: &[f32], t: f32| 100.0 * v.iter().filter(|&&z| z >= t).count() as f64 / v.len() as f64;
    let pos_z: Vec<f32> = set.iter().filter(|e| e.positive).map(logit).collect();
    let gap_z: Vec<f32> = split.gap.iter().filter_map(|d| example(d, true)).map(|e| logit(&e)).collect();
    let [t1, t2] = model.thresholds;
    println!("thresholds {t1:.2} / {t2:.2} ({} held-back negatives)", held.len());
    println!("  fitted positives reaching them: {:.1}% / {:.1}%", reach(&pos_z, t1), reach(&pos_z, t2));
    println!("  2023-01..02 (gap) positives reaching them: {:.1}% / {:.1}%", reach(&gap_z, t1), reach(&gap_z, t2));
    std::fs::write(&out, model.to_bytes()).unwrap_or_else(|e| panic!("write {out}: {e}"));
    println!("wrote {out} ({} bytes)", model.to_bytes().len());
}
