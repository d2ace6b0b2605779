//! The HTTP/1.1 server (hyper): accepts connections on the bound port, and runs each
//! request through authentication, the rate limit, the knobs, routing, validation and
//! the handlers. Stops when the handle's stop signal changes.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::app::App;
use super::dispatch::{dispatch, Call};
use super::reply::Reply;
use super::router::Matched;
use super::{auth, validation};

/// The largest request body read (bigger ones answer `413`).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Accepts connections until `stop` turns true.
pub(crate) async fn serve(listener: TcpListener, app: Arc<App>, mut stop: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.changed() => return,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: try again shortly.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(handle(&app, request).await) }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = stop.changed() => {}
            }
        });
    }
}

/// Answers one request, after the configured latency, and logs it if asked.
async fn handle(app: &App, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let reply = answer(app, request).await;
    if reply.status != 429 {
        app.count(false);
    }
    app.knobs.delay().await;
    if app.config.log_requests {
        eprintln!(
            "{method} {target} {} {:.1}ms",
            reply.status,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    into_response(reply)
}

async fn answer(app: &App, request: Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let Some(path) = parts
        .uri
        .path()
        .strip_prefix("/v1")
        .filter(|p| p.is_empty() || p.starts_with('/'))
    else {
        return Reply::error(
            404,
            "not_found",
            format!(
                "No such endpoint: {}; the API lives under /v1.",
                parts.uri.path()
            ),
        );
    };
    let rate_key = match auth::check(app, &parts.headers) {
        Ok(key) => key,
        Err(reply) => return reply,
    };
    if let Some(limiter) = &app.limiter {
        if let Err(reply) = limiter.check(&rate_key) {
            app.count(true);
            return reply;
        }
    }
    if let Some(reply) = app.knobs.injected_error(&app.ids) {
        return reply;
    }
    let method = parts.method.as_str();
    let (route, params) = match app.api.router.find(method, path) {
        Matched::Route(route, params) => (route, params),
        Matched::WrongMethod(allowed) => {
            return Reply::error(
                405,
                "method_not_allowed",
                format!("{method} is not supported on {path}."),
            )
            .with_header("allow", allowed.join(", "))
        }
        Matched::NotFound => {
            return Reply::error(404, "not_found", format!("No such endpoint: {path}."))
        }
        Matched::BadPath => {
            return Reply::bad_request("invalid_path", "The path is not valid UTF-8.")
        }
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    if let Err(reply) = validation::check_query(app.api, route, &query) {
        return reply;
    }
    let raw = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            if e.is::<http_body_util::LengthLimitError>() {
                return Reply::error(413, "payload_too_large", "The body exceeds 16 MiB.");
            }
            return Reply::bad_request("invalid_body", "The body could not be read.");
        }
    };
    let body = match validation::check_body(app.api, route, &raw) {
        Ok(body) => body,
        Err(reply) => return reply,
    };
    let call = Call {
        app,
        route,
        path: params,
        query,
        body,
        request_path: path.to_string(),
    };
    dispatch(&call)
}

fn into_response(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(kind) = reply.content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(kind));
    }
    for (name, value) in reply.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(name, value);
        }
    }
    response
}
