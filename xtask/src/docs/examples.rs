//! HTTP examples of the API docs: a request line, its headers, an optional JSON body,
//! and the sample response that follows.
//!
//! Both styles of the docs are read:
//!
//! ```text
//! GET /v1/tokenInfo HTTP/1.1 Host: api.integrator.io Authorization: Bearer my_api_token
//! Sample response
//! HTTP/1.1 200 OK Content-Type: application/json; charset=utf-8 { "_userId": "5e03" }
//! ```
//!
//! (help-center text, everything on a line), and fenced markdown blocks with one header
//! per line, a blank line before the body, and `Sample Response:` between the request's
//! and the response's blocks. A request line is `METHOD target` with an optional
//! `HTTP/1.1` (and headers) after it; the target may carry the host
//! (`POST https://api.integrator.io/v1/...`).

use serde_json::Value;

use super::path;
use super::table::METHODS;

/// A request or response body as the docs write it.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// JSON that parses (possibly once `//` comments are dropped).
    Json {
        /// The 1-based line where it starts.
        line: usize,
        /// The value.
        value: Value,
        /// Whether `//` comments had to be dropped for it to parse.
        comments_dropped: bool,
    },
    /// Something that starts like JSON but does not parse: a slip of the docs.
    Unparseable {
        /// The 1-based line where it starts.
        line: usize,
        /// The parser's message.
        error: String,
    },
    /// Plain text (a fenced block that is not JSON, such as `OK`).
    Text {
        /// The 1-based line where it starts.
        line: usize,
        /// The text, trimmed.
        text: String,
    },
}

impl Body {
    /// The 1-based line where the body starts.
    pub fn line(&self) -> usize {
        match self {
            Body::Json { line, .. } | Body::Unparseable { line, .. } | Body::Text { line, .. } => {
                *line
            }
        }
    }
}

/// One HTTP example.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    /// The 1-based line of the request line.
    pub line: usize,
    /// Upper-case method.
    pub method: String,
    /// The request target as written (`/v1/jobs?type=import`).
    pub target: String,
    /// The target relative to the API base (`/jobs`), see [`path::relative`].
    pub path: String,
    /// The request body, if the example sends one.
    pub request: Option<Body>,
    /// The status of the sample response's `HTTP/1.1 200 OK` line, if it has one.
    pub status: Option<u16>,
    /// The sample response's body, if the example shows one.
    pub response: Option<Body>,
}

/// Every HTTP example of a document, in order.
pub fn extract(text: &str) -> Vec<Example> {
    let lines = Lines::new(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match request_line(lines.text[i]) {
            Some((method, target, rest)) => {
                let (example, next) = example(&lines, i, method, target, rest);
                out.push(example);
                i = next.max(i + 1);
            }
            None => i += 1,
        }
    }
    out
}

/// The document's lines, with which of them are markdown fences or inside one.
struct Lines<'a> {
    text: Vec<&'a str>,
    fence: Vec<bool>,
    fenced: Vec<bool>,
}

impl<'a> Lines<'a> {
    /// Splits a document, marking fences and fenced lines.
    fn new(text: &'a str) -> Self {
        let text: Vec<&str> = text.lines().collect();
        let mut fence = Vec::with_capacity(text.len());
        let mut fenced = Vec::with_capacity(text.len());
        let mut inside = false;
        for line in &text {
            let is_fence = line.trim_start().starts_with("```");
            fence.push(is_fence);
            fenced.push(inside && !is_fence);
            if is_fence {
                inside = !inside;
            }
        }
        Lines {
            text,
            fence,
            fenced,
        }
    }

    /// How many lines.
    fn len(&self) -> usize {
        self.text.len()
    }

    /// True for a line that ends a block: a fence; outside fences a heading.
    fn ends_block(&self, i: usize) -> bool {
        self.fence[i] || (!self.fenced[i] && self.text[i].trim_start().starts_with('#'))
    }
}

