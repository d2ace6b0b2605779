//! The TLS backend of the client's connections, chosen by cargo feature.
//!
//! - `rustls-ring` (the default): rustls with the `ring` crypto provider and the
//!   platform's certificate verifier. Builds without cmake or a C toolchain beyond `cc`.
//! - `rustls-aws-lc-rs`: rustls with `aws-lc-rs` (reqwest's own default provider; FIPS
//!   builds and post-quantum key exchange), at the cost of building `aws-lc-sys`.
//! - `native-tls`: the platform's TLS (OpenSSL on Linux, Security.framework on macOS,
//!   SChannel on Windows).
//!
//! With several enabled, `rustls-aws-lc-rs` wins over `rustls-ring`, and either rustls
//! backend over `native-tls`. With none, only `http://` base URLs can be reached.

use crate::Error;

/// Sets the backend the enabled features select on `builder`.
pub(crate) fn select(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "rustls-aws-lc-rs")]
    {
        Ok(builder.tls_backend_rustls())
    }
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    {
        Ok(builder.tls_backend_preconfigured(ring_config()?))
    }
    #[cfg(all(
        feature = "native-tls",
        not(any(feature = "rustls-ring", feature = "rustls-aws-lc-rs"))
    ))]
    {
        Ok(builder.tls_backend_native())
    }
    #[cfg(not(any(
        feature = "native-tls",
        feature = "rustls-ring",
        feature = "rustls-aws-lc-rs"
    )))]
    {
        Ok(builder)
    }
}

/// rustls with the `ring` provider, the platform verifier and reqwest's ALPN (`h2`, then
/// `http/1.1`), as reqwest configures its own rustls backend.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
fn ring_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let unusable = |e: rustls::Error| Error::Config {
        setting: "tls",
        message: format!("rustls with ring cannot be set up: {e}"),
    };
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(unusable)?
        .with_platform_verifier()
        .map_err(unusable)?
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
