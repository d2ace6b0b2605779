//! [`Reply`]: what a handler answers, and the API's error envelope.

use serde_json::{json, Value};

/// An HTTP answer before it is written.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: u16,
    /// `Content-Type`, when there is a body.
    pub(crate) content_type: Option<&'static str>,
    /// Other headers.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// A JSON body.
    pub(crate) fn json(status: u16, value: &Value) -> Reply {
        Reply::json_bytes(status, serde_json::to_vec(value).unwrap_or_default())
    }

    /// A JSON body already encoded.
    pub(crate) fn json_bytes(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: Some("application/json; charset=utf-8"),
            headers: Vec::new(),
            body,
        }
    }

    /// A plain-text body.
    pub(crate) fn text(status: u16, text: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: Some("text/plain; charset=utf-8"),
            headers: Vec::new(),
            body: text.into().into_bytes(),
        }
    }

    /// No body.
    pub(crate) fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The error envelope with one error.
    pub(crate) fn error(status: u16, code: &str, message: impl Into<String>) -> Reply {
        Reply::json(
            status,
            &json!({"errors": [{"code": code, "message": message.into()}]}),
        )
    }

    /// The error envelope with one error about a field.
    pub(crate) fn field_error(
        status: u16,
        code: &str,
        field: &str,
        message: impl Into<String>,
    ) -> Reply {
        Reply::json(
            status,
            &json!({"errors": [{"code": code, "message": message.into(), "field": field}]}),
        )
    }

    /// The error envelope with these errors (`{code, message, field?}` objects).
    pub(crate) fn errors(status: u16, errors: Vec<Value>) -> Reply {
        Reply::json(status, &json!({ "errors": errors }))
    }

    /// `404` for an id no resource has.
    pub(crate) fn not_found(what: &str, id: &str) -> Reply {
        Reply::error(404, "not_found", format!("{what} {id:?} does not exist."))
    }

    /// `400` for a malformed request.
    pub(crate) fn bad_request(code: &str, message: impl Into<String>) -> Reply {
        Reply::error(400, code, message)
    }

    /// `422` for a request the API understood and refuses.
    pub(crate) fn unprocessable(code: &str, field: &str, message: impl Into<String>) -> Reply {
        Reply::field_error(422, code, field, message)
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}
