//! Bare reqwest clients, for raw calls beside the crate's client.

/// A reqwest builder that builds with the crate's default TLS feature (`rustls-ring`).
/// That feature gives reqwest rustls without a crypto provider (the client hands reqwest
/// its own ring-backed configuration), and reqwest sets TLS up when it builds a client,
/// even for `http://` only; so the ring provider is installed process-wide first.
pub fn bare_http() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}
