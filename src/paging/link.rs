//! The `Link` header (RFC 8288): which URL is `rel="next"`.

/// The target of the first link whose `rel` includes `next`, in a `Link` header value
/// such as `<https://api.integrator.io/v1/flows?skip=1000>; rel="next", <…>; rel="prev"`.
///
/// Parameters may come in any order, `rel` may be quoted or bare and hold several
/// space-separated relation types, and URLs may contain commas and semicolons.
pub(crate) fn next_target(header: &str) -> Option<&str> {
    let mut rest = header;
    loop {
        let open = rest.find('<')?;
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let after = &rest[close + 1..];
        // The parameters run to the next comma that is outside quotes.
        let mut in_quotes = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == ',' && !in_quotes
            })
            .map_or(after.len(), |(i, _)| i);
        if params_say_next(&after[..end]) {
            return Some(target.trim());
        }
        rest = &after[end..];
    }
}

fn params_say_next(params: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}

#[cfg(test)]
mod tests {
    use super::next_target;

    #[test]
    fn finds_next_among_several_links() {
        let h = r#"<https://a.test/v1/x?skip=0>; rel="prev", <https://a.test/v1/x?skip=2000&limit=1000>; rel="next""#;
        assert_eq!(
            next_target(h),
            Some("https://a.test/v1/x?skip=2000&limit=1000")
        );
    }

    #[test]
    fn accepts_params_in_any_order_bare_rel_and_several_rels() {
        assert_eq!(
            next_target(r#"</v1/x?skip=5>; title="a, b; c"; rel=next"#),
            Some("/v1/x?skip=5")
        );
        assert_eq!(
            next_target(r#"<x?skip=5>; REL="last next""#),
            Some("x?skip=5")
        );
        assert_eq!(next_target(r#"<a,b;c>; rel="next""#), Some("a,b;c"));
    }

    #[test]
    fn none_without_next() {
        assert_eq!(next_target(r#"<https://a.test/v1/x>; rel="prev""#), None);
        assert_eq!(next_target(r#"<https://a.test/v1/x>; rel="nextish""#), None);
        assert_eq!(next_target(""), None);
        assert_eq!(next_target("garbage <unclosed; rel=next"), None);
    }
}
