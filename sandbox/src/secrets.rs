//! The secret fields of stored resources, and masking them in answers.
//!
//! integrator.io keeps credentials as written and answers every read with them masked
//! as `"******"`. The sandbox does the same: documents are stored exactly as sent,
//! and every answer that shows one (create, get, list, update, clone, audit entries)
//! masks its secrets. Like the API, a write that sends `"******"` stores the mask as
//! the credential (a read written back unchanged breaks the connection); a ping then
//! fails, which is how that mistake shows.
//!
//! Where secrets sit, from the API's docs (`connection.md`, `iClient.md`, `export.md`)
//! and Celigo's connection schemas (fields "encrypted at rest" or "returned masked"):
//!
//! - connections: the credential fields below wherever they appear (`rest.bearerToken`,
//!   `http.auth.basic.password`, `http.auth.token.token`, `netsuite.tokenSecret`,
//!   `http.clientCertificates.key`, `rdbms.snowflake.privateKey`, ...); and an HTTP
//!   connection's `encrypted` object, which the API answers as the string `"******"`
//!   as a whole;
//! - iClients: the client secrets and keys below, wherever they appear
//!   (`oauth2.clientSecret`, `netsuite.consumerKey`, `amazonmws.secretKey`,
//!   `ebay.certId`, ...);
//! - exports: a webhook's verification secrets, `webhook.key`, `webhook.token` and
//!   `webhook.password`.
//!
//! Only non-empty strings are masked: an empty or `null` secret is answered as stored,
//! and a field of the same name that holds an object (`http.auth.token`) is searched
//! instead of masked.

use std::borrow::Cow;

use serde_json::Value;

/// What the API answers in place of a secret.
pub(crate) const MASK: &str = "******";

/// Where the secrets of one collection's documents are.
struct Secrets {
    /// The collection, as named in the path.
    collection: &'static str,
    /// Fields whose string value is a secret wherever they appear in the document.
    anywhere: &'static [&'static str],
    /// Fields, wherever they appear, answered as [`MASK`] as a whole when they hold
    /// anything (an object of secrets).
    whole: &'static [&'static str],
    /// Fields that are secrets only at this path from the document's top.
    at_paths: &'static [&'static [&'static str]],
}

/// Every collection with secrets.
const SECRETS: &[Secrets] = &[
    Secrets {
        collection: "connections",
        anywhere: &[
            "password",
            "bearerToken",
            "token",
            "accessToken",
            "refreshToken",
            "tokenId",
            "tokenSecret",
            "clientSecret",
            "consumerSecret",
            "consumerPrivateKey",
            "secret",
            "secretKey",
            "secretAccessKey",
            "apiKey",
            "privateKey",
            "key",
            "passphrase",
            "pgpPassphrase",
            "pgpDecryptKey",
            "authKey",
            "pfx",
            "wallet",
        ],
        whole: &["encrypted"],
        at_paths: &[],
    },
    Secrets {
        collection: "iclients",
        anywhere: &[
            "clientSecret",
            "consumerKey",
            "consumerSecret",
            "secretKey",
            "certId",
            "apiToken",
            "privateKey",
        ],
        whole: &[],
        at_paths: &[],
    },
    Secrets {
        collection: "accesstokens",
        anywhere: &[],
        whole: &[],
        at_paths: &[&["token"]],
    },
    Secrets {
        collection: "stacks",
        anywhere: &["systemToken", "secretAccessKey"],
        whole: &[],
        at_paths: &[],
    },
    Secrets {
        collection: "exports",
        anywhere: &[],
        whole: &[],
        at_paths: &[
            &["webhook", "key"],
            &["webhook", "token"],
            &["webhook", "password"],
        ],
    },
];

/// The rules of a collection, if its documents hold secrets.
fn rules(collection: &str) -> Option<&'static Secrets> {
    SECRETS.iter().find(|s| s.collection == collection)
}

/// A non-empty string: what a secret holds when it is set.
fn is_set_text(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}

/// Set to anything but `null`, `""` or `{}`.
fn is_set(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => true,
    }
}

/// `doc` as an answer shows it: its secrets masked. Borrowed unchanged for
/// collections without secrets.
pub(crate) fn masked<'v>(collection: &str, doc: &'v Value) -> Cow<'v, Value> {
    let Some(rules) = rules(collection) else {
        return Cow::Borrowed(doc);
    };
    let mut copy = doc.clone();
    mask_anywhere(&mut copy, rules);
    for path in rules.at_paths {
        if let Some((last, parents)) = path.split_last() {
            let parent = parents
                .iter()
                .try_fold(&mut copy, |value, key| value.get_mut(*key));
            if let Some(secret) = parent.and_then(|p| p.get_mut(*last)) {
                if is_set_text(secret) {
                    *secret = Value::String(MASK.to_string());
                }
            }
        }
    }
    Cow::Owned(copy)
}

/// Masks the fields named in `anywhere` and `whole`, at any depth.
fn mask_anywhere(value: &mut Value, rules: &Secrets) {
    match value {
        Value::Object(map) => {
            for (field, inner) in map.iter_mut() {
                let field = field.as_str();
                let secret = (rules.whole.contains(&field) && is_set(inner))
                    || (rules.anywhere.contains(&field) && is_set_text(inner));
                if secret {
                    *inner = Value::String(MASK.to_string());
                } else {
                    mask_anywhere(inner, rules);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                mask_anywhere(item, rules);
            }
        }
        _ => {}
    }
}

/// Whether a stored document holds the mask itself in a secret field (a masked read
/// written back): such a credential no longer authenticates.
pub(crate) fn holds_mask(collection: &str, doc: &Value) -> bool {
    match rules(collection) {
        Some(rules) => mask_anywhere_held(doc, rules),
        None => false,
    }
}

/// Whether a field named in `anywhere` or `whole` holds [`MASK`], at any depth.
fn mask_anywhere_held(value: &Value, rules: &Secrets) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(field, inner)| {
            let secret =
                rules.anywhere.contains(&field.as_str()) || rules.whole.contains(&field.as_str());
            (secret && inner.as_str() == Some(MASK)) || mask_anywhere_held(inner, rules)
        }),
        Value::Array(items) => items.iter().any(|item| mask_anywhere_held(item, rules)),
        _ => false,
    }
}
