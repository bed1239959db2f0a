//! Domain enums in text columns, converted once at the store's boundary: a status, level or
//! rule is written from the core's enum and read back into it, never compared as a string
//! elsewhere. A value the core does not know is corrupt data: reading it is an error (logged
//! by whoever meets it), never a silent default.

use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::deserialize::{self, FromSql};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use tongban_core::case::CaseStatus;
use tongban_core::supervision::lifecycle::AlertStatus;
use tongban_core::supervision::{AlertLevel, AlertRule};

macro_rules! text_column {
    ($(#[$doc:meta])* $name:ident($ty:ty), $what:literal, $parse:expr) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        pub struct $name(pub $ty);

        impl From<$ty> for $name {
            fn from(value: $ty) -> Self {
                $name(value)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(text)
                    .map($name)
                    .ok_or_else(|| format!("unknown {} `{text}`", $what))
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                text.parse()
                    .map_err(|e: String| format!("{e} in the database").into())
            }
        }
    };
}

text_column!(
    /// A case's status (`cases.status`).
    StoredCaseStatus(CaseStatus),
    "case status",
    |s| s.parse().ok()
);
text_column!(
    /// An alert's level (`alerts.level`).
    StoredAlertLevel(AlertLevel),
    "alert level",
    |s| [AlertLevel::Yellow, AlertLevel::Red]
        .into_iter()
        .find(|l| l.as_str() == s)
);
text_column!(
    /// An alert's rule (`alerts.rule`).
    StoredAlertRule(AlertRule),
    "alert rule",
    |s| s.parse().ok()
);
text_column!(
    /// Where an alert stands in its lifecycle (`alerts.status`).
    StoredAlertStatus(AlertStatus),
    "alert status",
    AlertStatus::parse
);
