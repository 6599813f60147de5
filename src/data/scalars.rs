//! A flat serde struct as named scalars, and named scalars back as serde input: how a saved model's
//! settings become 0-d arrays of an `.npz` and are read back, from the settings' own serde description.
//! Hand-written because the serde formats the crate already uses (serde-wasm-bindgen) exist only in wasm.

use serde::de::value::Error;
use serde::de::{IntoDeserializer, Visitor};
use serde::ser::{Error as _, Impossible, SerializeStruct};
use serde::{Serialize, Serializer};

/// One value of a flat struct: a flag, a number, or a name (an enum of unit variants).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
}

/// The fields of `value`, a struct whose fields are all scalars, in their order, by their serde names.
pub(crate) fn to_scalars<T: Serialize>(value: &T) -> Result<Vec<(&'static str, Scalar)>, Error> {
    value.serialize(Fields(Vec::new()))
}

/// Serializes a struct into its fields.
struct Fields(Vec<(&'static str, Scalar)>);

/// Serializes one field's value.
struct One;

/// The methods of serde's `Serializer` that a flat struct of scalars never calls.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*) -> $out:ty;)+) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$out, Error> {
            Err(Error::custom(concat!("only a flat struct of flags, numbers and names is supported, not ", stringify!($method))))
        }
    )+};
}

macro_rules! refuse_all_but {
    ($ok:ty; $($method:ident($($arg:ty),*) -> $out:ty;)*) => {
        refuse! {
            $($method($($arg),*) -> $out;)*
            serialize_char(char) -> $ok;
            serialize_bytes(&[u8]) -> $ok;
            serialize_none() -> $ok;
            serialize_unit() -> $ok;
            serialize_unit_struct(&'static str) -> $ok;
            serialize_seq(Option<usize>) -> Impossible<$ok, Error>;
            serialize_tuple(usize) -> Impossible<$ok, Error>;
            serialize_tuple_struct(&'static str, usize) -> Impossible<$ok, Error>;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<$ok, Error>;
            serialize_map(Option<usize>) -> Impossible<$ok, Error>;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<$ok, Error>;
        }

        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<$ok, Error> {
            Err(Error::custom("optional values are not supported"))
        }

        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<$ok, Error> {
            Err(Error::custom("newtype structs are not supported"))
        }

        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Error> {
            Err(Error::custom("variants with values are not supported"))
        }
    };
}

impl Serializer for Fields {
    type Ok = Vec<(&'static str, Scalar)>;
    type Error = Error;
    type SerializeSeq = Impossible<Self::Ok, Error>;
    type SerializeTuple = Impossible<Self::Ok, Error>;
    type SerializeTupleStruct = Impossible<Self::Ok, Error>;
    type SerializeTupleVariant = Impossible<Self::Ok, Error>;
    type SerializeMap = Impossible<Self::Ok, Error>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<Self::Ok, Error>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        Ok(self)
    }

    refuse_all_but! { Self::Ok;
        serialize_bool(bool) -> Self::Ok;
        serialize_i8(i8) -> Self::Ok;
        serialize_i16(i16) -> Self::Ok;
        serialize_i32(i32) -> Self::Ok;
        serialize_i64(i64) -> Self::Ok;
        serialize_u8(u8) -> Self::Ok;
        serialize_u16(u16) -> Self::Ok;
        serialize_u32(u32) -> Self::Ok;
        serialize_u64(u64) -> Self::Ok;
        serialize_f32(f32) -> Self::Ok;
        serialize_f64(f64) -> Self::Ok;
        serialize_str(&str) -> Self::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
    }
}

impl SerializeStruct for Fields {
    type Ok = Vec<(&'static str, Scalar)>;
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let value = value.serialize(One).map_err(|e| Error::custom(format!("{key}: {e}")))?;
        self.0.push((key, value));
        Ok(())
    }

    fn end(self) -> Result<Self::Ok, Error> {
        Ok(self.0)
    }
}

impl Serializer for One {
    type Ok = Scalar;
    type Error = Error;
    type SerializeSeq = Impossible<Scalar, Error>;
    type SerializeTuple = Impossible<Scalar, Error>;
    type SerializeTupleStruct = Impossible<Scalar, Error>;
    type SerializeTupleVariant = Impossible<Scalar, Error>;
    type SerializeMap = Impossible<Scalar, Error>;
    type SerializeStruct = Impossible<Scalar, Error>;
    type SerializeStructVariant = Impossible<Scalar, Error>;

    fn serialize_bool(self, v: bool) -> Result<Scalar, Error> {
        Ok(Scalar::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Scalar, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Scalar, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Scalar, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Scalar, Error> {
        Ok(Scalar::Signed(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Scalar, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Scalar, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Scalar, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Scalar, Error> {
        Ok(Scalar::Unsigned(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Scalar, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Scalar, Error> {
        Ok(Scalar::Float(v))
    }
    fn serialize_str(self, v: &str) -> Result<Scalar, Error> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Scalar, Error> {
        self.serialize_str(variant)
    }

    refuse_all_but! { Scalar;
        serialize_struct(&'static str, usize) -> Impossible<Scalar, Error>;
    }
}

/// Scalars are read back through serde's own map input: `MapDeserializer::new(pairs.into_iter())`.
impl<'de> IntoDeserializer<'de, Error> for Scalar {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Scalar {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Scalar::Bool(flag) => visitor.visit_bool(flag),
            Scalar::Unsigned(n) => visitor.visit_u64(n),
            Scalar::Signed(n) => visitor.visit_i64(n),
            Scalar::Float(x) => visitor.visit_f64(x),
            Scalar::Text(name) => visitor.visit_string(name),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::MapDeserializer;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Flat {
        step_size: f32,
        count: usize,
        on: bool,
        mode: String,
    }

    #[test]
    fn a_flat_struct_goes_to_scalars_and_back() {
        let flat = Flat { step_size: 0.5, count: 3, on: true, mode: "fast".into() };
        let scalars = to_scalars(&flat).unwrap();
        assert_eq!(
            scalars,
            [
                ("stepSize", Scalar::Float(0.5)),
                ("count", Scalar::Unsigned(3)),
                ("on", Scalar::Bool(true)),
                ("mode", Scalar::Text("fast".into()))
            ]
        );
        assert_eq!(Flat::deserialize(MapDeserializer::<_, Error>::new(scalars.into_iter())).unwrap(), flat);
    }

    #[test]
    fn nested_values_are_refused() {
        #[derive(Serialize)]
        struct Nested {
            inner: Vec<u8>,
        }
        assert!(to_scalars(&Nested { inner: vec![1] }).is_err());
        assert!(to_scalars(&3u8).is_err());
    }
}
