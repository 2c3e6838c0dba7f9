//! The TLS path, as `moat run` reaches discord.com, against a loopback server with a
//! generated certificate.
//!
//! A CA made here (rcgen) signs a certificate for `localhost`; a small TLS terminator in front
//! of the fake Discord serves HTTPS and WSS with it; `SSL_CERT_FILE` names the CA, which is
//! how the product's own TLS (rustls with the machine's CA certificates) is told to trust it.
//! The bot's real twilight clients then ask for the gateway over HTTPS and identify over
//! WSS. A server whose certificate another CA signed is refused: the check is real.
//!
//! Runs with the `tls` feature (on in `moat`'s default build, so in `cargo test --workspace`;
//! alone: `cargo test -p moat-discord --features tls --test tls`).

#![cfg(feature = "tls")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use moat_discord::{Bot, BotConfig, Clock};
use moat_fake_discord::{FakeDiscord, Options, DEFAULT_TOKEN};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A CA, and a certificate for `localhost` it signed.
struct Pki {
    ca_pem: String,
    server: ServerConfig,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()]).unwrap().signed_by(&key, &ca, &ca_key).unwrap();
    let chain = vec![CertificateDer::from(cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Pki { ca_pem: ca.pem(), server }
}

/// HTTPS/WSS on `localhost:PORT`, passed on as plain TCP to `to` (the fake's port).
async fn terminate_tls(server: ServerConfig, to: SocketAddr) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let acceptor = TlsAcceptor::from(Arc::new(server));
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let Ok(mut plain) = TcpStream::connect(to).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    port
}

fn addr(host_port: &str) -> SocketAddr {
    host_port.trim_start_matches("ws://").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_reaches_discord_over_https_and_wss_trusting_only_the_given_ca() {
    let trusted = pki();
    let stranger = pki();
    let dir = std::env::temp_dir().join(format!("moat-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, &trusted.ca_pem).unwrap();
    // The only test in this binary: nothing else reads the environment meanwhile.
    std::env::set_var("SSL_CERT_FILE", &ca_file);
    std::env::remove_var("SSL_CERT_DIR");

    let fake = FakeDiscord::start(Options::default()).await.expect("fake starts");
    let rest = addr(&fake.rest_proxy());
    let gateway = addr(&fake.gateway_url());

    // A server whose certificate the trusted CA did not sign: refused.
    let bad = terminate_tls(stranger.server, rest).await;
    let cfg = BotConfig::loopback(
        DEFAULT_TOKEN,
        "wss://localhost:1".into(),
        format!("https://localhost:{bad}"),
        Clock::Shared(fake.clock()),
    );
    let err = moat_discord::recommended_shards(&cfg).await.expect_err("an unknown CA is refused");
    assert!(err.contains("cannot ask Discord"), "{err}");
    assert!(fake.calls().is_empty(), "nothing reached the fake through the untrusted server: {:?}", fake.calls());

    // The trusted one: REST over HTTPS, then the gateway over WSS.
    let https = terminate_tls(trusted.server.clone(), rest).await;
    let wss = terminate_tls(trusted.server, gateway).await;
    let cfg = BotConfig::loopback(
        DEFAULT_TOKEN,
        format!("wss://localhost:{wss}"),
        format!("https://localhost:{https}"),
        Clock::Shared(fake.clock()),
    );
    let shards = moat_discord::recommended_shards(&cfg).await.expect("GET /gateway/bot over HTTPS");
    assert!(shards >= 1);
    assert!(fake.calls().iter().any(|c| c.path.contains("gateway/bot")), "{:?}", fake.calls());

    let engine = moat_core::Engine::new(moat_core::Config::from_toml("").unwrap(), Box::new(moat_core::links::NoLinks));
    let bot = Bot::start(cfg, engine).expect("bot starts");
    assert!(fake.wait_sessions(1, Duration::from_secs(20)).await, "the bot identifies over WSS");
    bot.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
