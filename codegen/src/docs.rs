//! The generated client's documentation, for people reading it.
//!
//! - Each `Client` method keeps progenitor's summary and description, then says its
//!   request (`GET /flows`), where its parameters are set (the builder) and which area
//!   it belongs to; the parameter list moves to the builder's page, and progenitor's
//!   untested `ignore` example goes. The operations users call most get an example
//!   that runs as a doctest against the local sandbox (`codegen/doc-examples/`).
//! - `areas`: one module per spec tag (flows, exports, errors, state, ...) whose page
//!   lists that area's operations, what each does, and the hand-written helpers of the
//!   area, so a reader finds an operation by what it is about rather than in one long
//!   list. (progenitor's separate tag style would instead put each tag's methods in an
//!   extension trait, which every caller would have to import.)
//! - Each type's `builder()` says that it returns another type of the same name and
//!   how that becomes the type.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{parse_quote, Attribute, File, ImplItem, Item};

use crate::spec::{Operation, Spec};

/// Examples that run as doctests, by generated method name. Each is the body of an
/// async function holding `client` (a [`Client`] on a seeded local sandbox) whose
/// errors convert into `Box<dyn Error>`.
const EXAMPLES: &[(&str, &str)] = &[
    ("list_flows", include_str!("../doc-examples/list_flows.rs")),
    (
        "list_integrations",
        include_str!("../doc-examples/list_integrations.rs"),
    ),
    ("get_export", include_str!("../doc-examples/get_export.rs")),
    (
        "update_export",
        include_str!("../doc-examples/update_export.rs"),
    ),
    ("run_flow", include_str!("../doc-examples/run_flow.rs")),
    ("list_jobs", include_str!("../doc-examples/list_jobs.rs")),
    (
        "list_flow_errors",
        include_str!("../doc-examples/list_flow_errors.rs"),
    ),
    (
        "clone_integration",
        include_str!("../doc-examples/clone_integration.rs"),
    ),
    (
        "list_connections",
        include_str!("../doc-examples/list_connections.rs"),
    ),
];

/// The hand-written helpers of an area, by tag: listed on the area's page.
const HELPERS: &[(&str, &str)] = &[
    (
        "flows",
        "- [`Flow::steps`](crate::types::Flow::steps): a flow's exports, lookups and imports \
         in one list, wherever the flow holds them.",
    ),
    (
        "errors",
        "- [`Client::step_errors`](crate::Client::step_errors): list, retry and resolve the \
         errors of one flow step.\n- [`Flow::steps`](crate::types::Flow::steps): the step \
         ids of a flow.",
    ),
    (
        "state",
        "- [`Client::state`](crate::Client::state): the keys as a typed store (`get::<T>`, \
         `set`, `delete`, `keys`), globally or under a resource; a missing key is `Ok(None)`.",
    ),
    (
        "exports",
        "- [`Client::virtual_export_pages`](crate::Client::virtual_export_pages): a paged \
         virtual export as a stream.",
    ),
];

