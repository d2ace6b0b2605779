//! The kinds of resource a tree holds, where their files go, and how one resource is
//! named across accounts ([`Key`]).

use std::fmt;

/// A kind of resource an integration is made of.
///
/// The order of [`Kind::ALL`] is the order `apply` creates and updates in: what is
/// referred to before what refers to it (connections, then scripts, lookup caches and
/// file definitions, then exports and imports, then flows, then the integration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `/connections`: matched by name or a connection map; credentials never copied.
    Connection,
    /// `/scripts`: the JavaScript hooks, filters and transforms call (`_scriptId`).
    Script,
    /// `/lookupcaches`: the cache's settings; its entries are data and stay in the
    /// account (`_lookupCacheId`).
    LookupCache,
    /// `/filedefinitions`.
    FileDefinition,
    /// `/exports` (sources, lookups).
    Export,
    /// `/imports`.
    Import,
    /// `/flows`.
    Flow,
    /// `/integrations`: one per tree, in `integration.json`.
    Integration,
}

impl Kind {
    /// Every kind, in dependency order.
    pub const ALL: [Kind; 8] = [
        Kind::Connection,
        Kind::Script,
        Kind::LookupCache,
        Kind::FileDefinition,
        Kind::Export,
        Kind::Import,
        Kind::Flow,
        Kind::Integration,
    ];

    /// The directory of the kind's files in a tree, which is also the API's collection
    /// name (`exports`); the integration's single file sits at the top.
    pub fn dir(self) -> &'static str {
        match self {
            Kind::Connection => "connections",
            Kind::Script => "scripts",
            Kind::LookupCache => "lookupcaches",
            Kind::FileDefinition => "filedefinitions",
            Kind::Export => "exports",
            Kind::Import => "imports",
            Kind::Flow => "flows",
            Kind::Integration => "integration",
        }
    }

    /// The kind whose directory (or, for the integration, reference) is `dir`.
    pub fn from_dir(dir: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.dir() == dir)
    }

    /// The rank in dependency order: connections (0) to flows (3), integration (4);
    /// scripts, lookup caches and file definitions share a rank, as do exports and
    /// imports.
    pub fn rank(self) -> u8 {
        match self {
            Kind::Connection => 0,
            Kind::Script | Kind::LookupCache | Kind::FileDefinition => 1,
            Kind::Export | Kind::Import => 2,
            Kind::Flow => 3,
            Kind::Integration => 4,
        }
    }

    /// One of the kind, for messages (`export`).
    pub fn singular(self) -> &'static str {
        match self {
            Kind::Connection => "connection",
            Kind::Script => "script",
            Kind::LookupCache => "lookup cache",
            Kind::FileDefinition => "file definition",
            Kind::Export => "export",
            Kind::Import => "import",
            Kind::Flow => "flow",
            Kind::Integration => "integration",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dir())
    }
}

/// A resource's identity in a tree, the same in every account: its kind and alias
/// (the file stem, made from its name). Written `exports/shopify-orders`; the
/// integration is `integration`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The kind.
    pub kind: Kind,
    /// The alias: lower-case letters, digits and `-`, unique within the kind. Empty for
    /// the integration.
    pub alias: String,
}

impl Key {
    /// The integration's key.
    pub fn integration() -> Key {
        Key {
            kind: Kind::Integration,
            alias: String::new(),
        }
    }

    /// A key of `kind` with `alias`.
    pub fn new(kind: Kind, alias: impl Into<String>) -> Key {
        Key {
            kind,
            alias: alias.into(),
        }
    }

    /// Reads `exports/shopify-orders` or `integration`.
    pub fn parse(text: &str) -> Option<Key> {
        if text == Kind::Integration.dir() {
            return Some(Key::integration());
        }
        let (dir, alias) = text.split_once('/')?;
        let kind = Kind::from_dir(dir).filter(|k| *k != Kind::Integration)?;
        (!alias.is_empty() && is_alias(alias)).then(|| Key::new(kind, alias))
    }

    /// The file holding the resource, relative to the tree's root
    /// (`exports/shopify-orders.json`, `integration.json`).
    pub fn file(&self) -> String {
        format!("{self}.json")
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Integration => f.write_str(Kind::Integration.dir()),
            kind => write!(f, "{}/{}", kind.dir(), self.alias),
        }
    }
}

/// Whether `text` is a well-formed alias.
pub fn is_alias(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The alias a name gives: lower-case ASCII letters and digits, every other run of
/// characters one `-` (`"Shopify orders → NetSuite"` is `shopify-orders-netsuite`);
/// `unnamed` when nothing is left.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("unnamed");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_keys() {
        assert_eq!(slug("Shopify orders → NetSuite"), "shopify-orders-netsuite");
        assert_eq!(slug("  --- "), "unnamed");
        let key = Key::parse("exports/shopify-orders").unwrap();
        assert_eq!(key, Key::new(Kind::Export, "shopify-orders"));
        assert_eq!(key.file(), "exports/shopify-orders.json");
        assert_eq!(Key::parse("integration"), Some(Key::integration()));
        assert_eq!(Key::integration().file(), "integration.json");
        assert_eq!(Key::parse("exports/Bad"), None);
        assert_eq!(Key::parse("widgets/a"), None);
        assert_eq!(
            Key::parse("lookupcaches/countries"),
            Some(Key::new(Kind::LookupCache, "countries"))
        );
        assert_eq!(
            Key::new(Kind::Script, "tag-order").file(),
            "scripts/tag-order.json"
        );
        for pair in Kind::ALL.windows(2) {
            assert!(pair[0].rank() <= pair[1].rank(), "{pair:?}");
        }
        assert_eq!(Key::parse("integration/a"), None);
    }
}
