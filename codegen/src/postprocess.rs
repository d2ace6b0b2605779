//! The pass over progenitor's output that makes it safe to use on a production account.
//!
//! - Optional properties become `crate::Nullable<T>` (absent, `null`, or a value), so a
//!   resource read and written back keeps explicit `null`s and empty lists exactly as
//!   received; typify's `Option`/`Vec` fields would drop both.
//! - Structs that keep unknown fields in `extra` get a generated `Deserialize`
//!   ([`crate::deserialize`]) instead of serde's `flatten`, which buffers every record.
//! - Every generated type derives `Eq` beside progenitor's `PartialEq`, unless a field
//!   somewhere is a float.
//! - Structs whose fields are all optional derive `Default`; every struct's builder
//!   starts with an empty `extra` map instead of an error.
//! - The generated `ClientHooks` impl is removed: the crate supplies its own (auth,
//!   headers, the empty-list `204`).
//! - progenitor's `api-version` header, which the API does not document, is not sent.
//! - Every operation builder's `send` checks path ids and header values before anything
//!   is sent and answers the crate's single `Error` type.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::visit_mut::VisitMut;
use syn::{
    parse_quote, Attribute, Expr, Fields, File, GenericArgument, ImplItem, Item, ItemImpl, ItemMod,
    ItemStruct, PathArguments, Stmt, Type,
};

use crate::contract::{
    contract_module, list_request_impls, send_check, struct_fields, Contract, StructFields,
};
use crate::spec::{Body, Operation};

/// Applies every rewrite to progenitor's output.
pub fn rewrite(
    file: &mut File,
    operations: &[Operation],
    extra_types: TokenStream,
) -> Result<(), String> {
    file.items.retain(|item| !is_client_hooks_impl(item));
    let missing = || {
        "progenitor's output has no `types` or `builder` module; \
         is the pinned progenitor version the one this pass was written for?"
            .to_string()
    };
    let types = module_named(file, "types").ok_or_else(missing)?;
    rewrite_types(types, extra_types)?;
    let type_fields = struct_fields(items_mut(types)?);
    let builders = module_named(file, "builder").ok_or_else(missing)?;
    let contracts = rewrite_operation_builders(builders, operations, &type_fields)?;
    let paging: File =
        syn::parse2(list_request_impls(&contracts)).map_err(|e| format!("paging impls: {e}"))?;
    items_mut(builders)?.extend(paging.items);
    let contract: File =
        syn::parse2(contract_module(&contracts)).map_err(|e| format!("contract table: {e}"))?;
    file.items.extend(contract.items);
    let send: File = syn::parse2(send_check(&contracts)).map_err(|e| format!("send check: {e}"))?;
    file.items.extend(send.items);
    Ok(())
}

fn module_named<'f>(file: &'f mut File, name: &str) -> Option<&'f mut ItemMod> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == name => Some(module),
        _ => None,
    })
}

fn is_client_hooks_impl(item: &Item) -> bool {
    matches!(item, Item::Impl(imp) if implements(imp, "ClientHooks"))
}

/// True when `imp` is an impl of the trait named `name` (by its last path segment).
fn implements(imp: &ItemImpl, name: &str) -> bool {
    imp.trait_
        .as_ref()
        .is_some_and(|(_, path, _)| path.segments.last().is_some_and(|s| s.ident == name))
}

fn items_mut(module: &mut ItemMod) -> Result<&mut Vec<Item>, String> {
    module
        .content
        .as_mut()
        .map(|(_, items)| items)
        .ok_or_else(|| format!("module `{}` has no body", module.ident))
}

/// One optional field turned into `Nullable`: its old type (as a key that ignores
/// `super::` prefixes, so it matches in the `builder` module too) and how it was wrapped.
struct Rewritten {
    old: String,
    unwrap_option: bool,
}

