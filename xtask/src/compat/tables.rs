//! Row-level snapshots of every table, compared before and after a migration: a migration
//! that drops a table or a column holding data, deletes rows or changes values fails here.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, FromQueryResult, Statement};
use serde_json::{Map, Value};

use super::snapshot::short;

/// The migrator's own bookkeeping table, left out of snapshots.
const MIGRATIONS_TABLE: &str = "seaql_migrations";

/// One table: its columns and its rows (column → value).
#[derive(Debug, Clone, PartialEq)]
pub struct TableDump {
    /// Column names, in table order.
    pub columns: Vec<String>,
    /// Rows, as the database returns them.
    pub rows: Vec<Map<String, Value>>,
}

/// Every table of a database, by name.
pub type Snapshot = BTreeMap<String, TableDump>;

/// The tables of the database (without the migrator's), by name.
pub async fn tables(db: &DatabaseConnection) -> Result<Vec<String>> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            // Partitions are left out: their rows are the partitioned table's.
            "SELECT c.relname::text FROM pg_class c \
             WHERE c.relnamespace = current_schema()::regnamespace \
             AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut names = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        if name != MIGRATIONS_TABLE {
            names.push(name);
        }
    }
    Ok(names)
}

/// The columns of `table`, in table order.
async fn columns(db: &DatabaseConnection, table: &str) -> Result<Vec<String>> {
    let backend = db.get_database_backend();
    let stmt = match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT name FROM pragma_table_info($1) ORDER BY cid",
            [table.into()],
        ),
    };
    let rows = db.query_all_raw(stmt).await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).map_err(Into::into))
        .collect()
}

/// Every row of every table.
pub async fn snapshot(db: &DatabaseConnection) -> Result<Snapshot> {
    let backend = db.get_database_backend();
    let mut out = Snapshot::new();
    for table in tables(db).await? {
        // Named columns, not `*`: a statement cached before a migration that changed the
        // table must not be reused for it.
        let columns = columns(db, &table).await?;
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let sql = format!("SELECT {} FROM \"{table}\"", list.join(", "));
        let rows = Value::find_by_statement(Statement::from_string(backend, sql))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|row| match row {
                Value::Object(map) => Some(map),
                _ => None,
            })
            .collect();
        out.insert(table, TableDump { columns, rows });
    }
    Ok(out)
}

/// What `after` lost or changed of `before`'s data, one line per table or column.
pub fn data_lost(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut problems = Vec::new();
    for (table, old) in before {
        let Some(new) = after.get(table) else {
            if !old.rows.is_empty() {
                problems.push(format!(
                    "table {table} was dropped with {} row(s)",
                    old.rows.len()
                ));
            }
            continue;
        };
        if new.rows.len() < old.rows.len() {
            problems.push(format!(
                "{table}: {} row(s) before the migration, {} after",
                old.rows.len(),
                new.rows.len()
            ));
        }
        for column in &old.columns {
            if let Some(problem) = column_lost(table, column, old, new) {
                problems.push(problem);
            }
        }
    }
    problems
}

/// The values of `column` in every row (a missing key reads as null).
fn values<'a>(dump: &'a TableDump, column: &str) -> impl Iterator<Item = &'a Value> {
    dump.rows
        .iter()
        .map(move |row| row.get(column).unwrap_or(&Value::Null))
}

/// Whether every value `old` had in `column` is still there in `new`.
fn column_lost(table: &str, column: &str, old: &TableDump, new: &TableDump) -> Option<String> {
    let held = values(old, column).filter(|v| !v.is_null()).count();
    if !new.columns.iter().any(|c| c == column) {
        return (held > 0).then(|| format!("{table}.{column} was dropped with {held} value(s)"));
    }
    let mut remaining: HashMap<String, usize> = HashMap::new();
    for value in values(new, column) {
        *remaining.entry(value.to_string()).or_default() += 1;
    }
    let mut missing = Vec::new();
    for value in values(old, column) {
        match remaining.get_mut(&value.to_string()) {
            Some(count) if *count > 0 => *count -= 1,
            _ => missing.push(value),
        }
    }
    let first = missing.first()?;
    Some(format!(
        "{table}.{column}: {} value(s) changed or lost, e.g. {}",
        missing.len(),
        short(first)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dump(columns: &[&str], rows: Value) -> TableDump {
        TableDump {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_object().unwrap().clone())
                .collect(),
        }
    }

    #[test]
    fn a_dropped_column_with_data_is_lost() {
        let before = Snapshot::from([("t".into(), dump(&["a", "b"], json!([{"a": 1, "b": "x"}])))]);
        let after = Snapshot::from([("t".into(), dump(&["a"], json!([{"a": 1}])))]);
        assert_eq!(
            data_lost(&before, &after),
            ["t.b was dropped with 1 value(s)"]
        );
    }

    #[test]
    fn added_columns_and_reordered_rows_are_fine() {
        let before = Snapshot::from([("t".into(), dump(&["a"], json!([{"a": 1}, {"a": 2}])))]);
        let after = Snapshot::from([(
            "t".into(),
            dump(&["a", "c"], json!([{"a": 2, "c": 0}, {"a": 1, "c": 0}])),
        )]);
        assert!(data_lost(&before, &after).is_empty());
    }

    #[test]
    fn changed_values_are_named() {
        let before = Snapshot::from([("t".into(), dump(&["a"], json!([{"a": "x"}])))]);
        let after = Snapshot::from([("t".into(), dump(&["a"], json!([{"a": null}])))]);
        assert_eq!(
            data_lost(&before, &after),
            [r#"t.a: 1 value(s) changed or lost, e.g. "x""#]
        );
    }
}
