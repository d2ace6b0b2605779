//! Paths as the docs write them, brought to the spec's form.
//!
//! The docs write request targets with or without the host and the `/v1` base
//! (`https://api.integrator.io/v1/exports`, `/v1/exports`, `/exports`) and spell path
//! parameters `<_id>`, `:_id` or `{_id}`. The spec's paths are relative to the `/v1` base
//! and name parameters `{id}`. Comparisons use *shapes*: the path with every parameter
//! name erased (`/exports/{}`).

/// The spec's base path: every server URL of the spec ends in it.
pub const BASE: &str = "/v1";

/// A request target or table URI relative to the API base: scheme and host, the `/v1`
/// base, the query string, the fragment and a trailing slash removed.
///
/// `https://api.integrator.io/v1/jobs?type=import` → `/jobs`; `/v1` → `/`.
pub fn relative(target: &str) -> String {
    let mut path = target.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = path.strip_prefix(scheme) {
            path = rest.find('/').map_or("", |slash| &rest[slash..]);
        }
    }
    if let Some(end) = path.find(['?', '#']) {
        path = &path[..end];
    }
    if let Some(rest) = path.strip_prefix(BASE) {
        if rest.is_empty() || rest.starts_with('/') {
            path = rest;
        }
    }
    let path = path.trim_end_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// The non-empty segments of a path.
pub fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The parameter name when a segment is a parameter in any of the spellings the docs
/// and the spec use: `<_id>`, `:_id`, `{_id}` (and the erased `{}`).
pub fn parameter_name(segment: &str) -> Option<&str> {
    if let Some(name) = segment.strip_prefix(':') {
        return Some(name);
    }
    for (open, close) in [('<', '>'), ('{', '}')] {
        if let Some(name) = segment
            .strip_prefix(open)
            .and_then(|rest| rest.strip_suffix(close))
        {
            return Some(name);
        }
    }
    None
}

/// The path with every parameter name erased: `/flows/{flowId}/{stepId}/errors` and
/// `/flows/<_flowid>/<_importId>/errors` both become `/flows/{}/{}/errors`.
pub fn shape(path: &str) -> String {
    let erased: Vec<&str> = segments(path)
        .map(|s| if parameter_name(s).is_some() { "{}" } else { s })
        .collect();
    format!("/{}", erased.join("/"))
}

/// How well a concrete path (`/connections/5541e17a/ping`) fits a path template of the
/// spec (`/connections/{id}/ping`): `None` when it does not, else the number of literal
/// segments that matched, so that the most specific template can be preferred
/// (`/connections/ping` over `/connections/{id}`). A parameter in the concrete path
/// (`<_id>`) only fits a parameter of the template.
pub fn fit(template: &str, concrete: &str) -> Option<usize> {
    let wanted: Vec<&str> = segments(template).collect();
    let given: Vec<&str> = segments(concrete).collect();
    if wanted.len() != given.len() {
        return None;
    }
    let mut literal = 0;
    for (want, give) in wanted.iter().zip(&given) {
        match (parameter_name(want), parameter_name(give)) {
            (Some(_), _) => {}
            (None, None) if want == give => literal += 1,
            _ => return None,
        }
    }
    Some(literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_drops_host_base_query_and_trailing_slash() {
        assert_eq!(relative("/v1/exports"), "/exports");
        assert_eq!(
            relative("https://api.integrator.io/v1/exports/"),
            "/exports"
        );
        assert_eq!(
            relative("https://api.eu.integrator.io/v1/jobs?type=import&status=running"),
            "/jobs"
        );
        assert_eq!(relative("/connections/<_id>"), "/connections/<_id>");
        assert_eq!(relative("/v1"), "/");
        assert_eq!(relative("https://api.integrator.io"), "/");
        assert_eq!(relative("/v10/x"), "/v10/x");
        assert_eq!(relative("exports"), "/exports");
    }

    #[test]
    fn every_parameter_spelling_erases_to_the_same_shape() {
        for path in [
            "/exports/<_id>/distributed",
            "/exports/:_id/distributed",
            "/exports/{_id}/distributed",
            "/exports/{id}/distributed",
        ] {
            assert_eq!(shape(path), "/exports/{}/distributed", "{path}");
        }
        assert_eq!(shape("/"), "/");
        assert_eq!(
            shape("/flows/<_flowid>/<_exportId>/<_retryDataKey>/data"),
            "/flows/{}/{}/{}/data"
        );
    }

    #[test]
    fn concrete_paths_fit_templates_preferring_literals() {
        assert_eq!(fit("/connections/{id}", "/connections/ping"), Some(1));
        assert_eq!(fit("/connections/ping", "/connections/ping"), Some(2));
        assert_eq!(
            fit("/connections/{id}/ping", "/connections/5541e17a/ping"),
            Some(2)
        );
        assert_eq!(fit("/connections/{id}", "/connections/a/b"), None);
        assert_eq!(fit("/exports/{id}", "/imports/a"), None);
        assert_eq!(
            fit("/{resourceType}/{id}/state", "/imports/55cc/state"),
            Some(1)
        );
        assert_eq!(fit("/exports/{id}", "/exports/<_id>"), Some(1));
        assert_eq!(fit("/exports/clone", "/exports/<_id>"), None);
    }
}
