//! Checks on what goes into a request's URL path and headers, done before anything is sent.

use crate::{Error, Operation};

/// Why a path segment would change the URL called, if it would.
pub(crate) fn path_segment_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("it is empty");
    }
    if value == "." || value == ".." {
        return Some("`.` and `..` would move to another path");
    }
    for c in value.chars() {
        match c {
            '/' => return Some("it holds `/`"),
            '\\' => return Some("it holds `\\`"),
            '?' => return Some("it holds `?`"),
            '#' => return Some("it holds `#`"),
            c if c.is_control() => return Some("it holds a control character"),
            _ => {}
        }
    }
    None
}

/// Why a header value is unsafe to send, if it is.
pub(crate) fn header_value_problem(value: &str) -> Option<&'static str> {
    for c in value.chars() {
        match c {
            '\r' | '\n' => return Some("it holds CR or LF"),
            '\t' => {}
            c if c.is_control() => return Some("it holds a control character"),
            _ => {}
        }
    }
    None
}

pub(crate) fn path_segment(
    op: &'static Operation,
    parameter: &'static str,
    value: &str,
) -> Result<(), Error> {
    match path_segment_problem(value) {
        None => Ok(()),
        Some(reason) => Err(Error::InvalidId {
            operation: op.id,
            parameter,
            value: value.to_string(),
            reason,
        }),
    }
}

pub(crate) fn header_value(
    op: &'static Operation,
    header: &'static str,
    value: &str,
) -> Result<(), Error> {
    match header_value_problem(value) {
        None => Ok(()),
        Some(reason) => Err(Error::InvalidHeader {
            operation: op.id,
            header,
            reason,
        }),
    }
}
