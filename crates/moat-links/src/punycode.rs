//! Punycode (RFC 3492) in both directions, for internationalised domain names.
//!
//! A homoglyph domain reaches us either as Unicode (`dіscord.com`, pasted into chat) or as its
//! ASCII form (`xn--dscord-3ve.com`, what the DNS sees). We need both: the ASCII form is the
//! real domain to report and look up in lists, the Unicode form is what a reader sees and what
//! the confusable skeleton is computed on. The `idna` crate would pull in the ICU normalisation
//! tables; the algorithm itself is ~100 lines, so it lives here. We do not apply the full IDNA
//! mapping (UTS 46): lower-casing is enough for judging, and a label we cannot convert is kept
//! as it is and judged on its characters.

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

fn adapt(mut delta: u32, num_points: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (((BASE - TMIN + 1) * delta) / (delta + SKEW))
}

fn digit_value(b: u8) -> Option<u32> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as u32),
        b'A'..=b'Z' => Some((b - b'A') as u32),
        b'0'..=b'9' => Some((b - b'0') as u32 + 26),
        _ => None,
    }
}

fn digit_char(d: u32) -> char {
    if d < 26 {
        (b'a' + d as u8) as char
    } else {
        (b'0' + (d - 26) as u8) as char
    }
}

/// Decodes the part of a label after `xn--`. `None` on malformed input or overflow.
pub fn decode(input: &str) -> Option<String> {
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() || input.len() > 256 {
        return None;
    }
    let mut out: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let bytes = rest.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = digit_value(*bytes.get(pos)?)?;
            pos += 1;
            i = i.checked_add(digit.checked_mul(w)?)?;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

/// Encodes a Unicode label (without the `xn--` prefix). `None` on overflow.
pub fn encode(input: &str) -> Option<String> {
    let chars: Vec<u32> = input.chars().map(|c| c as u32).collect();
    let mut out: String = input.chars().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    while (handled as usize) < chars.len() {
        let m = *chars.iter().filter(|&&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit_char(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit_char(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    Some(out)
}

/// A host in ASCII form: every non-ASCII label becomes `xn--…`. Labels that cannot be encoded
/// are kept as they are.
pub fn host_to_ascii(host: &str) -> String {
    if host.is_ascii() {
        return host.to_string();
    }
    host.split('.')
        .map(|label| {
            if label.is_ascii() {
                label.to_string()
            } else {
                encode(label).map(|e| format!("xn--{e}")).unwrap_or_else(|| label.to_string())
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Like [`host_to_ascii`], for `host/path` list entries: only the host part is converted.
pub fn host_to_ascii_path(entry: &str) -> String {
    match entry.split_once('/') {
        Some((host, path)) => format!("{}/{path}", host_to_ascii(host)),
        None => host_to_ascii(entry),
    }
}

/// A host in Unicode form: every `xn--` label decoded. Labels that do not decode are kept.
pub fn host_to_unicode(host: &str) -> String {
    if !host.contains("xn--") {
        return host.to_string();
    }
    host.split('.')
        .map(|label| match label.strip_prefix("xn--").and_then(decode) {
            Some(decoded) => decoded,
            None => label.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_examples_round_trip() {
        assert_eq!(encode("bücher").as_deref(), Some("bcher-kva"));
        assert_eq!(decode("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(encode("münchen").as_deref(), Some("mnchen-3ya"));
        assert_eq!(decode("mnchen-3ya").as_deref(), Some("münchen"));
        for s in ["dіscord", "ѕteam", "пример", "日本語", "a", "ß"] {
            let e = encode(s).unwrap();
            assert_eq!(decode(&e).as_deref(), Some(s));
        }
    }

    #[test]
    fn hosts_convert_both_ways() {
        let ascii = host_to_ascii("dіscord.com");
        assert!(ascii.starts_with("xn--") && ascii.ends_with(".com"), "{ascii}");
        assert_eq!(host_to_unicode(&ascii), "dіscord.com");
        assert_eq!(host_to_unicode("xn--zz-broken!.com"), "xn--zz-broken!.com");
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in ["", "-", "zzzzzzzzzzzzzzzzzzzzzzzzzzzz", "99999999999999999", "a-", "-9"] {
            let _ = decode(s);
        }
    }
}
