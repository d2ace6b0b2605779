//! The typed httpmock helpers (the `integrator-io-mock` crate): progenitor's
//! `Generator::httpmock` output, rewritten so that what the helpers match is what the
//! client sends.
//!
//! - Paths: progenitor anchors each operation's path template (`^/exports/[^/]*$`), but
//!   the client's base URL carries the API's path prefix (`https://api.integrator.io/v1`),
//!   so a client pointed at `server.url("/v1")` requests `/v1/exports/…` and would never
//!   match. Every path matcher is prefixed with [`MOCK_BASE_PATH`].
//! - Path parameters: the value is regex-escaped before it goes into the matcher.
//! - Query parameters: progenitor matches `value.to_string()` (a `DateTime<Utc>` gives
//!   `2024-01-01 00:00:00 UTC`) while the client serializes with serde
//!   (`2024-01-01T00:00:00Z`); the helpers use the client's serde form.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Expr, Token};

use crate::{lint, open_enum, quietly, settings, view, GenerateError, Spec};

/// The path prefix of the API's base URL (`https://api.integrator.io/v1`) that every mock
/// matcher starts with; point the client at `server.url(MOCK_BASE_PATH)`.
pub const MOCK_BASE_PATH: &str = "/v1";

/// The crate the helpers name the client's types from.
const CLIENT_CRATE: &str = "integrator_io";

/// Checks the spec and generates the typed httpmock helpers, formatted; the code is
/// meant to be included by the `integrator-io-mock` crate (it names the client's types
/// as `integrator_io::types::…`).
pub fn generate_mock(spec: &Spec) -> Result<String, GenerateError> {
    let report = lint::check(spec);
    if !report.is_clean() {
        return Err(GenerateError::Lint(report));
    }
    let view = view::generation_view(spec).map_err(GenerateError::Progenitor)?;
    let settings = settings(&open_enum::collect(spec));
    let tokens =
        quietly(|| progenitor_impl::Generator::new(&settings).httpmock(&view, CLIENT_CRATE))
            .map_err(GenerateError::Progenitor)?
            .map_err(|e| GenerateError::Progenitor(e.to_string()))?;
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| GenerateError::Rewrite(e.to_string()))?;
    rewrite(&mut file).map_err(GenerateError::Rewrite)?;
    Ok(prettyplease::unparse(&file))
}

/// Applies the mock rewrites and adds the support items they use.
pub fn rewrite(file: &mut syn::File) -> Result<(), String> {
    let mut pass = MockPass::default();
    pass.visit_file_mut(file);
    if let Some(e) = pass.error {
        return Err(e);
    }
    if pass.paths == 0 || pass.thens == 0 {
        return Err(
            "progenitor's httpmock output has no path matcher; is the pinned progenitor version \
             the one this pass was written for?"
                .into(),
        );
    }
    let support: syn::File =
        syn::parse2(support(MOCK_BASE_PATH)).map_err(|e| format!("mock support items: {e}"))?;
    let mut items = support.items;
    items.append(&mut file.items);
    file.items = items;
    Ok(())
}

fn support(base: &str) -> TokenStream {
    quote! {
        /// The path prefix of the API's base URL that every typed matcher expects: point
        /// the client at `server.url(BASE_PATH)`.
        pub const BASE_PATH: &str = #base;

        /// A query parameter's value as the client sends it (serde's form: a
        /// `DateTime<Utc>` is `2024-01-01T00:00:00Z`, an enum its wire name).
        #[doc(hidden)]
        pub fn query_value<T: ::serde::Serialize + ?Sized>(value: &T) -> ::std::string::String {
            match ::serde_json::to_value(value) {
                ::std::result::Result::Ok(::serde_json::Value::String(s)) => s,
                ::std::result::Result::Ok(other) => other.to_string(),
                ::std::result::Result::Err(e) => panic!("a query value that cannot be serialized: {e}"),
            }
        }
    }
}

/// The regex form of `text`: every regex metacharacter escaped.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[derive(Default)]
struct MockPass {
    paths: usize,
    thens: usize,
    error: Option<String>,
}

impl MockPass {
    /// `"^/exports/…"` → `"^/v1/exports/…"`.
    fn prefix(&mut self, lit: &mut syn::LitStr) {
        let value = lit.value();
        if let Some(rest) = value.strip_prefix("^/") {
            let prefixed = format!("^{}/{rest}", regex_escape(MOCK_BASE_PATH));
            *lit = syn::LitStr::new(&prefixed, lit.span());
            self.paths += 1;
        }
    }
}

fn is_method(call: &syn::ExprMethodCall, name: &str) -> bool {
    call.method == name
}

fn is_value_to_string(expr: &Expr) -> bool {
    matches!(expr, Expr::MethodCall(c) if c.method == "to_string"
        && c.args.is_empty()
        && matches!(&*c.receiver, Expr::Path(p) if p.path.is_ident("value")))
}

/// The `Then` helpers progenitor cannot generate here: the generation view leaves the
/// error responses out, so every operation gets `error(status, code, message)` answering
/// the API's documented error envelope.
fn then_extras() -> Vec<syn::ImplItem> {
    vec![parse_quote! {
        /// Answers `status` with the API's error envelope
        /// `{"errors": [{"code": code, "message": message}]}`; the client answers an
        /// [`Error`](integrator_io::Error) whose `status()` and `api_error()` carry them
        /// (`Error::Api`, or `Unauthorized` for 401 and `RateLimited` for 429).
        pub fn error(self, status: u16, code: &str, message: &str) -> Self {
            Self(
                self.0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body(::serde_json::json!({
                        "errors": [{ "code": code, "message": message }]
                    })),
            )
        }
    }]
}

impl VisitMut for MockPass {
    fn visit_item_impl_mut(&mut self, imp: &mut syn::ItemImpl) {
        let is_then = imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident.to_string().ends_with("Then")));
        if is_then {
            self.thens += 1;
            imp.items.extend(then_extras());
        }
        syn::visit_mut::visit_item_impl_mut(self, imp);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if is_method(call, "query_param")
            && call.args.len() == 2
            && is_value_to_string(&call.args[1])
        {
            call.args[1] = parse_quote!(super::query_value(&value));
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        // regex::Regex::new("^/exports$")
        let is_regex_new = matches!(&*call.func, Expr::Path(p)
            if p.path.segments.len() >= 2
                && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "Regex")
                && p.path.segments.last().is_some_and(|s| s.ident == "new"));
        if is_regex_new {
            if let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            })) = call.args.first_mut()
            {
                self.prefix(lit);
            }
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // format!("^/exports/{}$", value.to_string()) in a path parameter's matcher
        if !mac.path.is_ident("format") {
            return;
        }
        let parsed = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated);
        let Ok(mut args) = parsed else {
            self.error = Some(format!(
                "a format! the mock pass cannot read: {}",
                mac.tokens
            ));
            return;
        };
        let mut changed = false;
        if let Some(Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(lit),
            ..
        })) = args.first_mut()
        {
            if lit.value().starts_with("^/") {
                self.prefix(lit);
                changed = true;
            }
        }
        if changed {
            for arg in args.iter_mut().skip(1) {
                if is_value_to_string(arg) {
                    *arg = parse_quote!(::regex::escape(&value.to_string()));
                }
            }
            mac.tokens = args.to_token_stream();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_regex_metacharacters() {
        assert_eq!(regex_escape("/v1"), "/v1");
        assert_eq!(regex_escape("/a.b"), "/a\\.b");
    }
}
