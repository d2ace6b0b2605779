//! A hand-rolled `Deserialize` for every generated struct that keeps unknown fields.
//!
//! progenitor derives `Deserialize` and keeps unknown fields with
//! `#[serde(flatten)] extra: serde_json::Map<..>`. serde implements `flatten` by first
//! buffering the whole object into its private `Content` tree and then deserializing
//! from that buffer, so every record is decoded twice. This pass drops the derive for
//! those structs and generates a map visitor instead:
//!
//! - a known key (after its `rename`) is deserialized straight into its typed field;
//! - an unknown key goes into `extra`, a `crate::Extra`, as the value's JSON text read
//!   straight from the deserializer (serde_json's `raw_value`), parsed into a
//!   `serde_json::Value` only when the map is first read; so the unknown fields, most of
//!   a typical record, cost a scan and a copy instead of a tree of allocations;
//! - a field with `#[serde(default)]` (every `Nullable`) that is missing takes its
//!   default (`Nullable::Absent`); a missing required field is a `missing_field` error,
//!   except an `Option` one, which is `None` as serde's derive has it;
//! - a known key given twice is a `duplicate_field` error, as with the derive; an unknown
//!   key given twice keeps its last value, as the flattened map did.
//!
//! `Serialize` and `JsonSchema` stay derived (they read the same `serde` attributes), so
//! the output is byte-identical to before.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Attribute, Fields, Item, ItemStruct, Path, Token, Type};

/// One field of a struct, as the visitor sees it.
struct FieldInfo {
    ident: syn::Ident,
    ty: Type,
    wire: String,
    default: bool,
}

/// A struct's typed fields and its flattened map's name.
type Shape = (Vec<FieldInfo>, syn::Ident);

/// Replaces the derived `Deserialize` of every struct with a flattened `extra` map by a
/// generated one; returns the generated impls, to be added to the module.
pub fn replace_flatten_derives(items: &mut [Item]) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    for item in items.iter_mut() {
        let Item::Struct(st) = item else { continue };
        let Some(shape) = flattened_struct(st)? else {
            continue;
        };
        if !remove_derive(&mut st.attrs, "Deserialize")? {
            continue;
        }
        set_extra_type(st, &shape.1);
        names.insert(st.ident.to_string());
        let code = deserialize_impl(&st.ident, &shape);
        let file: syn::File =
            syn::parse2(code).map_err(|e| format!("Deserialize of `{}`: {e}", st.ident))?;
        out.extend(file.items);
    }
    for item in items.iter_mut() {
        if let Item::Mod(module) = item {
            if module.ident == "builder" {
                if let Some((_, builder_items)) = module.content.as_mut() {
                    rewrite_builders(builder_items, &names);
                }
            }
        }
    }
    Ok(out)
}

/// The flattened map becomes `crate::Extra` (same `serde_json::Map` API through `Deref`,
/// kept as JSON text until read).
fn set_extra_type(st: &mut ItemStruct, extra: &syn::Ident) {
    if let Fields::Named(named) = &mut st.fields {
        for field in named.named.iter_mut() {
            if field.ident.as_ref() == Some(extra) {
                field.ty = parse_quote!(crate::Extra);
            }
        }
    }
}

