//! Feeds: extra blocklists that a running moat refreshes from URLs on a schedule.
//!
//! The bundled list is frozen at build time; the public lists it comes from keep growing. A
//! feed is a URL serving one domain a line (or a JSON document whose strings are domains, like
//! `domain-list.json`), a file on disk that keeps its last good copy, and an interval. Each
//! refresh is a conditional GET (`If-None-Match` with the last `ETag`, `If-Modified-Since` with
//! the last `Last-Modified`), so an unchanged list costs one small round trip; a new body is
//! written to disk atomically (temporary file, then rename) before it replaces the feed's list
//! in the running [`LinkChecker`]. A failed fetch keeps the previous list: a feed outage must
//! never empty the blocklist. At start-up, [`Feed::load_cached`] installs the copy on disk so a
//! restart does not wait for the network.
//!
//! `http://` feeds use a deliberately small HTTP/1.1 client over `std::net` (`Content-Length`,
//! chunked, or read-to-close bodies, a size cap and timeouts), so the default build carries no
//! async runtime and no TLS stack. `https://` feeds (the public lists live on GitHub) need the
//! `feeds-tls` cargo feature, which routes them through `ureq` with rustls.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::checker::LinkChecker;
use crate::lists::DomainSet;

/// Largest feed body accepted.
pub const MAX_BODY: usize = 32 << 20;
const TIMEOUT: Duration = Duration::from_secs(20);

/// One feed's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Name, also the key of the list inside the checker.
    pub name: String,
    /// `http://host[:port]/path`.
    pub url: String,
    /// Where the last good copy is kept; `PATH.meta` holds its validators.
    pub path: PathBuf,
    /// How often to refresh.
    pub interval: Duration,
}

/// What a refresh did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// A new list was fetched, stored and installed (entries).
    Updated(usize),
    /// The server said the list did not change (304).
    NotModified,
}

/// A response, as far as feeds care.
#[derive(Debug, Default)]
struct Response {
    status: u16,
    etag: Option<String>,
    last_modified: Option<String>,
    body: Vec<u8>,
}

impl Feed {
    fn meta_path(&self) -> PathBuf {
        let mut p = self.path.clone().into_os_string();
        p.push(".meta");
        PathBuf::from(p)
    }

    fn validators(&self) -> (Option<String>, Option<String>) {
        let Ok(text) = std::fs::read_to_string(self.meta_path()) else { return (None, None) };
        let mut etag = None;
        let mut modified = None;
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("etag: ") {
                etag = Some(v.to_string());
            } else if let Some(v) = line.strip_prefix("last-modified: ") {
                modified = Some(v.to_string());
            }
        }
        (etag, modified)
    }

    /// Installs the copy on disk, if any. Returns the number of entries.
    pub fn load_cached(&self, checker: &LinkChecker) -> std::io::Result<usize> {
        let body = std::fs::read(&self.path)?;
        let set = parse_list(&String::from_utf8_lossy(&body));
        let n = set.len();
        checker.set_feed(&self.name, set);
        Ok(n)
    }

    /// One conditional GET; on a new body, stores it and installs it in `checker`.
    pub fn refresh(&self, checker: &LinkChecker) -> Result<Refresh, String> {
        let (etag, modified) = if self.path.exists() { self.validators() } else { (None, None) };
        let resp = get(&self.url, etag.as_deref(), modified.as_deref())?;
        match resp.status {
            304 => Ok(Refresh::NotModified),
            200 => {
                let set = parse_list(&String::from_utf8_lossy(&resp.body));
                if set.is_empty() {
                    return Err(format!("feed {}: empty list, keeping the previous one", self.name));
                }
                write_atomic(&self.path, &resp.body).map_err(|e| format!("feed {}: {e}", self.name))?;
                let mut meta = String::new();
                if let Some(e) = &resp.etag {
                    meta.push_str(&format!("etag: {e}\n"));
                }
                if let Some(m) = &resp.last_modified {
                    meta.push_str(&format!("last-modified: {m}\n"));
                }
                write_atomic(&self.meta_path(), meta.as_bytes()).map_err(|e| format!("feed {}: {e}", self.name))?;
                let n = set.len();
                checker.set_feed(&self.name, set);
                Ok(Refresh::Updated(n))
            }
            s => Err(format!("feed {}: HTTP status {s}", self.name)),
        }
    }
}

/// Parses a feed body: one domain a line, or any JSON whose string values are domains.
pub fn parse_list(body: &str) -> DomainSet {
    let mut set = DomainSet::new();
    let t = body.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        for (i, piece) in t.split('"').enumerate() {
            if i % 2 == 1 && piece.contains('.') && !piece.contains(char::is_whitespace) {
                set.insert(piece);
            }
        }
    } else {
        set.extend_from_text(body);
    }
    set
}

fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// A GET with optional validators: `http://` through the small client below, `https://`
/// through ureq when the `feeds-tls` feature is on.
fn get(url: &str, etag: Option<&str>, modified: Option<&str>) -> Result<Response, String> {
    if url.starts_with("https://") {
        #[cfg(feature = "feeds-tls")]
        return get_tls(url, etag, modified);
        #[cfg(not(feature = "feeds-tls"))]
        return Err(format!("{url}: https:// feeds need the `feeds-tls` feature; plain http:// works without it"));
    }
    get_plain(url, etag, modified)
}

