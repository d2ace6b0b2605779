//! The public surface of the generated client: only what a user can call, documented
//! for users.
//!
//! - `Client`'s doc comment is the crate's own: progenitor copies the spec's
//!   `info.description` into it, and that text holds the spec maintainers' notes.
//! - `Client::new` goes (it would build its own `reqwest::Client`, without the crate's
//!   TLS backend and timeouts) and `Client::new_with_client` becomes `pub(crate)`: both
//!   take the crate's internal context; users build a client with `Client::builder()`.
//! - Every operation builder's `new` becomes `pub(crate)`: a builder comes from its
//!   `Client` method (`client.get_export()`).

use syn::{parse_quote, File, ImplItem, Item, ItemMod, Visibility};

/// The doc comment of the generated `Client`.
const CLIENT_DOC: &str = "The typed integrator.io client: one method per operation of the API, \
each returning a builder; set its parameters, then `.send().await`.\n\n\
Build one with [`Client::builder`] or [`Client::from_env`]. Cloning is cheap and shares the \
connection pool and the rate limiter.\n\n\
The operations by area (flows, exports, errors, state, ...), with what each does: \
[`areas`](crate::areas). Each method below links to its builder, which documents the \
operation and its parameters.";

/// Applies the surface rewrites to the generated file.
pub fn restrict(file: &mut File) -> Result<(), String> {
    let mut client_doc = false;
    let mut constructors = 0;
    for item in &mut file.items {
        match item {
            Item::Struct(st) if st.ident == "Client" => {
                st.attrs.retain(|a| !a.path().is_ident("doc"));
                st.attrs.insert(0, parse_quote!(#[doc = #CLIENT_DOC]));
                client_doc = true;
            }
            Item::Impl(imp) if imp.trait_.is_none() && self_type_is(&imp.self_ty, "Client") => {
                let before = imp.items.len();
                imp.items
                    .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
                constructors += before - imp.items.len();
                constructors += crate_private(&mut imp.items, &["new_with_client"]);
            }
            Item::Mod(module) if module.ident == "builder" => {
                builders_new_crate_private(module);
            }
            _ => {}
        }
    }
    if !client_doc || constructors != 2 {
        return Err(
            "progenitor's output has no `Client` struct with `new` and `new_with_client`; \
             is the pinned progenitor version the one this pass was written for?"
                .into(),
        );
    }
    Ok(())
}

fn self_type_is(ty: &syn::Type, name: &str) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// Makes the named methods `pub(crate)`; answers how many it changed.
fn crate_private(items: &mut [ImplItem], names: &[&str]) -> usize {
    let mut changed = 0;
    for item in items {
        if let ImplItem::Fn(f) = item {
            if names.iter().any(|n| f.sig.ident == n) {
                f.vis = parse_quote!(pub(crate));
                changed += 1;
            }
        }
    }
    changed
}

/// `pub fn new(client: &'a super::Client)` of every operation builder → `pub(crate)`.
fn builders_new_crate_private(module: &mut ItemMod) {
    let Some((_, items)) = &mut module.content else {
        return;
    };
    for item in items {
        if let Item::Impl(imp) = item {
            if imp.trait_.is_none() {
                for inner in &mut imp.items {
                    if let ImplItem::Fn(f) = inner {
                        if f.sig.ident == "new" && matches!(f.vis, Visibility::Public(_)) {
                            f.vis = parse_quote!(pub(crate));
                        }
                    }
                }
            }
        }
    }
}