/// Rewrites the docs of the `Client` methods and the operation builders.
pub fn rewrite(file: &mut File, operations: &[Operation]) -> Result<(), String> {
    let by_method: BTreeMap<&str, &Operation> = operations
        .iter()
        .map(|op| (op.rust_name.as_str(), op))
        .collect();
    let mut arguments = BTreeMap::new();
    for item in &mut file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(imp.self_ty.as_ref(), syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        for member in &mut imp.items {
            let ImplItem::Fn(func) = member else { continue };
            let name = func.sig.ident.to_string();
            let Some(op) = by_method.get(name.as_str()) else {
                continue;
            };
            let (about, args) = split(&doc_text(&func.attrs));
            arguments.insert(name.clone(), (op, about.clone(), args));
            func.attrs.retain(|a| !a.path().is_ident("doc"));
            let doc = method_doc(op, &about);
            func.attrs.insert(0, parse_quote!(#[doc = #doc]));
        }
    }
    if arguments.len() != operations.len() {
        return Err(format!(
            "documented {} of {} operations' Client methods; is the pinned progenitor version \
             the one the docs pass was written for?",
            arguments.len(),
            operations.len()
        ));
    }
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "builder" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            let Item::Struct(st) = item else { continue };
            let text = doc_text(&st.attrs);
            let Some(name) = text
                .strip_prefix("Builder for [`Client::")
                .and_then(|rest| rest.split('`').next())
            else {
                continue;
            };
            let Some((op, about, args)) = arguments.get(name) else {
                continue;
            };
            let doc = builder_doc(op, name, about, args);
            st.attrs.retain(|a| !a.path().is_ident("doc"));
            st.attrs.insert(0, parse_quote!(#[doc = #doc]));
        }
    }
    Ok(())
}

/// Documents each type's `builder()`, which returns the type of the same name in
/// `types::builder`: what that is and how it becomes the type.
pub fn builder_fns(file: &mut File) {
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "types" {
            continue;
        }
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        for item in items {
            let Item::Impl(imp) = item else { continue };
            let syn::Type::Path(self_ty) = imp.self_ty.as_ref() else {
                continue;
            };
            let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
                continue;
            };
            for member in &mut imp.items {
                let ImplItem::Fn(func) = member else { continue };
                if func.sig.ident != "builder" || !doc_text(&func.attrs).is_empty() {
                    continue;
                }
                let doc = format!(
                    "A [`builder::{name}`] (another type, of the same name): set fields one by \
                     one, then pass it to an operation's `.body(…)` as it is, or make a \
                     `{name}` with `{name}::try_from(builder)`, which fails on a missing \
                     required field."
                );
                func.attrs.insert(0, parse_quote!(#[doc = #doc]));
            }
        }
    }
}

/// The text of an item's doc attributes, joined.
fn doc_text(attrs: &[Attribute]) -> String {
    let mut out = Vec::new();
    for attr in attrs {
        if let syn::Meta::NameValue(nv) = &attr.meta {
            if nv.path.is_ident("doc") {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    out.push(s.value());
                }
            }
        }
    }
    out.join("\n")
}

/// progenitor's method doc split into what the operation does (summary and
/// description) and its argument list; its `ignore` example is dropped.
fn split(text: &str) -> (String, String) {
    let (about, rest) = text.split_once("Sends a `").unwrap_or((text, ""));
    let args = rest
        .split_once("```")
        .map_or(rest, |(before, _)| before)
        .split_once("Arguments:")
        .map_or("", |(_, args)| args);
    (about.trim().to_string(), args.trim().to_string())
}

/// The builder type's name for an operation's method (`list_flows` → `ListFlows`).
fn builder_name(method: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(method)
}

/// The area module of an operation (its first tag).
fn area_of(op: &Operation) -> String {
    op.tags
        .first()
        .map_or_else(|| "other".to_string(), |t| module_name(t))
}

/// A tag as a module name.
fn module_name(tag: &str) -> String {
    let name = tag.to_snake_case();
    match syn::parse_str::<syn::Ident>(&name) {
        Ok(_) => name,
        Err(_) => format!("{name}_"),
    }
}

/// A `Client` method's doc: the summary, the request, links to the builder (which
/// holds the description and the parameters) and to the area; an example for the
/// operations in [`EXAMPLES`].
fn method_doc(op: &Operation, about: &str) -> String {
    let area = area_of(op);
    let builder = builder_name(&op.rust_name);
    let summary = about.lines().next().unwrap_or_default();
    let mut doc = format!(
        "{summary}\n\n`{} {}`: parameters on [`{builder}`](crate::builder::{builder}), \
         area [`{area}`](crate::areas::{area}).",
        op.method, op.path
    );
    if let Some((_, example)) = EXAMPLES.iter().find(|(name, _)| *name == op.rust_name) {
        doc.push_str("\n\n# Example\n\n");
        doc.push_str(&doctest(example));
    }
    doc
}

/// An example as a doctest: the example's lines shown, the sandbox set-up hidden.
fn doctest(example: &str) -> String {
    let mut out = String::from(
        "```\n# #[tokio::main(flavor = \"current_thread\")]\n\
         # async fn main() -> Result<(), Box<dyn std::error::Error>> {\n\
         # let sandbox = integrator_io_sandbox::Sandbox::builder().seed(true).start().await?;\n\
         # let client = sandbox.client()?;\n",
    );
    out.push_str(example.trim_end());
    out.push_str("\n# Ok(())\n# }\n```");
    out
}

/// An operation builder's doc: what the operation does (summary and description),
/// its request and operationId, and its parameters.
fn builder_doc(op: &Operation, method: &str, about: &str, args: &str) -> String {
    let mut doc = format!(
        "{about}\n\n`{} {}` (`{}`), from [`Client::{method}`](super::Client::{method}): set \
         its parameters, then `.send().await`.",
        op.method, op.path, op.id
    );
    if !args.is_empty() {
        doc.push_str("\n\nParameters:\n");
        doc.push_str(args);
    }
    doc
}

/// `pub mod areas`: one module per tag, its page listing the tag's operations.
pub fn areas_module(spec: &Spec, operations: &[Operation]) -> TokenStream {
    let descriptions: BTreeMap<String, String> = spec
        .raw
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let name = tag.get("name")?.as_str()?;
            let description = tag.get("description").and_then(Value::as_str);
            Some((
                name.to_string(),
                description.unwrap_or_default().to_string(),
            ))
        })
        .collect();
    let mut areas: Vec<(String, String, Vec<&Operation>)> = Vec::new();
    for op in operations {
        let tag = op.tags.first().cloned().unwrap_or_else(|| "other".into());
        match areas.iter_mut().find(|(name, _, _)| *name == tag) {
            Some((_, _, ops)) => ops.push(op),
            None => {
                let description = descriptions.get(&tag).cloned().unwrap_or_default();
                areas.push((tag, description, vec![op]));
            }
        }
    }
    let modules = areas.iter().map(|(tag, description, ops)| {
        let module = format_ident!("{}", module_name(tag));
        let doc = area_doc(tag, description, ops);
        quote! {
            #[doc = #doc]
            pub mod #module {}
        }
    });
    let index: String = areas
        .iter()
        .map(|(tag, description, ops)| {
            let module = module_name(tag);
            format!(
                "| [`{module}`](crate::areas::{module}) | {} | {} |\n",
                ops.len(),
                first_sentence(description)
            )
        })
        .collect();
    let doc = format!(
        "The API by area: one page per part of integrator.io, listing its operations (each a \
         [`Client`](crate::Client) method) and the helpers written for it.\n\n\
         | Area | Operations | About |\n|---|---|---|\n{index}"
    );
    quote! {
        #[doc = #doc]
        pub mod areas {
            #(#modules)*
        }
    }
}

/// The first sentence of a description, for the index.
fn first_sentence(text: &str) -> &str {
    text.split_once(". ").map_or(text, |(first, _)| first)
}

fn area_doc(tag: &str, description: &str, ops: &[&Operation]) -> String {
    let mut doc = match description {
        "" => format!("The {tag} operations.\n\n"),
        text => format!("{text}\n\n"),
    };
    doc.push_str("| Method | Request | What it does |\n|---|---|---|\n");
    for op in ops {
        let name = &op.rust_name;
        let example = if EXAMPLES.iter().any(|(n, _)| n == name) {
            " (example)"
        } else {
            ""
        };
        doc.push_str(&format!(
            "| [`{name}`](crate::Client::{name}) | `{} {}` | {}{example} |\n",
            op.method,
            op.path.replace('|', "\\|"),
            op.summary.replace('|', "\\|")
        ));
    }
    if let Some((_, helpers)) = HELPERS.iter().find(|(t, _)| *t == tag) {
        doc.push_str("\nWritten for this area:\n");
        doc.push_str(helpers);
        doc.push('\n');
    }
    doc
}