impl Rewritten {
    /// The `Nullable` type for `ty`, an occurrence of the old type.
    fn new_type(&self, ty: &Type) -> Option<Type> {
        if self.unwrap_option {
            option_inner(ty).map(|inner| parse_quote!(crate::Nullable<#inner>))
        } else {
            Some(parse_quote!(crate::Nullable<#ty>))
        }
    }
}

pub(crate) fn type_key(ty: &impl ToTokens) -> String {
    ty.to_token_stream().to_string().replace("super :: ", "")
}

fn rewrite_types(module: &mut ItemMod, extra_types: TokenStream) -> Result<(), String> {
    let items = items_mut(module)?;
    // struct name -> field name -> rewrite
    let mut rewrites: BTreeMap<String, BTreeMap<String, Rewritten>> = BTreeMap::new();
    let has_default_impl: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) if implements(imp, "Default") => Some(type_key(&imp.self_ty)),
            _ => None,
        })
        .collect();
    for item in items.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let fields = rewrite_struct_fields(st);
        let all_optional = match &st.fields {
            Fields::Named(named) => named.named.iter().all(|f| {
                let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                fields.contains_key(&name) || is_flattened(&f.attrs)
            }),
            _ => false,
        };
        let name = st.ident.to_string();
        if all_optional && !derives(&st.attrs, "Default") && !has_default_impl.contains(&name) {
            st.attrs.push(parse_quote!(#[derive(Default)]));
        }
        if !fields.is_empty() {
            rewrites.insert(name, fields);
        }
    }
    for item in items.iter_mut() {
        if let Item::Mod(builder) = item {
            if builder.ident == "builder" {
                rewrite_struct_builders(builder, &rewrites)?;
            }
        }
    }
    derive_eq_without_floats(items);
    let deserialize = crate::deserialize::replace_flatten_derives(items)?;
    items.extend(deserialize);
    let extra: syn::File = syn::parse2(extra_types).map_err(|e| format!("open enum code: {e}"))?;
    items.extend(extra.items);
    Ok(())
}

/// Every type derives `Eq` too, unless one of them holds a float (`f32`/`f64` are not
/// `Eq`, and a field's type may be another generated type): then none does, and the
/// build still succeeds when the spec gains a `type: number` property.
fn derive_eq_without_floats(items: &mut [Item]) {
    let has_float = items.iter().any(|item| {
        matches!(item, Item::Struct(st) if st.to_token_stream().into_iter().any(is_float_token))
    });
    if has_float {
        return;
    }
    for item in items.iter_mut() {
        if let Item::Struct(st) = item {
            if derives(&st.attrs, "PartialEq") && !derives(&st.attrs, "Eq") {
                st.attrs.push(parse_quote!(#[derive(Eq)]));
            }
        }
    }
}

fn is_float_token(token: proc_macro2::TokenTree) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(ident) => ident == "f64" || ident == "f32",
        proc_macro2::TokenTree::Group(group) => group.stream().into_iter().any(is_float_token),
        _ => false,
    }
}

fn derives(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.to_token_stream()
                .to_string()
                .split([' ', ',', '(', ')'])
                .any(|t| t == name)
    })
}

fn is_flattened(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten"))
}

