//! TLS for `https://` and `wss://` (the `tls` feature): rustls with the ring provider and the
//! webpki roots. rustls needs one process-wide crypto provider; installing it twice is a no-op.

/// Installs ring as rustls's provider unless one is installed already.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
