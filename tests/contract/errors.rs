//! Error contracts: every documented or known error status, on every operation, comes
//! back as the matching `Error` variant with the decoded code and message.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use integrator_io::{Client, Error};
use integrator_io_codegen::spec::Operation;
use serde_json::json;

use crate::responses::minimal_case;
use crate::support::{CaptureServer, Reply};
use crate::Harness;

/// A server answering whatever was last put in the returned slot.
pub async fn switchable() -> (CaptureServer, Arc<Mutex<Reply>>) {
    let slot = Arc::new(Mutex::new(Reply::empty(500)));
    let answer = slot.clone();
    let server = CaptureServer::start(move |_| answer.lock().unwrap().clone()).await;
    (server, slot)
}

fn envelope(status: u16, code: &str) -> Reply {
    let mut error = json!({"code": code, "message": format!("{code} happened")});
    if status == 422 {
        error["field"] = json!("name");
    }
    Reply::json(status, &json!({"errors": [error]}))
}

/// Checks every error answer on `op`; answers how many.
pub fn check(
    h: &Harness,
    slot: &Mutex<Reply>,
    client: &Client,
    op: &Operation,
) -> Result<u32, String> {
    let case = minimal_case(op);
    let answers: Vec<(Reply, &str)> = vec![
        (envelope(400, "invalid_query"), "invalid_query"),
        (envelope(401, "unauthorized"), "unauthorized"),
        (Reply::json(401, &json!({"message": "Unauthorized"})), ""),
        (envelope(403, "forbidden"), "forbidden"),
        (envelope(404, "not_found"), "not_found"),
        (envelope(422, "invalid_field"), "invalid_field"),
        (
            envelope(429, "rate_limited").with_header("Retry-After", "3"),
            "rate_limited",
        ),
        (envelope(500, "internal_error"), "internal_error"),
        (envelope(502, "bad_gateway"), "bad_gateway"),
        (envelope(503, "unavailable"), "unavailable"),
        (envelope(504, "gateway_timeout"), "gateway_timeout"),
    ];
    let mut checked = 0;
    for (reply, code) in answers {
        let status = reply.status;
        *slot.lock().unwrap() = reply;
        let result = h.rt.block_on(integrator_io::__contract::send(
            client,
            &op.rust_name,
            &case.params,
            case.body.clone(),
        ));
        let fail = |what: &str| format!("{}: {status} answered {what}", op.id);
        let err = match result {
            Ok(v) => return Err(fail(&format!("Ok({v})"))),
            Err(e) => e,
        };
        let api = match (&err, status) {
            (Error::Unauthorized(e), 401) => e,
            (Error::RateLimited { retry_after, error }, 429) => {
                if *retry_after != Some(Duration::from_secs(3)) {
                    return Err(fail(&format!("Retry-After {retry_after:?}")));
                }
                error
            }
            (Error::Api(e), _) if status != 401 && status != 429 => e,
            _ => return Err(fail(&format!("{err:?}"))),
        };
        let ok = api.operation == op.id
            && api.status.as_u16() == status
            && (code.is_empty() && api.message.as_deref() == Some("Unauthorized")
                || api.has_code(code)
                    && api.errors[0].message.as_deref()
                        == Some(format!("{code} happened").as_str())
                    && (status != 422 || api.errors[0].field.as_deref() == Some("name")));
        if !ok {
            return Err(fail(&format!("{api:?}")));
        }
        checked += 1;
    }
    Ok(checked)
}
