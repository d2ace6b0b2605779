//! proptest strategies for JSON values valid under an OpenAPI 3.0 schema of the spec:
//! required and optional properties, unknown extra fields where the schema allows them,
//! `null` where it is nullable, enum values the spec lists and (for open enums) values it
//! does not, empty and large strings and lists, unicode.

use proptest::prelude::*;
use proptest::strategy::Union;
use serde_json::{Map, Value};

use crate::support::spec;

/// How deep objects and arrays nest before only required properties are generated.
const MAX_DEPTH: usize = 4;

type Values = BoxedStrategy<Value>;

/// Values valid under `schema` (an OpenAPI schema of the spec, `$ref`s allowed).
pub fn valid(schema: &Value) -> Values {
    at_depth(schema, 0)
}

fn at_depth(schema: &Value, depth: usize) -> Values {
    let schema = spec().deref(schema).clone();
    let inner = non_null(&schema, depth);
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        prop_oneof![1 => Just(Value::Null), 4 => inner].boxed()
    } else {
        inner
    }
}

fn non_null(schema: &Value, depth: usize) -> Values {
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let parts: Vec<Values> = parts.iter().map(|p| at_depth(p, depth)).collect();
        return parts
            .prop_map(|values| {
                let mut merged = Map::new();
                for value in values {
                    if let Value::Object(map) = value {
                        merged.extend(map);
                    }
                }
                Value::Object(merged)
            })
            .boxed();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            return Union::new(alternatives.iter().map(|a| at_depth(a, depth))).boxed();
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let listed = proptest::sample::select(values.clone());
        return if schema.get("x-extensible-enum").is_some() {
            // Values the API may add later: they must decode, not fail.
            prop_oneof![4 => listed, 1 => "zz[a-z_]{1,12}".prop_map(Value::from)].boxed()
        } else {
            listed.boxed()
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string(schema),
        Some("integer") => integer(schema),
        Some("number") => number(schema),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => array(schema, depth),
        Some("object") => object(schema, depth),
        _ if schema.get("properties").is_some() => object(schema, depth),
        _ => any_json(depth),
    }
}

fn string(schema: &Value) -> Values {
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        // Milliseconds since 1970 up to 2100, with and without fractions, in UTC.
        return (0i64..4_102_444_800_000, any::<bool>())
            .prop_map(|(millis, fraction)| {
                let at = chrono::DateTime::from_timestamp_millis(millis).unwrap();
                let format = if fraction {
                    chrono::SecondsFormat::Millis
                } else {
                    chrono::SecondsFormat::Secs
                };
                Value::String(at.to_rfc3339_opts(format, true))
            })
            .boxed();
    }
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let text = prop_oneof![
        3 => "[a-zA-Z0-9 _.-]{0,16}",
        2 => "\\PC{0,12}",
        1 => Just(String::new()),
        1 => "[a-z]{1,4}".prop_map(|s| s.repeat(600)),
    ];
    text.prop_map(move |mut s: String| {
        while s.chars().count() < min {
            s.push('x');
        }
        if let Some(max) = max {
            s = s.chars().take(max).collect();
        }
        Value::String(s)
    })
    .boxed()
}

fn bounds(schema: &Value) -> (Option<f64>, Option<f64>) {
    (
        schema.get("minimum").and_then(Value::as_f64),
        schema.get("maximum").and_then(Value::as_f64),
    )
}

fn integer(schema: &Value) -> Values {
    let (min, max) = bounds(schema);
    let low = min.map_or(-2_000_000_000, |m| m as i64);
    let high = max.map_or(2_000_000_000, |m| m as i64);
    prop_oneof![Just(low), Just(high), low..=high]
        .prop_map(Value::from)
        .boxed()
}

fn number(schema: &Value) -> Values {
    let (min, max) = bounds(schema);
    let low = min.unwrap_or(-1e9);
    let high = max.unwrap_or(1e9);
    (low..=high).prop_map(Value::from).boxed()
}

fn array(schema: &Value, depth: usize) -> Values {
    let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxItems")
        .and_then(Value::as_u64)
        .map_or(min + 3, |m| m as usize);
    let max = if depth >= MAX_DEPTH { min } else { max };
    let items = schema
        .get("items")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    proptest::collection::vec(at_depth(&items, depth + 1), min..=max.max(min))
        .prop_map(Value::Array)
        .boxed()
}

fn object(schema: &Value, depth: usize) -> Values {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, property) in properties {
        let value = at_depth(&property, depth + 1);
        let keyed = {
            let name = name.clone();
            value.prop_map(move |v| Some((name.clone(), v)))
        };
        if required.contains(&name) {
            fields.push(keyed.boxed());
        } else if depth < MAX_DEPTH {
            fields.push(prop_oneof![Just(None), keyed].boxed());
        }
    }
    let additional = schema.get("additionalProperties");
    let extras: Values = match additional {
        Some(Value::Bool(false)) => Just(Value::Object(Map::new())).boxed(),
        Some(Value::Object(values)) if !values.is_empty() => {
            let values = Value::Object(values.clone());
            proptest::collection::btree_map(
                "[a-zA-Z][a-zA-Z0-9_]{0,10}",
                at_depth(&values, depth + 1),
                0..3,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed()
        }
        // Fields the spec does not model: they must survive.
        _ => proptest::collection::btree_map("zz[A-Za-z0-9_]{1,10}", any_json(MAX_DEPTH), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
    };
    (fields, extras)
        .prop_map(|(fields, extras)| {
            let mut map = Map::new();
            if let Value::Object(extras) = extras {
                map.extend(extras);
            }
            map.extend(fields.into_iter().flatten());
            Value::Object(map)
        })
        .boxed()
}

/// Any JSON, small.
pub fn any_json(depth: usize) -> Values {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-1_000_000i64..1_000_000).prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
    ];
    if depth >= MAX_DEPTH {
        return leaf.boxed();
    }
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}
