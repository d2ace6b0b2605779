//! [`Nullable`]: an optional field that remembers whether it was absent, `null`, or set.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field of a resource: absent, explicitly `null`, or a value.
///
/// Every optional property of the generated types is a `Nullable`, so that a resource
/// read and written back sends exactly what it received: a field that was absent stays
/// absent, an explicit `null` (or an empty list) is sent as such, and setting
/// [`Nullable::Null`] clears a field where the API allows it.
///
/// ```
/// use integrator_io::Nullable;
///
/// let name: Nullable<String> = "Orders".to_string().into();
/// assert_eq!(name.value().map(String::as_str), Some("Orders"));
///
/// let cleared: Nullable<String> = Nullable::Null;
/// assert_eq!(serde_json::to_string(&cleared).unwrap(), "null");
/// assert!(Nullable::<String>::default().is_absent());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// Not in the JSON object at all (not sent).
    #[default]
    Absent,
    /// Present as `null` (sent as `null`).
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True when the field is not in the object; it is then not serialized.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True when the field is explicitly `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, mutably, if there is one.
    pub fn value_mut(&mut self) -> Option<&mut T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, consuming the field; absent and `null` both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }

    /// Replaces the field with a value and returns what it held.
    pub fn set(&mut self, value: T) -> Nullable<T> {
        std::mem::replace(self, Nullable::Value(value))
    }
}

impl<T: std::ops::Deref> Nullable<T> {
    /// The value dereferenced (`&str` for a `Nullable<String>`), if there is one.
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.value().map(|v| &**v)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // `Absent` is skipped by the field attribute; serialized on its own it is null.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing field never reaches here (`#[serde(default)]` makes it `Absent`).
        Option::<T>::deserialize(deserializer).map(|v| v.map_or(Nullable::Null, Nullable::Value))
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let inner = generator.subschema_for::<T>();
        schemars::json_schema!({ "anyOf": [inner, { "type": "null" }] })
    }
}