/// Rewrites the optional fields of one struct; returns them by name.
fn rewrite_struct_fields(st: &mut ItemStruct) -> BTreeMap<String, Rewritten> {
    let mut out = BTreeMap::new();
    let Fields::Named(named) = &mut st.fields else {
        return out;
    };
    for field in named.named.iter_mut() {
        let Some(serde) = field.attrs.iter().position(|a| a.path().is_ident("serde")) else {
            continue;
        };
        let mut rename = None;
        let mut skip_if = None;
        let _ = field.attrs[serde].parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?);
            } else if meta.path.is_ident("skip_serializing_if") {
                skip_if = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
        let Some(skip_if) = skip_if else { continue };
        let rewritten = Rewritten {
            old: type_key(&field.ty),
            unwrap_option: skip_if.ends_with("Option::is_none"),
        };
        if !rewritten.unwrap_option && !skip_if.ends_with("::is_empty") {
            continue;
        }
        let Some(new) = rewritten.new_type(&field.ty) else {
            continue;
        };
        field.ty = new;
        field.attrs[serde] = match rename {
            Some(r) => {
                parse_quote!(#[serde(rename = #r, default, skip_serializing_if = "crate::Nullable::is_absent")])
            }
            None => {
                parse_quote!(#[serde(default, skip_serializing_if = "crate::Nullable::is_absent")])
            }
        };
        let name = field
            .ident
            .as_ref()
            .map(|i| i.to_string())
            .unwrap_or_default();
        out.insert(name, rewritten);
    }
    out
}

/// The first type argument of a path's last segment, when that segment is named
/// `ident` (any name when `None`): `T` of `Option<T>`, `Result<T, E>`, `TryInto<T>`.
pub(crate) fn first_type_arg(path: &syn::Path, ident: Option<&str>) -> Option<Type> {
    let last = path.segments.last()?;
    if ident.is_some_and(|name| last.ident != name) {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

pub(crate) fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    first_type_arg(&path.path, Some("Option"))
}

/// Replaces every occurrence of a rewritten field's old type with its `Nullable` type.
struct ReplaceType<'a>(&'a Rewritten);

impl VisitMut for ReplaceType<'_> {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if type_key(ty) == self.0.old {
            if let Some(new) = self.0.new_type(ty) {
                *ty = new;
                return;
            }
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

fn rewrite_struct_builders(
    module: &mut ItemMod,
    rewrites: &BTreeMap<String, BTreeMap<String, Rewritten>>,
) -> Result<(), String> {
    for item in items_mut(module)? {
        match item {
            Item::Struct(st) => {
                let Some(fields) = rewrites.get(&st.ident.to_string()) else {
                    continue;
                };
                if let Fields::Named(named) = &mut st.fields {
                    for field in named.named.iter_mut() {
                        let name = field
                            .ident
                            .as_ref()
                            .map(|i| i.to_string())
                            .unwrap_or_default();
                        if let Some(rw) = fields.get(&name) {
                            ReplaceType(rw).visit_type_mut(&mut field.ty);
                        }
                    }
                }
            }
            Item::Impl(imp) => {
                let Type::Path(self_ty) = imp.self_ty.as_ref() else {
                    continue;
                };
                let Some(last) = self_ty.path.segments.last() else {
                    continue;
                };
                // Every builder's `extra` starts empty, whether or not a field of its
                // struct was rewritten (a struct with only required fields has none).
                if implements(imp, "Default") {
                    EmptyDefaults.visit_item_impl_mut(imp);
                    continue;
                }
                let Some(fields) = rewrites.get(&last.ident.to_string()) else {
                    continue;
                };
                for member in imp.items.iter_mut() {
                    let ImplItem::Fn(func) = member else { continue };
                    if let Some(rw) = fields.get(&func.sig.ident.to_string()) {
                        ReplaceType(rw).visit_generics_mut(&mut func.sig.generics);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// In a builder's `Default`, a field that would start as "no value supplied" (the
/// flattened `extra` map) starts empty instead: it is optional.
struct EmptyDefaults;

impl VisitMut for EmptyDefaults {
    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        let is_extra = matches!(&fv.member, syn::Member::Named(i) if i == "extra");
        if is_extra {
            fv.expr = parse_quote!(Ok(Default::default()));
        }
    }
}

fn rewrite_operation_builders(
    module: &mut ItemMod,
    operations: &[Operation],
    type_fields: &StructFields,
) -> Result<Vec<Contract>, String> {
    let mut contracts = Vec::new();
    let builder_fields = struct_fields(items_mut(module)?);
    let by_rust_name: BTreeMap<&str, &Operation> = operations
        .iter()
        .map(|op| (op.rust_name.as_str(), op))
        .collect();
    let mut seen = BTreeSet::new();
    for item in items_mut(module)? {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(index) = imp
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == "send"))
        else {
            continue;
        };
        let body_type = imp.items.iter().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == "body" => body_type_of(&f.sig.generics),
            _ => None,
        });
        let ImplItem::Fn(send) = &mut imp.items[index] else {
            unreachable!()
        };
        let operation_id = operation_id_of(&send.block)
            .ok_or_else(|| format!("no OperationInfo in `{}`'s send", type_key(&imp.self_ty)))?;
        let op = by_rust_name.get(operation_id.as_str()).ok_or_else(|| {
            format!("progenitor generated `{operation_id}`, which the spec does not have")
        })?;
        seen.insert(operation_id.clone());
        RemoveApiVersion.visit_block_mut(&mut send.block);
        DecodeReadBody.visit_block_mut(&mut send.block);
        let syn::ReturnType::Type(_, ret) = &send.sig.output else {
            return Err(format!("`{operation_id}`'s send returns nothing"));
        };
        let ok_type = result_ok_type(ret)
            .ok_or_else(|| format!("`{operation_id}`'s send does not return a Result"))?;
        send.sig.ident = format_ident!("send_generated");
        send.vis = syn::Visibility::Inherited;
        send.attrs.retain(|a| !a.path().is_ident("doc"));
        let Type::Path(builder) = &*imp.self_ty else {
            return Err(format!("`{operation_id}`'s builder is not a named type"));
        };
        let builder = builder
            .path
            .segments
            .last()
            .map(|s| s.ident.clone())
            .ok_or_else(|| format!("`{operation_id}`'s builder is not a named type"))?;
        contracts.push(Contract::new(
            op,
            &builder,
            &ok_type,
            body_type,
            &builder_fields,
            type_fields,
        )?);
        let wrapper = checked_send(op, &ok_type);
        imp.items.push(
            syn::parse2(wrapper).map_err(|e| format!("send wrapper of `{operation_id}`: {e}"))?,
        );
    }
    if let Some(missing) = by_rust_name.keys().find(|k| !seen.contains(**k)) {
        return Err(format!(
            "no builder was generated for operation `{missing}`"
        ));
    }
    Ok(contracts)
}

fn operation_id_of(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
            if e.path.is_ident("OperationInfo") {
                for field in &e.fields {
                    if let (syn::Member::Named(name), Expr::Lit(lit)) = (&field.member, &field.expr)
                    {
                        if let (true, syn::Lit::Str(s)) = (name == "operation_id", &lit.lit) {
                            self.0 = Some(s.value());
                        }
                    }
                }
            }
            syn::visit::visit_expr_struct(self, e);
        }
    }
    let mut find = Find(None);
    syn::visit::Visit::visit_block(&mut find, block);
    find.0
}

