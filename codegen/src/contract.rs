//! What the post-pass emits from each operation's builder, beyond the builder itself:
//!
//! - the hidden `__contract` module: per operation, decode/encode payloads through its
//!   types, and send a request described as JSON through its builder (the contract tests
//!   and the sandbox tests drive all operations through it);
//! - `crate::paging::ListRequest` impls for the list builders, so every list answers a
//!   `Stream` of items.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{parse_quote, Fields, Item, Type};

use crate::postprocess::{first_type_arg, option_inner, type_key};
use crate::spec::{Body, Operation};

/// One parameter of an operation's builder: wire name, setter, value type.
pub(crate) struct Param {
    wire: String,
    setter: String,
    ty: Type,
}

/// The Rust types an operation exchanges.
pub(crate) struct Contract {
    rust_name: String,
    response: Option<Type>,
    body: Option<Type>,
    params: Vec<Param>,
    builder: syn::Ident,
    page: Option<Page>,
}

/// How a list operation's answers chain into a stream of items.
struct Page {
    /// The item type (in the `builder` module's scope).
    item: Type,
    /// `Some(field)` when the page is an object whose `field` holds the items and whose
    /// `nextPageURL` points at the next page; `None` for a bare array.
    object_field: Option<syn::Ident>,
    /// The item has a `created_at` field and the operation a `createdAt_lte` filter: it
    /// pages back in time when the answer carries no `Link`.
    by_time: bool,
    /// The operation has a `skip` parameter (to page past items that share an instant).
    skip: bool,
    /// The header parameters (wire name, builder field, required), which every later
    /// page carries as the first did.
    headers: Vec<(String, syn::Ident, bool)>,
}

/// The fields of every struct in a module, by struct name.
pub(crate) type StructFields = BTreeMap<String, BTreeMap<String, Type>>;

/// Collects `struct name -> field name -> type` for the structs among `items`.
pub(crate) fn struct_fields(items: &[Item]) -> StructFields {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(st) => Some(st),
            _ => None,
        })
        .map(|st| {
            let fields = match &st.fields {
                Fields::Named(named) => named
                    .named
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), f.ty.clone())))
                    .collect(),
                _ => BTreeMap::new(),
            };
            (st.ident.to_string(), fields)
        })
        .collect()
}