#[cfg(feature = "feeds-tls")]
fn get_tls(url: &str, etag: Option<&str>, modified: Option<&str>) -> Result<Response, String> {
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).http_status_as_error(false).build().into();
    let mut req = agent.get(url);
    if let Some(e) = etag {
        req = req.header("If-None-Match", e);
    }
    if let Some(m) = modified {
        req = req.header("If-Modified-Since", m);
    }
    let mut resp = req.call().map_err(|e| format!("{url}: {e}"))?;
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let status = resp.status().as_u16();
    let body = if status == 200 {
        resp.body_mut().with_config().limit(MAX_BODY as u64).read_to_vec().map_err(|e| format!("{url}: {e}"))?
    } else {
        Vec::new()
    };
    Ok(Response { status, etag, last_modified, body })
}

/// A plain HTTP/1.1 GET with optional validators.
fn get_plain(url: &str, etag: Option<&str>, modified: Option<&str>) -> Result<Response, String> {
    let rest =
        url.strip_prefix("http://").ok_or_else(|| format!("{url}: only http:// and https:// feeds are supported"))?;
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if hostport.contains(':') { hostport.to_string() } else { format!("{hostport}:80") };
    let host = hostport.split(':').next().unwrap_or(hostport);
    let stream = TcpStream::connect(&addr).map_err(|e| format!("{url}: {e}"))?;
    stream.set_read_timeout(Some(TIMEOUT)).ok();
    stream.set_write_timeout(Some(TIMEOUT)).ok();
    let mut req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: moat-links\r\nAccept: */*\r\nConnection: close\r\n"
    );
    if let Some(e) = etag {
        req.push_str(&format!("If-None-Match: {e}\r\n"));
    }
    if let Some(m) = modified {
        req.push_str(&format!("If-Modified-Since: {m}\r\n"));
    }
    req.push_str("\r\n");
    (&stream).write_all(req.as_bytes()).map_err(|e| format!("{url}: {e}"))?;
    read_response(BufReader::new(stream)).map_err(|e| format!("{url}: {e}"))
}

fn read_response(mut r: impl BufRead) -> Result<Response, String> {
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| e.to_string())?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
    let mut resp = Response { status, ..Response::default() };
    let mut length: Option<usize> = None;
    let mut chunked = false;
    loop {
        line.clear();
        if r.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            break;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else { continue };
        let v = v.trim().to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "etag" => resp.etag = Some(v),
            "last-modified" => resp.last_modified = Some(v),
            "content-length" => length = v.parse().ok(),
            "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    if status == 304 || status == 204 {
        return Ok(resp);
    }
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line).map_err(|e| e.to_string())?;
            let size =
                usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16).map_err(|_| "bad chunk size")?;
            if size == 0 {
                break;
            }
            if resp.body.len() + size > MAX_BODY {
                return Err("feed too large".into());
            }
            let start = resp.body.len();
            resp.body.resize(start + size, 0);
            r.read_exact(&mut resp.body[start..]).map_err(|e| e.to_string())?;
            line.clear();
            r.read_line(&mut line).map_err(|e| e.to_string())?;
        }
    } else if let Some(n) = length {
        if n > MAX_BODY {
            return Err("feed too large".into());
        }
        resp.body.resize(n, 0);
        r.read_exact(&mut resp.body).map_err(|e| e.to_string())?;
    } else {
        r.take(MAX_BODY as u64 + 1).read_to_end(&mut resp.body).map_err(|e| e.to_string())?;
        if resp.body.len() > MAX_BODY {
            return Err("feed too large".into());
        }
    }
    Ok(resp)
}

/// A background thread refreshing feeds; dropped or [`Refresher::stop`]ped, it ends.
pub struct Refresher {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Refresher {
    /// Loads every feed's cached copy, then refreshes each on its own interval (the first
    /// refresh right away). Errors go to `log` and leave the previous list in place.
    pub fn start(checker: Arc<LinkChecker>, feeds: Vec<Feed>, log: impl Fn(String) + Send + 'static) -> Self {
        for f in &feeds {
            if let Ok(n) = f.load_cached(&checker) {
                log(format!("feed {}: {n} entries from {}", f.name, f.path.display()));
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut due: Vec<Instant> = feeds.iter().map(|_| Instant::now()).collect();
            while !flag.load(Ordering::Relaxed) {
                for (f, when) in feeds.iter().zip(due.iter_mut()) {
                    if Instant::now() >= *when {
                        match f.refresh(&checker) {
                            Ok(Refresh::Updated(n)) => log(format!("feed {}: updated, {n} entries", f.name)),
                            Ok(Refresh::NotModified) => {}
                            Err(e) => log(e),
                        }
                        *when = Instant::now() + f.interval;
                    }
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        Refresher { stop, handle: Some(handle) }
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        self.halt();
    }
}
