//! PostgreSQL: the traces of a whole group commit locked first, in one global order.
//!
//! A group commit joins several requests, each of which writes its traces in sorted order;
//! two servers committing groups that share traces could still take the trace rows in
//! opposite orders and deadlock (PostgreSQL then aborts one after `deadlock_timeout`, 1 s by
//! default, and the writer retries). Taking a transaction-scoped advisory lock per trace,
//! sorted by key, in one statement before any row is written puts every ingest transaction
//! of every server in the same order: none can wait on another in a cycle. Two traces that
//! hash to the same key only share a lock (they commit one after the other), which is
//! harmless.

use sea_orm::{DbBackend, Statement, Value};

use crate::exclusive::lock_key;

/// First half of the per-trace advisory lock keys (`pg_advisory_xact_lock(int, int)`), apart
/// from the upkeep locks' class.
const TRACE_LOCK_CLASS: i32 = 0x7e1f;

/// The sorted, deduplicated lock keys of `project`'s traces.
pub(super) fn keys<'a>(project: i64, trace_ids: impl Iterator<Item = &'a str>) -> Vec<i32> {
    let mut keys: Vec<i32> = trace_ids
        .map(|id| lock_key(&format!("{project}:{id}")))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// One statement taking the locks of `keys` (sorted) in their order; they are released at
/// commit or rollback. `None` when there is nothing to lock.
pub(super) fn statement(mut keys: Vec<i32>) -> Option<Statement> {
    if keys.is_empty() {
        return None;
    }
    keys.sort_unstable();
    keys.dedup();
    let list: Vec<String> = keys.iter().map(i32::to_string).collect();
    Some(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1, k) FROM unnest($2::int4[]) WITH ORDINALITY AS u(k, i) \
         ORDER BY i",
        [
            Value::from(TRACE_LOCK_CLASS),
            Value::from(format!("{{{}}}", list.join(","))),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_unique_and_the_same_in_every_process() {
        let a = keys(1, ["b", "a", "b"].into_iter());
        assert_eq!(a.len(), 2);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, keys(1, ["a", "b"].into_iter()));
        assert_ne!(keys(1, ["a"].into_iter()), keys(2, ["a"].into_iter()));
    }

    #[test]
    fn one_statement_for_the_whole_group_and_none_for_nothing() {
        assert!(statement(Vec::new()).is_none());
        let s = statement(vec![3, -1, 3]).expect("a statement");
        assert!(s.sql.contains("pg_advisory_xact_lock"));
        let values = s.values.expect("bound values").0;
        assert_eq!(values[1], Value::from("{-1,3}".to_owned()));
    }
}
