//! Open enumerations: a component schema `type: string` with `x-extensible-enum: [...]`
//! becomes a Rust enum with one variant per documented value and an `Unknown(String)`
//! catch-all, so a value the API adds later still decodes (and round-trips unchanged).

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::Spec;

/// One open enumeration found in the spec.
#[derive(Clone, Debug)]
pub struct OpenEnum {
    /// The component schema's name as written in the spec.
    pub schema_name: String,
    /// The Rust type name.
    pub rust_name: String,
    /// The schema's description.
    pub description: Option<String>,
    /// The documented values, in spec order.
    pub values: Vec<String>,
}

/// Every component schema that declares `x-extensible-enum`.
pub fn collect(spec: &Spec) -> Vec<OpenEnum> {
    let Some(schemas) = spec
        .raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let values = schema.get("x-extensible-enum")?.as_array()?;
            Some(OpenEnum {
                schema_name: name.clone(),
                rust_name: name.to_upper_camel_case(),
                description: schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                values: values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect(),
            })
        })
        .collect()
}

/// A variant name for each value: UpperCamelCase, made unique and never `Unknown`.
fn variant_names(values: &[String]) -> Vec<String> {
    let mut used = BTreeSet::from(["Unknown".to_string()]);
    values
        .iter()
        .map(|value| {
            let mut base = value.to_upper_camel_case();
            base.retain(|c| c.is_ascii_alphanumeric() || c == '_');
            if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
                base = format!("V{base}");
            }
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The Rust code of one open enumeration.
pub fn generate(open: &OpenEnum) -> TokenStream {
    let ident = format_ident!("{}", open.rust_name);
    let names = variant_names(&open.values);
    let variants: Vec<_> = names.iter().map(|n| format_ident!("{}", n)).collect();
    let values = &open.values;
    let variant_docs: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    let doc = format!(
        "{}\n\nAn open enumeration: values the API adds after this spec was written decode as \
         [`{}::Unknown`] and are sent back unchanged.",
        open.description
            .clone()
            .unwrap_or_else(|| format!("The `{}` values.", open.schema_name)),
        open.rust_name,
    );
    let schema_description = open.description.clone().unwrap_or_default();
    let schema_name = &open.schema_name;
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(
                #[doc = #variant_docs]
                #variants,
            )*
            /// A value this version of the spec does not list, kept as sent.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// Every documented value, in the spec's order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// True for a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::convert::From<&str> for crate::Nullable<#ident> {
            fn from(value: &str) -> Self {
                crate::Nullable::Value(#ident::from(value))
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }

        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#schema_name)
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "description": #schema_description,
                    "examples": [#(#values),*],
                })
            }
        }
    }
}
