//! Keeps `schema/scenario.schema.json` and the loader in agreement: every
//! field and event type the loader accepts is in the schema, with the same
//! kind of value and the same required fields, and nothing else is.

use std::collections::BTreeSet;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::Value;

use crate::event::{Field, ValueKind};
use crate::model::{CollectedBy, Entity, EventType};

fn schema() -> Value {
    serde_json::from_str(crate::SCHEMA).unwrap()
}

fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
    schema["$defs"]
        .get(name)
        .unwrap_or_else(|| panic!("schema has no $defs/{name}"))
}

fn keys(object: &Value) -> BTreeSet<String> {
    object.as_object().unwrap().keys().cloned().collect()
}

fn strings(array: &Value) -> BTreeSet<String> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The field names a derived struct accepts, read from its `Deserialize`.
fn struct_fields<'de, T: Deserialize<'de>>() -> BTreeSet<String> {
    struct Introspect<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Introspect<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Introspect(&mut fields));
    assert!(!fields.is_empty());
    fields.iter().map(|f| (*f).to_owned()).collect()
}

/// The schema of a property without its annotations.
fn shape(property: &Value) -> Value {
    let mut property = property.as_object().unwrap().clone();
    property.remove("description");
    property.remove("default");
    Value::Object(property)
}

fn expected_shape(kind: ValueKind, event_type: EventType) -> Value {
    let reference = |name: &str| serde_json::json!({ "$ref": format!("#/$defs/{name}") });
    match kind {
        ValueKind::Date => reference("date"),
        ValueKind::EventType => serde_json::json!({ "const": event_type.as_str() }),
        ValueKind::Name => reference("name"),
        ValueKind::Bool => serde_json::json!({ "type": "boolean" }),
        ValueKind::Amount => reference("amount"),
        ValueKind::Currency => reference("currency"),
        ValueKind::CollectedBy => reference("collected_by"),
        ValueKind::Count => reference("count"),
        ValueKind::Months => reference("months"),
    }
}

#[test]
fn every_event_type_matches_its_schema() {
    let schema = schema();
    let names: BTreeSet<String> = EventType::ALL
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    assert_eq!(strings(&def(&schema, "event_type")["enum"]), names);
    let branches: BTreeSet<String> = def(&schema, "event")["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            b["$ref"]
                .as_str()
                .unwrap()
                .trim_start_matches("#/$defs/")
                .to_owned()
        })
        .collect();
    assert_eq!(branches, names);

    let mut used = BTreeSet::new();
    for t in EventType::ALL {
        let branch = def(&schema, t.as_str());
        assert_eq!(branch["additionalProperties"], Value::Bool(false), "{t}");
        let required: BTreeSet<String> = t
            .required_fields()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        assert_eq!(
            strings(&branch["required"]),
            required,
            "required fields of {t}"
        );
        let allowed: BTreeSet<String> = t
            .required_fields()
            .iter()
            .chain(t.optional_fields())
            .map(|f| f.name().to_owned())
            .collect();
        assert_eq!(keys(&branch["properties"]), allowed, "fields of {t}");
        for field in t.required_fields().iter().chain(t.optional_fields()) {
            used.insert(field.name());
            let property = &branch["properties"][field.name()];
            assert_eq!(
                shape(property),
                expected_shape(field.value_kind(), t),
                "{t}.{}",
                field.name()
            );
        }
    }
    // No field the loader knows goes unused by every type.
    for field in Field::ALL {
        assert!(
            used.contains(field.name()),
            "{} is in no event type",
            field.name()
        );
    }
}

#[test]
fn objects_match_the_loader() {
    let schema = schema();
    assert_eq!(
        keys(&schema["properties"]),
        struct_fields::<crate::json::RawDocument>()
    );
    assert_eq!(
        strings(&schema["required"]),
        ["events", "partners"].map(String::from).into()
    );
    let partner = def(&schema, "partner");
    assert_eq!(
        keys(&partner["properties"]),
        struct_fields::<crate::partner::RawPartner>()
    );
    assert_eq!(strings(&partner["required"]), ["id".to_owned()].into());
    assert_eq!(
        keys(&def(&schema, "expect")["properties"]),
        struct_fields::<crate::partner::RawExpect>()
    );
    assert_eq!(
        keys(&def(&schema, "payout")["properties"]),
        struct_fields::<crate::partner::RawPayout>()
    );
    for name in ["partner", "expect", "payout"] {
        assert_eq!(
            def(&schema, name)["additionalProperties"],
            Value::Bool(false)
        );
    }
    assert_eq!(schema["additionalProperties"], Value::Bool(false));
}

#[test]
fn enums_match_the_loader() {
    let schema = schema();
    let entities: BTreeSet<String> = Entity::ALL.iter().map(|e| e.as_str().to_owned()).collect();
    assert_eq!(strings(&def(&schema, "entity")["enum"]), entities);
    let collectors: BTreeSet<String> = CollectedBy::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(strings(&def(&schema, "collected_by")["enum"]), collectors);
}

#[test]
fn schema_declares_its_draft() {
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}