/// `METHOD target [HTTP/1.1 ...]`: the method, the target and what follows it.
fn request_line(line: &str) -> Option<(&str, &str, &str)> {
    let line = line.trim();
    let (method, rest) = line.split_once(' ')?;
    if !METHODS.contains(&method) {
        return None;
    }
    let rest = rest.trim_start();
    let (target, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let is_target =
        target.starts_with('/') || target.starts_with("https://") || target.starts_with("http://");
    let after = after.trim_start();
    (is_target && (after.is_empty() || after.starts_with("HTTP/")))
        .then_some((method, target, after))
}

/// `Sample response`, `Sample Response:`, `Sample GET response`.
fn response_marker(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    let lower = trimmed.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.first() != Some(&"sample") {
        return None;
    }
    let at = if words.get(1).is_some_and(|w| w.starts_with("response")) {
        1
    } else if words.len() > 2 && words[2].starts_with("response") {
        2
    } else {
        return None;
    };
    // What follows the marker on its line (usually nothing).
    let mut rest = trimmed;
    for _ in 0..=at {
        rest = rest
            .trim_start()
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r);
    }
    Some(rest.trim())
}

/// `Host: api.integrator.io`, `Content-Type: application/json`.
fn header_line(line: &str) -> bool {
    let line = line.trim();
    let Some((name, _)) = line.split_once(": ") else {
        return false;
    };
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Where `part`, a slice of `line`, starts in it.
fn offset(line: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(line.as_ptr() as usize)
        .filter(|o| *o <= line.len())
        .unwrap_or(0)
}

/// Where a line's JSON starts, when its first non-blank character opens it.
fn json_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    (trimmed.starts_with('{') || trimmed.starts_with('[')).then(|| line.len() - trimmed.len())
}

/// Reads the example whose request line is line `at`; returns it and the line after it.
fn example(lines: &Lines, at: usize, method: &str, target: &str, rest: &str) -> (Example, usize) {
    let mut example = Example {
        line: at + 1,
        method: method.to_string(),
        target: target.to_string(),
        path: path::relative(target),
        request: None,
        status: None,
        response: None,
    };
    let mut i = at + 1;
    // A body written on the request line itself, after inline headers.
    if let Some(column) = rest.find(['{', '[']) {
        let (body, next) = read_json(lines, at, offset(lines.text[at], rest) + column);
        example.request = Some(body);
        i = next;
    } else {
        while i < lines.len()
            && !lines.fence[i]
            && (lines.text[i].trim().is_empty() || header_line(lines.text[i]))
        {
            i += 1;
        }
        if i < lines.len() && !lines.ends_block(i) {
            if let Some(column) = json_start(lines.text[i]) {
                let (body, next) = read_json(lines, i, column);
                example.request = Some(body);
                i = next;
            }
        }
    }
    // The sample response: the next marker before another request or a heading.
    while i < lines.len() {
        let line = lines.text[i];
        if request_line(line).is_some() || (!lines.fenced[i] && line.trim_start().starts_with('#'))
        {
            return (example, i);
        }
        if let Some(inline) = response_marker(line) {
            let (status, body, next) = response(lines, i, inline);
            example.status = status;
            example.response = body;
            return (example, next);
        }
        i += 1;
    }
    (example, i)
}

/// Reads a sample response from the marker at `at`.
fn response(lines: &Lines, at: usize, inline: &str) -> (Option<u16>, Option<Body>, usize) {
    if let Some(column) = json_start(inline) {
        let (body, next) = read_json(lines, at, offset(lines.text[at], inline) + column);
        return (None, Some(body), next);
    }
    let mut status = None;
    let mut i = at + 1;
    while i < lines.len() && (lines.text[i].trim().is_empty() || lines.fence[i]) {
        i += 1;
    }
    if i < lines.len() && lines.text[i].trim_start().starts_with("HTTP/") {
        let line = lines.text[i];
        status = line
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok());
        if let Some(column) = line.find(['{', '[']) {
            let (body, next) = read_json(lines, i, column);
            return (status, Some(body), next);
        }
        i += 1;
        while i < lines.len() && !lines.fence[i] && header_line(lines.text[i]) {
            i += 1;
        }
    }
    if i >= lines.len() || request_line(lines.text[i]).is_some() || lines.fence[i] {
        return (status, None, i);
    }
    if let Some(column) = json_start(lines.text[i]) {
        let (body, next) = read_json(lines, i, column);
        return (status, Some(body), next);
    }
    if lines.fenced[i] {
        let start = i;
        while i < lines.len() && lines.fenced[i] {
            i += 1;
        }
        let text = lines.text[start..i].join("\n").trim().to_string();
        return (
            status,
            Some(Body::Text {
                line: start + 1,
                text,
            }),
            i,
        );
    }
    (status, None, i)
}

