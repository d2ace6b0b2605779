//! [`BaseUrl`]: a checked, normalised API base URL.

use crate::Error;

/// The base URL requests are made below: `http(s)://host[:port][/path]`, without a
/// trailing slash (the generated code appends `/exports`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl(String);

impl BaseUrl {
    /// Parses and normalises a base URL. `http` is accepted for loopback hosts, or
    /// anywhere when `allow_http` is set.
    pub(crate) fn parse(input: &str, allow_http: bool) -> Result<Self, Error> {
        let bad = |message: String| Error::Config {
            setting: "base URL",
            message,
        };
        let url = url::Url::parse(input.trim())
            .map_err(|e| bad(format!("{input:?} is not a URL: {e}")))?;
        let host = url
            .host()
            .ok_or_else(|| bad(format!("{input:?} has no host")))?;
        match url.scheme() {
            "https" => {}
            "http" if allow_http || is_loopback_host(&host) => {}
            "http" => {
                return Err(bad(format!(
                    "{input:?} is plain http on a host that is not loopback; the token would travel in clear text \
                     (use https, or ClientBuilder::allow_insecure_http)"
                )))
            }
            other => return Err(bad(format!("{input:?} has the scheme {other:?}; expected https"))),
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad(format!("{input:?} has a query or fragment")));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("the base URL must not hold credentials".into()));
        }
        Ok(BaseUrl(url.as_str().trim_end_matches('/').to_string()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `url`'s host is loopback.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    url.host().is_some_and(|host| is_loopback_host(&host))
}

fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}