/// In the struct builders of `names`, the `extra` field and setter take `crate::Extra`
/// (which converts from a `serde_json::Map`).
fn rewrite_builders(items: &mut [Item], names: &BTreeSet<String>) {
    let map: Type = parse_quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>);
    let mut replace = ReplaceMap(crate::postprocess::type_key(&map));
    for item in items.iter_mut() {
        match item {
            Item::Struct(st) if names.contains(&st.ident.to_string()) => {
                if let Fields::Named(named) = &mut st.fields {
                    for field in named.named.iter_mut() {
                        if field.ident.as_ref().is_some_and(|i| i == "extra") {
                            replace.visit_type_mut(&mut field.ty);
                        }
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let name = crate::postprocess::type_key(&imp.self_ty);
                if !names.contains(&name) {
                    continue;
                }
                for member in imp.items.iter_mut() {
                    if let syn::ImplItem::Fn(func) = member {
                        if func.sig.ident == "extra" {
                            replace.visit_generics_mut(&mut func.sig.generics);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

struct ReplaceMap(String);

impl VisitMut for ReplaceMap {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if crate::postprocess::type_key(ty) == self.0 {
            *ty = parse_quote!(crate::Extra);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }
}

/// The struct's typed fields and the name of its flattened map, when it has one (and
/// nothing else this pass does not understand).
fn flattened_struct(st: &ItemStruct) -> Result<Option<Shape>, String> {
    let Fields::Named(named) = &st.fields else {
        return Ok(None);
    };
    if st.attrs.iter().any(|a| a.path().is_ident("serde")) {
        // Container attributes (`transparent`, `tag`, ...): leave the derive alone.
        return Ok(None);
    }
    let mut fields = Vec::new();
    let mut extra = None;
    for field in &named.named {
        let ident = field
            .ident
            .clone()
            .ok_or_else(|| format!("`{}` has an unnamed field", st.ident))?;
        let mut rename = None;
        let mut default = false;
        let mut flatten = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
                } else if meta.path.is_ident("default") {
                    if meta.input.peek(Token![=]) {
                        return Err(meta.error("`default = ..` is not handled"));
                    }
                    default = true;
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else if meta.path.is_ident("skip_serializing_if") {
                    meta.value()?.parse::<syn::LitStr>()?;
                } else {
                    return Err(meta.error("unexpected serde field attribute"));
                }
                Ok(())
            })
            .map_err(|e| format!("`{}::{ident}`: {e}", st.ident))?;
        }
        if flatten {
            if extra.is_some() {
                return Err(format!("`{}` has two flattened fields", st.ident));
            }
            extra = Some(ident);
        } else {
            let wire = rename.unwrap_or_else(|| ident.unraw().to_string());
            fields.push(FieldInfo {
                ident,
                ty: field.ty.clone(),
                wire,
                default,
            });
        }
    }
    Ok(extra.map(|extra| (fields, extra)))
}

/// Removes `name` from the item's `#[derive(..)]` lists; true when it was there.
fn remove_derive(attrs: &mut Vec<Attribute>, name: &str) -> Result<bool, String> {
    let mut found = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let paths = attr
            .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("derive list: {e}"))?;
        let before = paths.len();
        let kept: Punctuated<Path, Token![,]> = paths
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        if kept.len() != before {
            found = true;
            *attr = parse_quote!(#[derive(#kept)]);
        }
    }
    attrs.retain(|a| {
        !(a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(list) if list.tokens.is_empty()))
    });
    Ok(found)
}

/// `Option<..>`-typed: serde's derive takes a missing one as `None`.
fn is_option(ty: &Type) -> bool {
    crate::postprocess::option_inner(ty).is_some()
}

fn deserialize_impl(name: &syn::Ident, (fields, extra): &Shape) -> TokenStream {
    let expecting = format!("struct {name}");
    let variants: Vec<syn::Ident> = (0..fields.len()).map(|i| format_ident!("F{i}")).collect();
    let wires: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    let locals: Vec<syn::Ident> = (0..fields.len()).map(|i| format_ident!("f{i}")).collect();
    let types: Vec<&Type> = fields.iter().map(|f| &f.ty).collect();
    let idents: Vec<&syn::Ident> = fields.iter().map(|f| &f.ident).collect();
    let finish = fields.iter().zip(&locals).map(|(f, local)| {
        let wire = &f.wire;
        if f.default {
            quote!(#local.unwrap_or_default())
        } else if is_option(&f.ty) {
            quote!(#local.unwrap_or(::std::option::Option::None))
        } else {
            quote! {
                match #local {
                    ::std::option::Option::Some(value) => value,
                    ::std::option::Option::None => {
                        return ::std::result::Result::Err(
                            <A::Error as ::serde::de::Error>::missing_field(#wire),
                        )
                    }
                }
            }
        }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                enum __Key {
                    #(#variants,)*
                    Other(::std::string::String),
                }
                fn __known(key: &str) -> ::std::option::Option<__Key> {
                    match key {
                        #(#wires => ::std::option::Option::Some(__Key::#variants),)*
                        _ => ::std::option::Option::None,
                    }
                }
                impl<'de> ::serde::Deserialize<'de> for __Key {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        struct __KeyVisitor;
                        impl<'de> ::serde::de::Visitor<'de> for __KeyVisitor {
                            type Value = __Key;
                            fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                                f.write_str("field identifier")
                            }
                            fn visit_str<E>(self, key: &str) -> ::std::result::Result<__Key, E>
                            where
                                E: ::serde::de::Error,
                            {
                                ::std::result::Result::Ok(
                                    __known(key).unwrap_or_else(|| __Key::Other(key.to_owned())),
                                )
                            }
                            fn visit_string<E>(self, key: ::std::string::String) -> ::std::result::Result<__Key, E>
                            where
                                E: ::serde::de::Error,
                            {
                                ::std::result::Result::Ok(match __known(&key) {
                                    ::std::option::Option::Some(known) => known,
                                    ::std::option::Option::None => __Key::Other(key),
                                })
                            }
                        }
                        deserializer.deserialize_identifier(__KeyVisitor)
                    }
                }
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<#name, A::Error>
                    where
                        A: ::serde::de::MapAccess<'de>,
                    {
                        #(let mut #locals: ::std::option::Option<#types> = ::std::option::Option::None;)*
                        let mut extra = crate::extra::ExtraBuilder::default();
                        while let ::std::option::Option::Some(key) = map.next_key::<__Key>()? {
                            match key {
                                #(
                                    __Key::#variants => {
                                        if #locals.is_some() {
                                            return ::std::result::Result::Err(
                                                <A::Error as ::serde::de::Error>::duplicate_field(#wires),
                                            );
                                        }
                                        #locals = ::std::option::Option::Some(map.next_value::<#types>()?);
                                    }
                                )*
                                __Key::Other(key) => extra.next_value(key, &mut map)?,
                            }
                        }
                        ::std::result::Result::Ok(#name {
                            #(#idents: #finish,)*
                            #extra: extra.finish(),
                        })
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}
