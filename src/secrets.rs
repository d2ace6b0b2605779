//! Masked secrets: the API answers every credential (passwords, tokens, keys, the
//! `encrypted` fields of HTTP connections) as a placeholder such as `"******"`, and a
//! `PUT` replaces the whole document, so writing a resource back as it was read would
//! store the placeholder as the credential. The request hook refuses to send a body that
//! holds one, unless the client was made with
//! [`Client::with_masked_secrets_allowed`](crate::Client::with_masked_secrets_allowed).
//!
//! A placeholder is a whole string value of at least three mask characters, all `*` or
//! all `•` (the API writes `******`; its help pages show bullets). The check does not
//! depend on field names: the `encrypted` object of an HTTP connection holds secrets
//! under names the user chose.

use serde_json::Value;

/// The shortest run of mask characters taken for a placeholder.
const MIN_MASK_LEN: usize = 3;

/// The UTF-8 bytes of `•` (U+2022).
const BULLET: &[u8] = "•".as_bytes();

/// The JSON pointer of the first masked placeholder in a JSON request body, if any.
///
/// The bytes are scanned first, so a body without a run of three mask characters costs
/// one pass and no parsing.
pub(crate) fn masked_field(body: &[u8]) -> Option<String> {
    if !has_mask_run(body) {
        return None;
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    let mut pointer = String::new();
    find(&value, &mut pointer).then_some(pointer)
}

/// True when `value` is a masked placeholder.
pub(crate) fn is_mask(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '*' || first == '•')
        && value.chars().count() >= MIN_MASK_LEN
        && chars.all(|c| c == first)
}

/// Whether the bytes hold `***` or `•••` anywhere.
fn has_mask_run(body: &[u8]) -> bool {
    let stars = body.windows(MIN_MASK_LEN).any(|w| w == b"***");
    stars
        || body
            .windows(BULLET.len() * MIN_MASK_LEN)
            .any(|w| w.chunks(BULLET.len()).all(|c| c == BULLET))
}

/// Depth-first search for a placeholder; on success `pointer` names it.
fn find(value: &Value, pointer: &mut String) -> bool {
    match value {
        Value::String(s) => is_mask(s),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .any(|(i, item)| descend(pointer, &i.to_string(), item)),
        Value::Object(map) => map.iter().any(|(key, item)| descend(pointer, key, item)),
        _ => false,
    }
}

fn descend(pointer: &mut String, token: &str, value: &Value) -> bool {
    let len = pointer.len();
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    if find(value, pointer) {
        return true;
    }
    pointer.truncate(len);
    false
}

#[cfg(test)]
mod tests {
    use super::{is_mask, masked_field};

    #[test]
    fn placeholders_are_whole_runs_of_one_mask_character() {
        for mask in ["***", "******", "•••", "•••••••"] {
            assert!(is_mask(mask), "{mask}");
        }
        for not in ["", "*", "**", "*a*", "**•", "p*ssword", "*** ", "a***"] {
            assert!(!is_mask(not), "{not}");
        }
    }

    #[test]
    fn names_the_field_by_json_pointer() {
        let body = br#"{"name":"c","http":{"auth":{"basic":{"password":"******"}}}}"#;
        assert_eq!(
            masked_field(body).as_deref(),
            Some("/http/auth/basic/password")
        );
        let body = r#"{"http":{"encrypted":{"my/key~1":"•••••"}}}"#;
        assert_eq!(
            masked_field(body.as_bytes()).as_deref(),
            Some("/http/encrypted/my~1key~01")
        );
        let body = br#"{"list":[{"a":"x"},{"token":"***"}]}"#;
        assert_eq!(masked_field(body).as_deref(), Some("/list/1/token"));
    }

    #[test]
    fn bodies_without_placeholders_pass() {
        for body in [
            &br#"{"password":"hunter2","note":"*** important ***"}"#[..],
            br#"{"a":"**"}"#,
            br#"["*"]"#,
            b"not json ***",
            b"",
        ] {
            assert_eq!(
                masked_field(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
