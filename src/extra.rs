//! [`Extra`]: the fields of a resource the spec does not model, kept as received.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// The fields of an object that its generated type does not model, by name: read and
/// write it as a [`serde_json::Map`] (it dereferences to one), and every field in it is
/// sent back as received.
///
/// Decoding keeps each unknown field as its JSON text and parses it into a
/// [`Value`] the first time the map is read, which is what lets the generated types
/// decode faster than `serde_json::Value` (BENCHMARKS.md, section 2). Reading,
/// comparing and serializing see the same map as before: keys in order, numbers with
/// their exact text. After a read through `&self` both the text and the values are held
/// until the next change through `&mut self` drops the text.
///
/// ```
/// use integrator_io::types::Export;
/// use serde_json::json;
///
/// let mut export: Export =
///     serde_json::from_str(r#"{"name": "Orders", "http": {"method": "GET"}}"#).unwrap();
/// assert_eq!(export.extra["http"], json!({"method": "GET"}));
/// export.extra.insert("mockOutput".into(), json!(null));
/// assert_eq!(
///     serde_json::to_string(&export).unwrap(),
///     r#"{"name":"Orders","http":{"method":"GET"},"mockOutput":null}"#
/// );
/// ```
#[derive(Clone, Default)]
pub struct Extra {
    /// Fields as received (key and JSON text), in reading order; empty once `parsed`
    /// holds the fields.
    raw: Vec<(String, String)>,
    /// The fields as values, once read.
    parsed: OnceLock<Map<String, Value>>,
}

impl Extra {
    /// No fields.
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields, as a map.
    pub fn as_map(&self) -> &Map<String, Value> {
        self.parsed.get_or_init(|| parse_all(&self.raw))
    }

    /// The fields, as a map to change.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        if self.parsed.get().is_none() {
            self.parsed = OnceLock::from(parse_all(&self.raw));
        }
        self.raw = Vec::new();
        match self.parsed.get_mut() {
            Some(map) => map,
            None => unreachable!("the map was set just above"),
        }
    }

    /// The fields, as a map, consuming `self`.
    pub fn into_map(self) -> Map<String, Value> {
        match self.parsed.into_inner() {
            Some(map) => map,
            None => parse_all(&self.raw),
        }
    }
}

/// Parses the kept texts. They are JSON serde_json has just read, so a failure cannot
/// happen; were it to, the text is kept as a string rather than lost.
fn parse_all(raw: &[(String, String)]) -> Map<String, Value> {
    raw.iter()
        .map(|(key, text)| {
            let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
            (key.clone(), value)
        })
        .collect()
}

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        self.as_map()
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        self.as_map_mut()
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_map(), f)
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.as_map() == other.as_map()
    }
}

impl Eq for Extra {}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra {
            raw: Vec::new(),
            parsed: OnceLock::from(map),
        }
    }
}

impl From<Extra> for Map<String, Value> {
    fn from(extra: Extra) -> Self {
        extra.into_map()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Map::from_iter(iter).into()
    }
}

impl Extend<(String, Value)> for Extra {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        self.as_map_mut().extend(iter);
    }
}

impl IntoIterator for Extra {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_map().iter()
    }
}

impl<'a> IntoIterator for &'a mut Extra {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = serde_json::map::IterMut<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_map_mut().iter_mut()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_map().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Extra::from)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Extra {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Map<String, Value> as schemars::JsonSchema>::schema_name()
    }

    fn inline_schema() -> bool {
        <Map<String, Value> as schemars::JsonSchema>::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Map<String, Value> as schemars::JsonSchema>::json_schema(generator)
    }
}

/// Collects the unknown fields of one object while the generated `Deserialize` reads it.
#[derive(Default)]
pub(crate) struct ExtraBuilder {
    raw: Vec<(String, String)>,
    values: Vec<(String, Value)>,
}

impl ExtraBuilder {
    /// Reads the value of the unknown field `key` from `map`.
    pub(crate) fn next_value<'de, A: MapAccess<'de>>(
        &mut self,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match map.next_value_seed(Kept)? {
            KeptValue::Raw(text) => self.raw.push((key, text)),
            KeptValue::Value(value) => self.values.push((key, value)),
        }
        Ok(())
    }

    /// The fields; a key given twice keeps its last value, as a map would (the kept
    /// texts are parsed into the map in reading order, so `serde_json::Map`'s own
    /// ordering, sorted or `preserve_order`, applies as it did).
    pub(crate) fn finish(self) -> Extra {
        if self.values.is_empty() {
            return Extra {
                raw: self.raw,
                parsed: OnceLock::new(),
            };
        }
        // A deserializer other than serde_json's: everything as values, in reading order.
        let mut map = parse_all(&self.raw);
        map.extend(self.values);
        map.into()
    }
}

/// The name serde_json gives its raw-value newtype: asked for it, it hands over the
/// value's JSON text (the `raw_value` feature).
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

enum KeptValue {
    Raw(String),
    Value(Value),
}

/// Reads one value as its JSON text from serde_json, or as a [`Value`] from any other
/// deserializer.
struct Kept;

impl<'de> DeserializeSeed<'de> for Kept {
    type Value = KeptValue;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<KeptValue, D::Error> {
        deserializer.deserialize_newtype_struct(RAW_TOKEN, KeptVisitor)
    }
}

struct KeptVisitor;

impl<'de> Visitor<'de> for KeptVisitor {
    type Value = KeptValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeptValue, A::Error> {
        // serde_json answers the raw-value request with a one-entry map.
        let Some(first) = map.next_key::<String>()? else {
            return Ok(KeptValue::Value(Value::Object(Map::new())));
        };
        if first == RAW_TOKEN {
            return map.next_value::<String>().map(KeptValue::Raw);
        }
        let mut object = Map::new();
        object.insert(first, map.next_value()?);
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        Ok(KeptValue::Value(Value::Object(object)))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<KeptValue, D::Error> {
        Value::deserialize(d).map(KeptValue::Value)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<KeptValue, D::Error> {
        Value::deserialize(d).map(KeptValue::Value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<KeptValue, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(KeptValue::Value)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::from(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<KeptValue, E> {
        Ok(KeptValue::Value(Value::Null))
    }
}
