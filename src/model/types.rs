//! The column types of records: ids (UUIDv7 kept as text) and enums stored as lower-case
//! words. The diesel impls are generic over the backend, so they work for SQLite, PostgreSQL and
//! the MultiConnection backend alike. Declared here, in the model, so that every layer can use
//! the types without depending on the database layer.

/// A value read from or sent to the database that is not one of the allowed words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {what}; use one of: {allowed}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub allowed: String,
}

/// Text that is not a record id (ids are UUIDs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a valid id")]
pub struct InvalidId(pub String);

/// Declares a record id: a UUIDv7 kept as text, typed so that a user id cannot be passed where a
/// client id is expected.
#[macro_export]
macro_rules! text_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// Accepts only the canonical UUID form, so a path segment such as `../x` or an
            /// arbitrary string never reaches a query.
            pub fn parse(raw: &str) -> Result<Self, $crate::model::types::InvalidId> {
                uuid::Uuid::try_parse(raw)
                    .map(|u| Self(u.hyphenated().to_string()))
                    .map_err(|_| $crate::model::types::InvalidId(raw.chars().take(64).collect()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        // In the OpenAPI document: a UUID string.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .format(Some(utoipa::openapi::schema::SchemaFormat::Custom(
                        "uuid".to_owned(),
                    )))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        $crate::text_column!($name, |text| Ok(Self(text)));
    };
}

/// Declares an enum stored as a lower-case word (with a CHECK constraint in both migration
/// sets), serialised the same way in JSON.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::model::types::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::model::types::UnknownValue {
                        what: $what,
                        value: s.chars().take(64).collect(),
                        allowed: [$($text),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        // In the OpenAPI document: a string, one of the words.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        $crate::text_column!($name, |text: String| {
            text.parse()
                .map_err(|e: $crate::model::types::UnknownValue| e.to_string().into())
        });
    };
}

/// Stores a type with `as_str()` in a TEXT column, reading it back with `$from_text`.
#[doc(hidden)]
#[macro_export]
macro_rules! text_column {
    ($name:ident, $from_text:expr) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let from_text: fn(String) -> diesel::deserialize::Result<Self> = $from_text;
                from_text(String::from_sql(bytes)?)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::text_enum! {
        enum Colour ("colour") {
            Red => "red",
            Blue => "blue",
        }
    }
    crate::text_id!(ThingId);

    #[test]
    fn text_enums_round_trip_and_explain_bad_values() {
        for c in Colour::ALL {
            assert_eq!(c.as_str().parse::<Colour>().unwrap(), *c);
        }
        let err = "green".parse::<Colour>().unwrap_err().to_string();
        assert_eq!(err, "'green' is not a valid colour; use one of: red, blue");
        let json: Colour = serde_json::from_str("\"blue\"").unwrap();
        assert_eq!(json, Colour::Blue);
        assert!(serde_json::from_str::<Colour>("\"Blue\"").is_err());
    }

    #[test]
    fn ids_are_uuids_and_nothing_else() {
        let id = ThingId::new();
        assert_eq!(ThingId::parse(id.as_str()).unwrap(), id);
        for bad in [
            "",
            "1",
            "../etc/passwd",
            "0190d8a0-0000-7000-8000-00000000000g",
        ] {
            assert!(ThingId::parse(bad).is_err(), "{bad}");
        }
    }
}
