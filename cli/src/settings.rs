//! The settings in effect: a profile, then environment variables and flags over it
//! (clap reads `INTEGRATOR_API_TOKEN`, `INTEGRATOR_REGION`, `INTEGRATOR_BASE_URL`,
//! `INTEGRATOR_ASHARE_ID` and `INTEGRATOR_PROFILE` into the same options as the flags).

use integrator_io::{Client, Region, RetryPolicy};
use serde_json::{json, Value};

use crate::command::Globals;
use crate::exit::CliError;
use crate::profile::{config_path, Config, Profile};

/// Where the token in effect came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `--token` or `INTEGRATOR_API_TOKEN`.
    FlagOrEnv,
    /// The profile.
    Profile,
}

/// The settings in effect.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The profile they start from, if any.
    pub profile: Option<String>,
    /// The merged values.
    pub values: Profile,
    /// Where the token came from.
    pub token_source: Option<TokenSource>,
}

/// The profile `name` (or the one in effect) with the environment and flags in
/// `globals` over it.
pub fn resolve(globals: &Globals, name: Option<&str>) -> Result<Settings, CliError> {
    let config = Config::load(&config_path()?)?;
    let name = name
        .map(str::to_string)
        .or_else(|| globals.profile.clone())
        .or_else(|| config.default.clone());
    let base = match &name {
        Some(name) => match config.profiles.get(name) {
            Some(profile) => profile.clone(),
            // A named profile that does not exist is a mistake; the default pointing
            // nowhere after a delete is not.
            None if globals.profile.is_some() || config.default.as_deref() != Some(name) => {
                return Err(CliError::usage(format!(
                    "no profile named {name:?} (see `integrator profile list`)"
                )))
            }
            None => Profile::default(),
        },
        None => Profile::default(),
    };
    let token_source = match (&globals.token, &base.token) {
        (Some(_), _) => Some(TokenSource::FlagOrEnv),
        (None, Some(_)) => Some(TokenSource::Profile),
        (None, None) => None,
    };
    let values = Profile {
        token: globals.token.clone().or(base.token),
        // A base URL from the flags wins over a region from the profile, and the other
        // way round.
        region: globals.region.clone().or(if globals.base_url.is_some() {
            None
        } else {
            base.region
        }),
        base_url: globals.base_url.clone().or(if globals.region.is_some() {
            None
        } else {
            base.base_url
        }),
        ashare_id: globals.ashare_id.clone().or(base.ashare_id),
    };
    Ok(Settings {
        profile: name.filter(|n| config.profiles.contains_key(n)),
        values,
        token_source,
    })
}

impl Settings {
    /// A client with these settings.
    pub fn client(&self) -> Result<Client, CliError> {
        let mut builder =
            Client::builder().user_agent(concat!("integrator-cli/", env!("CARGO_PKG_VERSION")));
        let values = &self.values;
        if let Some(token) = &values.token {
            builder = builder.token(token.clone());
        }
        if let Some(region) = &values.region {
            let region: Region = region
                .parse()
                .map_err(|e: integrator_io::Error| CliError::usage(e.to_string()))?;
            builder = builder.region(region);
        }
        if let Some(url) = &values.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(id) = &values.ashare_id {
            builder = builder.ashare_id(id.clone());
        }
        Ok(builder.build()?)
    }

    /// What `profile show` prints: every setting, the token as `<redacted>`.
    pub fn shown(&self) -> Value {
        let values = &self.values;
        json!({
            "profile": self.profile,
            "token": values.token.as_ref().map(|_| "<redacted>"),
            "token_from": self.token_source.map(|s| match s {
                TokenSource::FlagOrEnv => "flag or INTEGRATOR_API_TOKEN",
                TokenSource::Profile => "profile",
            }),
            "region": values.region,
            "base_url": values.base_url,
            "ashare_id": values.ashare_id,
        })
    }
}

/// A client for the profile `name` (or the one in effect when `None`), with the
/// environment and flags in `globals` over it: the one way every command, built in or
/// mounted from another crate, gets its client.
pub fn client_for_profile(globals: &Globals, name: Option<&str>) -> Result<Client, CliError> {
    let client = resolve(globals, name)?.client()?;
    Ok(match globals.retries {
        Some(retries) => {
            client.with_retry(RetryPolicy::default().max_attempts(retries.saturating_add(1)))
        }
        None => client,
    })
}