/// Reads a JSON value that starts at `column` of line `at`, up to where its brackets
/// close, or the block ends (a fence, a blank line or a heading outside fences, another
/// request or response). Returns the body and the line after it.
fn read_json(lines: &Lines, at: usize, column: usize) -> (Body, usize) {
    let mut raw = String::new();
    let mut stripped = String::new();
    let mut comments = false;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = at;
    'lines: while i < lines.len() {
        if i > at
            && (lines.ends_block(i)
                || request_line(lines.text[i]).is_some()
                || response_marker(lines.text[i]).is_some()
                || (!lines.fenced[i] && lines.text[i].trim().is_empty()))
        {
            break;
        }
        let line = if i == at {
            &lines.text[i][column..]
        } else {
            lines.text[i]
        };
        let mut chars = line.char_indices().peekable();
        while let Some((index, c)) = chars.next() {
            raw.push(c);
            if in_string {
                stripped.push(c);
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '/' if chars.peek().map(|(_, n)| *n) == Some('/') => {
                    comments = true;
                    raw.push_str(&line[index + 1..]);
                    break;
                }
                '"' => in_string = true,
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        stripped.push(c);
                        i += 1;
                        break 'lines;
                    }
                }
                _ => {}
            }
            stripped.push(c);
        }
        raw.push('\n');
        stripped.push('\n');
        i += 1;
    }
    let line = at + 1;
    let body = match serde_json::from_str::<Value>(&raw) {
        Ok(value) => Body::Json {
            line,
            value,
            comments_dropped: false,
        },
        Err(error) => match serde_json::from_str::<Value>(&stripped) {
            Ok(value) if comments => Body::Json {
                line,
                value,
                comments_dropped: true,
            },
            _ => Body::Unparseable {
                line,
                error: error.to_string(),
            },
        },
    };
    (body, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json(line: usize, value: Value) -> Option<Body> {
        Some(Body::Json {
            line,
            value,
            comments_dropped: false,
        })
    }

    #[test]
    fn fenced_markdown_request_with_body_and_response() {
        let text = r#"#### 2.  Update the name field for a specific export.

```
PUT /v1/exports/55ea776bb751843c37b7b366 HTTP/1.1
Host: api.integrator.io
Authorization: Bearer my_api_token

{
    "name": "GitHub Event Listener (updated!)",
    "hooks": {"preSavePage": {"function": null}}
}
```

Sample Response:

```
{
    "_id": "55ea776bb751843c37b7b366",
    "name": "GitHub Event Listener (updated!)"
}
```

#### 3. Next.
"#;
        assert_eq!(
            extract(text),
            vec![Example {
                line: 4,
                method: "PUT".into(),
                target: "/v1/exports/55ea776bb751843c37b7b366".into(),
                path: "/exports/55ea776bb751843c37b7b366".into(),
                request: json(
                    8,
                    json!({"name": "GitHub Event Listener (updated!)", "hooks": {"preSavePage": {"function": null}}})
                ),
                status: None,
                response: json(
                    17,
                    json!({"_id": "55ea776bb751843c37b7b366", "name": "GitHub Event Listener (updated!)"})
                ),
            }]
        );
    }

    #[test]
    fn help_center_one_line_request_status_headers_and_json() {
        let text = "Sample HTTP request
GET /v1/tokenInfo HTTP/1.1 Host: api.integrator.io Authorization: Bearer my_api_token
Sample response
HTTP/1.1 200 OK Content-Type: application/json; charset=utf-8 { \"_userId\": \"5e03\", \"scope\":\"*\" }
Tip: The Celigo platform also accesses the integrator.io API.
";
        let examples = extract(text);
        assert_eq!(examples.len(), 1);
        assert_eq!(examples[0].path, "/tokenInfo");
        assert_eq!(examples[0].request, None);
        assert_eq!(examples[0].status, Some(200));
        assert_eq!(
            examples[0].response,
            json(4, json!({"_userId": "5e03", "scope": "*"}))
        );
    }

    #[test]
    fn help_center_bodies_on_the_line_after_the_headers() {
        let text = "POST /v1/connections/554••009/export/pages HTTP/1.1
Host: api.integrator.io
Authorization: Bearer my_api_token
{ \"export\": { \"pageSize\":5 } }
Sample response
{ \"data\":[ { \"recType\":\"813\" }, }, \"dataURIs\":{ null ], \"pagedExportState\": { \"done\":false } }
This example builds on the previous one.
GET /v1/connections/554••00d/ping HTTP/1.1
Host: api.integrator.io
Sample response
{
\"code\": 200
}
";
        let examples = extract(text);
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].path, "/connections/554••009/export/pages");
        assert_eq!(
            examples[0].request,
            json(4, json!({"export": {"pageSize": 5}}))
        );
        assert!(
            matches!(
                &examples[0].response,
                Some(Body::Unparseable { line: 6, .. })
            ),
            "{:?}",
            examples[0].response
        );
        assert_eq!(examples[1].request, None);
        assert_eq!(examples[1].response, json(11, json!({"code": 200})));
    }

    #[test]
    fn full_urls_and_queries_are_made_relative() {
        let text = "POST https://api.integrator.io/v1/flows/abc/run\n\nGET /v1/jobs?type=import&status=running HTTP/1.1\n";
        let examples = extract(text);
        let paths: Vec<(&str, &str)> = examples
            .iter()
            .map(|e| (e.method.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(paths, vec![("POST", "/flows/abc/run"), ("GET", "/jobs")]);
        assert_eq!(
            examples[0].target,
            "https://api.integrator.io/v1/flows/abc/run"
        );
    }

    #[test]
    fn comments_are_dropped_and_said_so() {
        let text = "```
POST /v1/connections/5541/export/pages HTTP/1.1
Host: api.integrator.io

{
    \"export\": {
        \"asynchronous\": true,  // deprecating this field soon
        \"url\": \"https://example.com//x\"
    }
}
```
";
        let examples = extract(text);
        assert_eq!(
            examples[0].request,
            Some(Body::Json {
                line: 5,
                value: json!({"export": {"asynchronous": true, "url": "https://example.com//x"}}),
                comments_dropped: true
            })
        );
        assert_eq!(examples[0].response, None);
    }

    #[test]
    fn plain_text_responses_and_markers_with_a_method() {
        let text = "```
PUT /v1/state/banana HTTP/1.1
Host: api.integrator.io

{\"message\": \"Don't slip!\"}
```

Sample Response:

```
OK
```
";
        let examples = extract(text);
        assert_eq!(
            examples[0].response,
            Some(Body::Text {
                line: 11,
                text: "OK".into()
            })
        );
        assert_eq!(response_marker("Sample GET response"), Some(""));
        assert_eq!(response_marker("Sample Response:"), Some(""));
        assert_eq!(response_marker("Sample HTTP request"), None);
    }

    #[test]
    fn prose_and_table_rows_are_not_request_lines() {
        for line in [
            "POST | 201 | Create a connection. | |",
            "GET requests are read-only.",
            "Only global keys are returned by the top level GET /state API.",
            "curl 'https://api.integrator.io/v1/tokenInfo'",
            "GET /state API",
        ] {
            assert_eq!(request_line(line), None, "{line}");
        }
        assert!(request_line("DELETE /v1/state HTTP/1.1").is_some());
        assert!(request_line("GET /v1/state").is_some());
    }

    #[test]
    fn a_response_marker_is_not_taken_from_the_next_example() {
        let text = "GET /v1/a HTTP/1.1
Host: x

GET /v1/b HTTP/1.1
Sample response
{\"b\": 1}
";
        let examples = extract(text);
        assert_eq!(examples.len(), 2);
        assert_eq!(examples[0].response, None);
        assert_eq!(examples[1].response, json(6, json!({"b": 1})));
    }

    #[test]
    fn an_unclosed_json_sample_stops_at_the_end_of_its_block() {
        let text = "```
GET /v1/exports HTTP/1.1
```
Sample Response:
```
[ {\"_id\": \"a\"},
```
Next paragraph.
";
        let examples = extract(text);
        assert!(matches!(
            examples[0].response,
            Some(Body::Unparseable { line: 6, .. })
        ));
    }
}