impl Contract {
    /// Describes `op`'s builder `builder`, whose public `send` answers `ok_type`
    /// (`ResponseValue<T>`). `builders` holds the builder module's structs and `types`
    /// the types module's.
    pub(crate) fn new(
        op: &Operation,
        builder: &syn::Ident,
        ok_type: &Type,
        body: Option<Type>,
        builders: &StructFields,
        types: &StructFields,
    ) -> Result<Contract, String> {
        let fields = builders
            .get(&builder.to_string())
            .ok_or_else(|| format!("no builder struct `{builder}`"))?;
        let params = op
            .params
            .iter()
            .map(|p| {
                let field = fields.get(&p.rust_name).ok_or_else(|| {
                    format!(
                        "builder `{builder}` has no field for parameter `{}`",
                        p.name
                    )
                })?;
                // `Result<T, String>` where `T` is `Option<X>` when the parameter is optional.
                let Type::Path(path) = field else {
                    return Err(format!("`{builder}.{}` is not a Result", p.rust_name));
                };
                let held = first_type_arg(&path.path, Some("Result"))
                    .ok_or_else(|| format!("`{builder}.{}` is not a Result", p.rust_name))?;
                Ok(Param {
                    wire: p.name.clone(),
                    setter: p.rust_name.clone(),
                    ty: option_inner(&held).unwrap_or(held),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let value = first_type_arg(
            match ok_type {
                Type::Path(p) => &p.path,
                _ => return Err(format!("`{}`'s send answers no ResponseValue", op.id)),
            },
            None,
        )
        .ok_or_else(|| format!("`{}`'s send answers no ResponseValue", op.id))?;
        let key = type_key(&value);
        let text = matches!(op.primary_success(), Some((_, Body::Other(_))));
        if key.contains("ByteStream") && !text {
            return Err(format!(
                "`{}` answers a byte stream that is not text; the contract table cannot encode it",
                op.id
            ));
        }
        // Text answers are `String`s and empty ones `()`: no JSON type to decode into.
        let json = !text && key != "()";
        let page = if json {
            page_of(op, &value, types)
        } else {
            None
        };
        Ok(Contract {
            rust_name: op.rust_name.clone(),
            response: json.then_some(value),
            body,
            params,
            builder: builder.clone(),
            page,
        })
    }
}

/// The paging of a list operation answering `value`, if it is one.
fn page_of(op: &Operation, value: &Type, types: &StructFields) -> Option<Page> {
    if op.method != "GET" {
        return None;
    }
    let (item, object_field) = match (&op.page_items, value) {
        (None, Type::Path(path)) => (first_type_arg(&path.path, Some("Vec"))?, None),
        (Some(wire), Type::Path(path)) => {
            let name = path.path.segments.last()?.ident.to_string();
            let field = crate::spec::rust_ident(wire);
            let held = types.get(&name)?.get(&field)?;
            // `crate::Nullable<Vec<T>>` or `Vec<T>`, with `T` named inside `types`.
            let Type::Path(held) = held else { return None };
            let vec =
                first_type_arg(&held.path, Some("Nullable")).unwrap_or(Type::Path(held.clone()));
            let Type::Path(vec) = vec else { return None };
            let item = first_type_arg(&vec.path, Some("Vec"))?;
            (in_types_module(item), Some(format_ident!("{field}")))
        }
        _ => return None,
    };
    let by_time = op
        .params_in("query")
        .any(|p| p.name == crate::spec::CREATED_AT_LTE)
        && item_has_created_at(&item, types);
    let skip = op.params_in("query").any(|p| p.name == "skip");
    let headers = op
        .params_in("header")
        .map(|p| (p.name.clone(), format_ident!("{}", p.rust_name), p.required))
        .collect();
    Some(Page {
        item,
        object_field,
        by_time,
        skip,
        headers,
    })
}

/// A type named inside the `types` module, as the `builder` module names it.
fn in_types_module(ty: Type) -> Type {
    match &ty {
        Type::Path(p)
            if p.qself.is_none()
                && p.path.leading_colon.is_none()
                && p.path.segments.len() == 1 =>
        {
            parse_quote!(types::#ty)
        }
        _ => ty,
    }
}

fn item_has_created_at(item: &Type, types: &StructFields) -> bool {
    let Type::Path(path) = item else { return false };
    path.path
        .segments
        .last()
        .and_then(|s| types.get(&s.ident.to_string()))
        .and_then(|fields| fields.get("created_at"))
        .is_some_and(|ty| type_key(ty).contains("DateTime"))
}

/// `__contract`: the per-operation tables the contract tests use (not a stable API).
pub(crate) fn contract_module(contracts: &[Contract]) -> TokenStream {
    let roundtrip_arms = |pick: fn(&Contract) -> Option<&Type>| {
        contracts
            .iter()
            .filter_map(|c| pick(c).map(|t| (c.rust_name.as_str(), t)))
            .map(|(name, ty)| {
                quote! {
                    #name => ::std::option::Option::Some(
                        ::serde_json::from_value::<#ty>(value).and_then(::serde_json::to_value),
                    ),
                }
            })
            .collect::<Vec<_>>()
    };
    let responses = roundtrip_arms(|c| c.response.as_ref());
    let bodies = roundtrip_arms(|c| c.body.as_ref());
    let send_arms = contracts.iter().map(send_arm);
    quote! {
        /// Per-operation tables for the contract tests: payloads decoded and encoded
        /// through each operation's types, and requests described as JSON sent through
        /// each operation's builder. Not a stable API: compiled only with the crate's
        /// hidden `__contract` feature, which its own tests turn on.
        #[doc(hidden)]
        #[cfg(feature = "__contract")]
        pub mod __contract {
            use super::types;
            use crate::contract_support::{argument, to_json};

            /// Decodes `value` as `method`'s response type and encodes it again; `None`
            /// when the operation answers no JSON.
            pub fn roundtrip_response(
                method: &str,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::serde_json::Error>> {
                match method {
                    #(#responses)*
                    _ => ::std::option::Option::None,
                }
            }

            /// Decodes `value` as `method`'s request body type and encodes it again;
            /// `None` when the operation takes no body.
            pub fn roundtrip_request(
                method: &str,
                value: ::serde_json::Value,
            ) -> ::std::option::Option<::std::result::Result<::serde_json::Value, ::serde_json::Error>> {
                match method {
                    #(#bodies)*
                    _ => ::std::option::Option::None,
                }
            }

            /// Sends `method` (a generated method name such as `list_exports`) through its
            /// builder: `params` maps each parameter's name on the wire (`_id`, `limit`,
            /// `Integrator-AShareId`) to its value as JSON, decoded into the parameter's
            /// Rust type; `body` is decoded into the request body type. The answer comes
            /// back decoded through the response type and encoded again as JSON (text as
            /// a string, no content as `null`).
            pub async fn send(
                client: &super::Client,
                method: &str,
                params: &::serde_json::Map<::std::string::String, ::serde_json::Value>,
                body: ::std::option::Option<::serde_json::Value>,
            ) -> ::std::result::Result<::serde_json::Value, crate::Error> {
                let _ = (&params, &body);
                match method {
                    #(#send_arms)*
                    _ => ::std::result::Result::Err(crate::Error::InvalidRequest {
                        operation: "__contract::send",
                        message: ::std::format!("no operation has the method name `{method}`"),
                    }),
                }
            }
        }
    }
}

fn send_arm(c: &Contract) -> TokenStream {
    let name = &c.rust_name;
    let method = format_ident!("{}", c.rust_name);
    let constant = format_ident!("{}", c.rust_name.to_uppercase());
    let setters = c.params.iter().map(|p| {
        let (wire, setter, ty) = (&p.wire, format_ident!("{}", p.setter), &p.ty);
        quote! {
            if let ::std::option::Option::Some(value) = params.get(#wire) {
                request = request.#setter(argument::<#ty>(OPERATION, #wire, value.clone())?);
            }
        }
    });
    let body = c.body.as_ref().map(|ty| {
        quote! {
            if let ::std::option::Option::Some(value) = body {
                request = request.body(argument::<#ty>(OPERATION, "body", value)?);
            }
        }
    });
    // Each arm's future is boxed: unboxed, the poll frame of `send` holds every arm's
    // locals at once in a debug build, which overflows a thread's stack once the spec
    // has a couple of hundred operations.
    quote! {
        #name => ::std::boxed::Box::pin(async move {
            const OPERATION: &crate::Operation = &super::operations::#constant;
            #[allow(unused_mut)]
            let mut request = client.#method();
            #(#setters)*
            #body
            to_json(OPERATION, request.send().await?.into_inner())
        }).await,
    }
}

/// `impl crate::paging::ListRequest` for every list builder (placed in the `builder`
/// module, where the builders' fields are visible).
pub(crate) fn list_request_impls(contracts: &[Contract]) -> TokenStream {
    let impls = contracts.iter().filter_map(|c| {
        let page = c.page.as_ref()?;
        let builder = &c.builder;
        let constant = format_ident!("{}", c.rust_name.to_uppercase());
        let item = &page.item;
        let response = c.response.as_ref()?;
        let into_items = match &page.object_field {
            None => quote! {
                fn into_items(page: Self::Page) -> (::std::vec::Vec<Self::Item>, ::std::option::Option<::std::string::String>) {
                    (page, ::std::option::Option::None)
                }
            },
            Some(field) => quote! {
                fn into_items(page: Self::Page) -> (::std::vec::Vec<Self::Item>, ::std::option::Option<::std::string::String>) {
                    (
                        page.#field.into_option().unwrap_or_default(),
                        page.next_page_url.into_option(),
                    )
                }
            },
        };
        let by_time = page.by_time.then(|| {
            let skip = if page.skip {
                quote!(::std::option::Option::Some(self.created_at_lte(created_at).skip(skip)))
            } else {
                quote!((skip == 0).then(|| self.created_at_lte(created_at)))
            };
            quote! {
                fn before(self, created_at: ::chrono::DateTime<::chrono::offset::Utc>, skip: u64) -> ::std::option::Option<Self> {
                    #skip
                }
                fn created_at(item: &Self::Item) -> ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>> {
                    item.created_at.value().copied()
                }
            }
        });
        let header_inserts = page.headers.iter().map(|(wire, field, required)| {
            let pattern = if *required {
                quote!(::std::result::Result::Ok(value))
            } else {
                quote!(::std::result::Result::Ok(::std::option::Option::Some(value)))
            };
            quote! {
                if let #pattern = &self.#field {
                    if let ::std::result::Result::Ok(value) = ::reqwest::header::HeaderValue::try_from(value.to_string()) {
                        headers.insert(#wire, value);
                    }
                }
            }
        });
        let headers = (!page.headers.is_empty()).then(|| {
            quote! {
                fn headers(&self) -> ::reqwest::header::HeaderMap {
                    let mut headers = ::reqwest::header::HeaderMap::new();
                    #(#header_inserts)*
                    headers
                }
            }
        });
        let stream_doc = format!(
            "Every item `{}` lists, as a `Stream` that fetches one page at a time and \
             follows the pages to the end (see [`crate::paging`]). The page size is `.limit(n)` \
             where the operation has it.",
            c.rust_name
        );
        Some(quote! {
            impl<'a> #builder<'a> {
                #[doc = #stream_doc]
                pub fn stream(self) -> crate::paging::ItemStream<'a, #item> {
                    crate::paging::stream(self)
                }
                /// Every item, from every page, in one `Vec` (see [`Self::stream`]).
                pub fn collect_all(self) -> crate::paging::CollectAll<'a, #item> {
                    crate::paging::collect_all(self)
                }
            }
            impl<'a> crate::paging::ListRequest<'a> for #builder<'a> {
                type Item = #item;
                type Page = #response;
                const OPERATION: &'static crate::Operation = &super::operations::#constant;
                fn client(&self) -> &'a super::Client {
                    self.client
                }
                fn send_page(self) -> crate::paging::PageFuture<'a, Self::Page> {
                    ::std::boxed::Box::pin(self.send())
                }
                #into_items
                #headers
                #by_time
            }
        })
    });
    quote!(#(#impls)*)
}

/// A unit test (compiled only for the crate's own tests) that every future and stream
/// the operations return is `Send`: a compile-time check over every operation.
pub(crate) fn send_check(contracts: &[Contract]) -> TokenStream {
    let sends = contracts.iter().map(|c| {
        let method = format_ident!("{}", c.rust_name);
        let listing = c.page.as_ref().map(|_| {
            quote! {
                is_send(client.#method().stream());
                is_send(client.#method().collect_all());
            }
        });
        quote! {
            is_send(client.#method().send());
            #listing
        }
    });
    quote! {
        #[cfg(test)]
        mod send_futures {
            fn is_send<T: Send>(_: T) {}

            #[test]
            fn every_future_and_stream_of_the_operations_is_send() {
                let client = crate::Client::builder().token("t").build().unwrap();
                #(#sends)*
            }
        }
    }
}
