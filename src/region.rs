//! [`Region`]: the integrator.io data centres and their API base URLs.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// An integrator.io region. Tokens belong to one region: a North American token is
/// refused by the European API and the other way round.
///
/// ```
/// use integrator_io::Region;
///
/// assert_eq!("eu".parse::<Region>().unwrap(), Region::Europe);
/// assert_eq!(Region::NorthAmerica.base_url(), "https://api.integrator.io/v1");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Region {
    /// `https://api.integrator.io/v1` (`na`).
    #[default]
    NorthAmerica,
    /// `https://api.eu.integrator.io/v1` (`eu`).
    Europe,
}

impl Region {
    /// The API base URL of the region, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::NorthAmerica => "https://api.integrator.io/v1",
            Region::Europe => "https://api.eu.integrator.io/v1",
        }
    }

    /// The short name used by `INTEGRATOR_REGION` (`na` or `eu`).
    pub fn code(self) -> &'static str {
        match self {
            Region::NorthAmerica => "na",
            Region::Europe => "eu",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Region {
    type Err = Error;

    /// Accepts `na`/`us`/`north-america` and `eu`/`europe`, in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "na" | "us" | "north-america" | "northamerica" => Ok(Region::NorthAmerica),
            "eu" | "europe" => Ok(Region::Europe),
            _ => Err(Error::Config {
                setting: "region",
                message: format!("unknown region {s:?}; expected `na` or `eu`"),
            }),
        }
    }
}
