//! Puts every `JsonSchema` of the generated code behind the client's `schemars` feature.
//!
//! progenitor derives `schemars::JsonSchema` on every type it generates, and the open
//! enums implement it by hand. A user who never asks a type for its JSON Schema should
//! not compile those impls: they were a quarter of the generated client's LLVM IR. The
//! pass turns `#[derive(.., schemars::JsonSchema)]` into
//! `#[derive(..)] #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]` and
//! puts `#[cfg(feature = "schemars")]` on every `impl JsonSchema for ..`.

use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Attribute, File, ItemImpl, Meta, Path, Token};

/// The feature of the client crate that turns the `JsonSchema` impls on.
pub const FEATURE: &str = "schemars";

/// Gates every `JsonSchema` derive and impl of `file` behind [`FEATURE`]; returns how
/// many it gated.
pub fn gate(file: &mut File) -> usize {
    let mut gate = Gate { gated: 0 };
    gate.visit_file_mut(file);
    gate.gated
}

struct Gate {
    gated: usize,
}

fn is_json_schema(path: &Path) -> bool {
    path.segments
        .last()
        .is_some_and(|segment| segment.ident == "JsonSchema")
}

impl Gate {
    /// Moves `JsonSchema` out of each `derive` of `attrs` into a `cfg_attr`.
    fn attributes(&mut self, attrs: &mut Vec<Attribute>) {
        let mut gated = Vec::new();
        for attr in attrs.iter_mut() {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let (schema, kept): (Vec<Path>, Vec<Path>) =
                paths.into_iter().partition(is_json_schema);
            if schema.is_empty() {
                continue;
            }
            *attr = parse_quote!(#[derive(#(#kept),*)]);
            gated.extend(schema);
        }
        // An emptied `#[derive()]` is legal but noise.
        attrs.retain(|a| !matches!(&a.meta, Meta::List(list) if list.path.is_ident("derive") && list.tokens.is_empty()));
        for path in gated {
            attrs.push(parse_quote!(#[cfg_attr(feature = #FEATURE, derive(#path))]));
            self.gated += 1;
        }
    }
}

impl VisitMut for Gate {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.attributes(&mut item.attrs);
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        self.attributes(&mut item.attrs);
        visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_item_impl_mut(&mut self, item: &mut ItemImpl) {
        if item
            .trait_
            .as_ref()
            .is_some_and(|(_, path, _)| is_json_schema(path))
        {
            item.attrs.push(parse_quote!(#[cfg(feature = #FEATURE)]));
            self.gated += 1;
        }
        visit_mut::visit_item_impl_mut(self, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn derives_and_impls_move_behind_the_feature() {
        let mut file: File = parse_quote! {
            #[derive(::serde::Serialize, Clone, schemars::JsonSchema)]
            #[derive(Default)]
            pub struct A { x: u8 }
            #[derive(schemars::JsonSchema)]
            pub enum B { X }
            impl ::schemars::JsonSchema for C {}
            impl Clone for C { fn clone(&self) -> Self { C } }
        };
        assert_eq!(gate(&mut file), 3);
        let text = file.to_token_stream().to_string();
        assert!(text.contains(
            "# [derive (:: serde :: Serialize , Clone)] # [derive (Default)] # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] pub struct A"
        ), "{text}");
        assert!(text.contains(
            "# [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] pub enum B"
        ), "{text}");
        assert!(
            text.contains("# [cfg (feature = \"schemars\")] impl :: schemars :: JsonSchema for C"),
            "{text}"
        );
        assert!(!text.contains("# [derive ()]"), "{text}");
        assert!(text.contains("impl Clone for C"), "{text}");
    }
}
