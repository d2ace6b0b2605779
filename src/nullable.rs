//! [`Nullable`]: an optional field that remembers whether it was absent, `null`, or set.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field of a resource: absent, explicitly `null`, or a value.
///
/// Every optional property of the generated types is a `Nullable`, so that a resource
/// read and written back sends exactly what it received: a field that was absent stays
/// absent, an explicit `null` (or an empty list) is sent as such, and setting
/// [`Nullable::Null`] clears a field where the API allows it.
///
/// Reading: [`as_deref`](Nullable::as_deref), [`as_ref`](Nullable::as_ref) and
/// [`value`](Nullable::value) give an `Option` of the value (absent and `null` are both
/// "no value"), and [`unwrap_or`](Nullable::unwrap_or) and friends work as on `Option`.
/// Writing: a value, an `Option` or a `&str` converts with `.into()`.
///
/// ```
/// use integrator_io::Nullable;
///
/// let name: Nullable<String> = "Orders".into();
/// assert_eq!(name.as_deref(), Some("Orders"));
/// assert_eq!(name.as_deref().unwrap_or("unnamed"), "Orders");
/// assert!(name.is_value());
///
/// let cleared: Nullable<String> = Nullable::Null;
/// assert_eq!(serde_json::to_string(&cleared).unwrap(), "null");
/// assert_eq!(cleared.unwrap_or_default(), "");
///
/// let none: Nullable<String> = None::<String>.into();
/// assert!(none.is_absent()); // `None` is "not sent"; `Nullable::Null` clears
/// assert_eq!(format!("{name:?} {none:?} {:?}", Nullable::<u8>::Null), r#""Orders" Absent Null"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// True when the field holds a value.
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// assert!(Nullable::from(3).is_value());
    /// assert!(!Nullable::<i32>::Null.is_value());
    /// ```
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// The value, if there is one (the same as [`as_ref`](Nullable::as_ref)).
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, mutably, if there is one (the same as [`as_mut`](Nullable::as_mut)).
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

    /// Borrows the value, if there is one, as `Option::as_ref` does.
    ///
    /// Like [`as_deref`](Nullable::as_deref), this gives an `Option`; to borrow while
    /// keeping absent and `null` apart, use [`as_nullable_ref`](Nullable::as_nullable_ref).
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// let size: Nullable<i64> = 20.into();
    /// assert_eq!(size.as_ref(), Some(&20));
    /// ```
    pub fn as_ref(&self) -> Option<&T> {
        self.value()
    }

    /// Borrows the value mutably, if there is one.
    pub fn as_mut(&mut self) -> Option<&mut T> {
        self.value_mut()
    }

    /// Borrows the field, keeping absent, `null` and value apart.
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// let name: Nullable<String> = Nullable::Null;
    /// assert_eq!(name.as_nullable_ref(), Nullable::Null);
    /// ```
    pub fn as_nullable_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// assert_eq!(Nullable::Value("abc").map(str::len), Nullable::Value(3));
    /// assert_eq!(Nullable::<&str>::Null.map(str::len), Nullable::Null);
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }

    /// The value, or `default` when absent or `null`.
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// assert_eq!(Nullable::<i64>::Absent.unwrap_or(100), 100);
    /// ```
    pub fn unwrap_or(self, default: T) -> T {
        self.into_option().unwrap_or(default)
    }

    /// The value, or the result of `f` when absent or `null`.
    pub fn unwrap_or_else(self, f: impl FnOnce() -> T) -> T {
        self.into_option().unwrap_or_else(f)
    }

    /// The value, or `T::default()` when absent or `null`.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_option().unwrap_or_default()
    }

    /// Replaces the field with a value and returns what it held.
    pub fn set(&mut self, value: T) -> Nullable<T> {
        std::mem::replace(self, Nullable::Value(value))
    }

    /// Takes the field out, leaving it absent.
    pub fn take(&mut self) -> Nullable<T> {
        std::mem::take(self)
    }
}

impl<T: std::ops::Deref> Nullable<T> {
    /// The value dereferenced (`&str` for a `Nullable<String>`), if there is one.
    ///
    /// ```
    /// use integrator_io::Nullable;
    /// let id: Nullable<String> = "5a6b".into();
    /// assert_eq!(id.as_deref(), Some("5a6b"));
    /// assert_eq!(Nullable::<String>::Null.as_deref().unwrap_or("?"), "?");
    /// ```
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.value().map(|v| &**v)
    }

    /// The field dereferenced, keeping absent, `null` and value apart.
    pub fn as_nullable_deref(&self) -> Nullable<&T::Target> {
        self.as_nullable_ref().map(|v| &**v)
    }
}

impl<T: fmt::Debug> fmt::Debug for Nullable<T> {
    /// `Absent`, `Null`, or the value's own `Debug` (`"Orders"`, not `Value("Orders")`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Nullable::Absent => f.write_str("Absent"),
            Nullable::Null => f.write_str("Null"),
            Nullable::Value(v) => v.fmt(f),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    /// A value.
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `Some` is a value; `None` is [`Nullable::Absent`] (the field is not sent). To
    /// send an explicit `null`, set [`Nullable::Null`].
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Absent, Nullable::Value)
    }
}

impl From<&str> for Nullable<String> {
    /// A string value.
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl From<Option<&str>> for Nullable<String> {
    /// `Some` is a string value; `None` is [`Nullable::Absent`].
    fn from(value: Option<&str>) -> Self {
        value.map_or(Nullable::Absent, |v| Nullable::Value(v.to_owned()))
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

/// A [`Nullable`] without a value was given where a value is required (an id passed
/// straight from a read model to the next call); the call then fails with
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest) and nothing is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoValue {
    /// The field was `null` (otherwise it was absent).
    pub was_null: bool,
}

impl fmt::Display for NoValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.was_null {
            "the field is null, not a value"
        } else {
            "the field is absent, not a value"
        })
    }
}

impl std::error::Error for NoValue {}

impl<T> Nullable<T> {
    fn no_value(&self) -> NoValue {
        NoValue {
            was_null: self.is_null(),
        }
    }
}

/// `TryFrom<Nullable<T>>` and `TryFrom<&Nullable<T>>` for the types of path and query
/// parameters, so that a read model's field goes straight into the next call's setter
/// (`client.get_flow().id(&flow.id)`).
macro_rules! try_from_nullable {
    ($($t:ty),*) => {$(
        impl TryFrom<Nullable<$t>> for $t {
            type Error = NoValue;
            fn try_from(value: Nullable<$t>) -> Result<Self, NoValue> {
                let no_value = value.no_value();
                value.into_option().ok_or(no_value)
            }
        }

        impl TryFrom<&Nullable<$t>> for $t {
            type Error = NoValue;
            fn try_from(value: &Nullable<$t>) -> Result<Self, NoValue> {
                value.value().cloned().ok_or_else(|| value.no_value())
            }
        }
    )*};
}

try_from_nullable!(String, i64, bool, chrono::DateTime<chrono::Utc>);

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

#[cfg(feature = "schemars")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Nullable<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
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
