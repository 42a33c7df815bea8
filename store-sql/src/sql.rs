//! Queries that run on either database, through sqlx's `Any` driver.
//!
//! The statements are written once, with SQLite's placeholders (`?`, `?N`); [`query`] numbers
//! them `$N`, which SQLite and PostgreSQL both read, as SQLite itself numbers them (a bare `?`
//! takes the largest number used so far plus one). What differs between the two dialects
//! beyond that goes through [`Dialect`].

use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow};
use sqlx::{Any, Arguments, Decode, Encode, Executor, FromRow, Type};

/// The database a store runs on, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The column that tells rows apart in tables without a key of their own (volunteers'
    /// absences, pairings): SQLite's rowid, an identity column on PostgreSQL.
    pub(crate) fn row_id(self) -> &'static str {
        match self {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "id",
        }
    }

    /// The larger of several values (SQLite's many-argument `max`).
    pub(crate) fn greatest(self) -> &'static str {
        match self {
            Dialect::Sqlite => "max",
            Dialect::Postgres => "GREATEST",
        }
    }

    /// The text values of a group joined by commas (order: the rows').
    pub(crate) fn joined(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("group_concat({column}, ',')"),
            Dialect::Postgres => format!("string_agg({column}, ',')"),
        }
    }

    /// The resident a stored push (JSON text in `column`) reports on, as an integer (NULL
    /// when it is no report).
    pub(crate) fn payload_resident(self, column: &str) -> String {
        match self {
            Dialect::Sqlite => format!("json_extract({column}, '$.body.report.resident')"),
            Dialect::Postgres => format!("CAST(CAST({column} AS jsonb) #>> '{{body,report,resident}}' AS BIGINT)"),
        }
    }
}

/// SQLite's placeholders numbered `$N` (text in quotes is left alone).
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    let mut highest = 0u32;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), _) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = if digits.is_empty() { highest + 1 } else { digits.parse().unwrap_or(u32::MAX) };
                highest = highest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            (None, _) => out.push(c),
        }
    }
    out
}

/// A statement and its arguments, run on a pool or a connection of either database.
pub(crate) struct Query<'q> {
    sql: String,
    args: AnyArguments<'q>,
    bad_argument: Option<sqlx::error::BoxDynError>,
}

/// A statement (`sqlx::query`, placeholders numbered).
pub(crate) fn query<'q>(sql: &str) -> Query<'q> {
    Query { sql: numbered(sql), args: AnyArguments::default(), bad_argument: None }
}

/// A statement whose rows are one value each (`sqlx::query_scalar`).
pub(crate) fn query_scalar<'q, O>(sql: &str) -> Scalar<'q, O> {
    Scalar { query: query(sql), output: std::marker::PhantomData }
}

/// A statement whose rows decode to `O` (`sqlx::query_as`).
pub(crate) fn query_as<'q, O>(sql: &str) -> As<'q, O> {
    As { query: query(sql), output: std::marker::PhantomData }
}

impl<'q> Query<'q> {
    pub(crate) fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
        if self.bad_argument.is_none() {
            if let Err(e) = self.args.add(value) {
                self.bad_argument = Some(e);
            }
        }
        self
    }

    fn ready(self) -> Result<(String, AnyArguments<'q>), sqlx::Error> {
        match self.bad_argument {
            Some(e) => Err(sqlx::Error::Encode(e)),
            None => Ok((self.sql, self.args)),
        }
    }

    pub(crate) async fn execute<'c, E: Executor<'c, Database = Any>>(
        self,
        e: E,
    ) -> Result<AnyQueryResult, sqlx::Error> {
        let (sql, args) = self.ready()?;
        sqlx::query_with(&sql, args).execute(e).await
    }

    pub(crate) async fn fetch_all<'c, E: Executor<'c, Database = Any>>(self, e: E) -> Result<Vec<AnyRow>, sqlx::Error> {
        let (sql, args) = self.ready()?;
        sqlx::query_with(&sql, args).fetch_all(e).await
    }

    pub(crate) async fn fetch_one<'c, E: Executor<'c, Database = Any>>(self, e: E) -> Result<AnyRow, sqlx::Error> {
        let (sql, args) = self.ready()?;
        sqlx::query_with(&sql, args).fetch_one(e).await
    }

    pub(crate) async fn fetch_optional<'c, E: Executor<'c, Database = Any>>(
        self,
        e: E,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        let (sql, args) = self.ready()?;
        sqlx::query_with(&sql, args).fetch_optional(e).await
    }
}

pub(crate) struct Scalar<'q, O> {
    query: Query<'q>,
    output: std::marker::PhantomData<fn() -> O>,
}

impl<'q, O> Scalar<'q, O>
where
    O: for<'r> Decode<'r, Any> + Type<Any> + Send + Unpin,
{
    pub(crate) fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub(crate) async fn fetch_all<'c, E: Executor<'c, Database = Any>>(self, e: E) -> Result<Vec<O>, sqlx::Error> {
        let (sql, args) = self.query.ready()?;
        sqlx::query_scalar_with(&sql, args).fetch_all(e).await
    }

    pub(crate) async fn fetch_one<'c, E: Executor<'c, Database = Any>>(self, e: E) -> Result<O, sqlx::Error> {
        let (sql, args) = self.query.ready()?;
        sqlx::query_scalar_with(&sql, args).fetch_one(e).await
    }

    pub(crate) async fn fetch_optional<'c, E: Executor<'c, Database = Any>>(
        self,
        e: E,
    ) -> Result<Option<O>, sqlx::Error> {
        let (sql, args) = self.query.ready()?;
        sqlx::query_scalar_with(&sql, args).fetch_optional(e).await
    }
}

pub(crate) struct As<'q, O> {
    query: Query<'q>,
    output: std::marker::PhantomData<fn() -> O>,
}

impl<'q, O> As<'q, O>
where
    O: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    pub(crate) fn bind<T: 'q + Encode<'q, Any> + Type<Any>>(mut self, value: T) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub(crate) async fn fetch_all<'c, E: Executor<'c, Database = Any>>(self, e: E) -> Result<Vec<O>, sqlx::Error> {
        let (sql, args) = self.query.ready()?;
        sqlx::query_as_with(&sql, args).fetch_all(e).await
    }

    pub(crate) async fn fetch_optional<'c, E: Executor<'c, Database = Any>>(
        self,
        e: E,
    ) -> Result<Option<O>, sqlx::Error> {
        let (sql, args) = self.query.ready()?;
        sqlx::query_as_with(&sql, args).fetch_optional(e).await
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        let cases = [
            ("SELECT 1", "SELECT 1"),
            ("a = ? AND b = ?", "a = $1 AND b = $2"),
            ("?1 IS NULL OR x = ?1 LIMIT ?2", "$1 IS NULL OR x = $1 LIMIT $2"),
            ("x = ?2 AND y = ?", "x = $2 AND y = $3"),
            ("x = '?' AND y = ?", "x = '?' AND y = $1"),
            ("\"odd?\" = ?", "\"odd?\" = $1"),
            ("a = ?1, b = ?, c = ?1", "a = $1, b = $2, c = $1"),
        ];
        for (sqlite, both) in cases {
            assert_eq!(numbered(sqlite), both, "{sqlite}");
        }
    }
}
