//! Checking a parameter's value against its type before anything is sent.

use crate::table::{Kind, ParamSpec};

/// `text` as it will be sent, or why it does not fit the parameter.
pub fn check(param: &ParamSpec, text: &str) -> Result<String, String> {
    let fits = match param.kind {
        Kind::String => true,
        Kind::Integer => text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok(),
        Kind::Number => text.parse::<f64>().is_ok_and(f64::is_finite),
        Kind::Boolean => text == "true" || text == "false",
        // RFC 3339, or the epoch milliseconds the API also takes.
        Kind::DateTime => {
            chrono::DateTime::parse_from_rfc3339(text).is_ok()
                || (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    if !fits {
        let expected = match param.kind {
            Kind::Integer => "a whole number",
            Kind::Number => "a number",
            Kind::Boolean => "true or false",
            Kind::DateTime => "an RFC 3339 date-time such as 2024-05-01T00:00:00Z",
            Kind::String => "text",
        };
        return Err(format!("expected {expected}"));
    }
    if !param.open && !param.known.is_empty() && !param.known.contains(&text) {
        return Err(format!("expected one of: {}", param.known.join(", ")));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Location;

    fn param(kind: Kind, open: bool, known: &'static [&'static str]) -> ParamSpec {
        ParamSpec {
            name: "p",
            location: Location::Query,
            required: false,
            flag: "p",
            kind,
            open,
            known,
            help: "",
        }
    }

    #[test]
    fn values_are_checked_by_kind() {
        assert!(check(&param(Kind::Integer, true, &[]), "12").is_ok());
        assert!(check(&param(Kind::Integer, true, &[]), "1.5").is_err());
        assert!(check(&param(Kind::DateTime, true, &[]), "2024-05-01T00:00:00Z").is_ok());
        assert!(check(&param(Kind::DateTime, true, &[]), "1714521600000").is_ok());
        assert!(check(&param(Kind::DateTime, true, &[]), "yesterday").is_err());
        assert!(check(&param(Kind::Boolean, true, &[]), "yes").is_err());
        assert!(check(&param(Kind::Number, true, &[]), "NaN").is_err());
    }

    #[test]
    fn open_enums_accept_new_values_closed_ones_do_not() {
        assert!(check(&param(Kind::String, true, &["a"]), "b").is_ok());
        assert!(check(&param(Kind::String, false, &["a"]), "b").is_err());
        assert!(check(&param(Kind::String, false, &["a"]), "a").is_ok());
    }
}