/// Drops `header_map.append(... "api-version" ...)`.
struct RemoveApiVersion;

impl VisitMut for RemoveApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| {
            !matches!(stmt, Stmt::Expr(Expr::MethodCall(call), _)
                if call.method == "append" && call.to_token_stream().to_string().contains("\"api-version\""))
        });
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// `ResponseValue::from_response(..)` becomes `crate::response::from_read_body(..)`, which
/// decodes the body the request hook has already read instead of collecting it again.
struct DecodeReadBody;

impl VisitMut for DecodeReadBody {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let Expr::Path(path) = &*call.func {
            let mut names = path.path.segments.iter().rev().map(|s| s.ident.to_string());
            if names.next().as_deref() == Some("from_response")
                && names.next().as_deref() == Some("ResponseValue")
            {
                *call.func = parse_quote!(crate::response::from_read_body);
            }
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

fn result_ok_type(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    first_type_arg(&path.path, None)
}

/// The public `send`: checks, then the generated request, then the crate's error type.
fn checked_send(op: &Operation, ok_type: &Type) -> TokenStream {
    let constant = format_ident!("{}", op.rust_name.to_uppercase());
    let path_checks = op.params_in("path").map(|p| {
        let field = format_ident!("{}", p.rust_name);
        let name = &p.name;
        quote! {
            if let ::std::result::Result::Ok(value) = &self.#field {
                crate::request_checks::path_segment(OPERATION, #name, &value.to_string())?;
            }
        }
    });
    let header_checks = op.params_in("header").map(|p| {
        let field = format_ident!("{}", p.rust_name);
        let name = &p.name;
        if p.required {
            quote! {
                if let ::std::result::Result::Ok(value) = &self.#field {
                    crate::request_checks::header_value(OPERATION, #name, &value.to_string())?;
                }
            }
        } else {
            quote! {
                if let ::std::result::Result::Ok(::std::option::Option::Some(value)) = &self.#field {
                    crate::request_checks::header_value(OPERATION, #name, &value.to_string())?;
                }
            }
        }
    });
    let text = matches!(op.primary_success(), Some((_, Body::Other(_))));
    let (ret, finish) = if text {
        (
            quote!(ResponseValue<::std::string::String>),
            quote!(crate::response::finish_text),
        )
    } else {
        (quote!(#ok_type), quote!(crate::response::finish))
    };
    let doc = format!(
        "Sends `{} {}` ({}).\n\nPath ids and header values are checked before anything is sent; \
         every failure is an [`Error`](crate::Error).",
        op.method, op.path, op.id
    );
    quote! {
        #[doc = #doc]
        pub async fn send(self) -> ::std::result::Result<#ret, crate::Error> {
            const OPERATION: &crate::Operation = &super::operations::#constant;
            #(#path_checks)*
            #(#header_checks)*
            #finish(OPERATION, self.send_generated().await).await
        }
    }
}

/// The table of operations: one `crate::Operation` constant each, and a lookup by the
/// generated method name.
pub fn operations_module(operations: &[Operation]) -> TokenStream {
    let constants = operations.iter().map(|op| {
        let constant = format_ident!("{}", op.rust_name.to_uppercase());
        let (id, rust_name, method, path, summary) =
            (&op.id, &op.rust_name, &op.method, &op.path, &op.summary);
        let success = op.success_code().unwrap_or(200);
        let empty = op.empty_list_as_204();
        let json = matches!(op.primary_success(), Some((_, Body::Json { .. })));
        let tag = op.tags.first().cloned().unwrap_or_default();
        let doc = format!("`{method} {path}`: {summary}");
        quote! {
            #[doc = #doc]
            pub const #constant: crate::Operation = crate::Operation {
                id: #id,
                method_name: #rust_name,
                method: #method,
                path: #path,
                tag: #tag,
                success_status: #success,
                empty_list_as_204: #empty,
                answers_json: #json,
            };
        }
    });
    let arms = operations.iter().map(|op| {
        let constant = format_ident!("{}", op.rust_name.to_uppercase());
        let name = &op.rust_name;
        quote!(#name => ::std::option::Option::Some(&#constant),)
    });
    let all = operations
        .iter()
        .map(|op| format_ident!("{}", op.rust_name.to_uppercase()));
    quote! {
        /// Every operation of the spec, as data: id, method, path template, success status.
        pub mod operations {
            #(#constants)*

            /// All operations, in the spec's order.
            pub const ALL: &[&crate::Operation] = &[#(&#all),*];

            /// The operation behind a generated method name (`list_exports`).
            pub fn by_method_name(name: &str) -> ::std::option::Option<&'static crate::Operation> {
                match name {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            }
        }
    }
}

/// The `T` of a builder's `fn body<V: TryInto<T>>`.
fn body_type_of(generics: &syn::Generics) -> Option<Type> {
    let clause = generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(pt) = p else {
            return None;
        };
        if type_key(&pt.bounded_ty) != "V" {
            return None;
        }
        pt.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            first_type_arg(&t.path, Some("TryInto"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq_derived(code: &str) -> Vec<bool> {
        let mut file: File = syn::parse_str(code).unwrap();
        derive_eq_without_floats(&mut file.items);
        file.items
            .iter()
            .filter_map(|item| match item {
                Item::Struct(st) => Some(derives(&st.attrs, "Eq")),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn eq_is_derived_unless_a_field_is_a_float() {
        let without = "#[derive(PartialEq)] struct A { a: Option<String> }
                       #[derive(PartialEq)] struct B(pub Vec<A>);";
        assert_eq!(eq_derived(without), [true, true]);
        let with = "#[derive(PartialEq)] struct A { a: Option<String> }
                    #[derive(PartialEq)] struct B { b: crate::Nullable<Vec<f64>> }";
        assert_eq!(eq_derived(with), [false, false]);
    }
}
