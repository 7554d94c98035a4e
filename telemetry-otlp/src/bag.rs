//! The attributes of one incoming span, sorted by key, taken out one by one as they are
//! mapped; what is left at the end is kept as metadata so nothing is silently lost.

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value::Value as Av};
use serde_json::{Map, Value};

use crate::value;

/// Bags of at most this many attributes are searched by a scan instead of the hash index.
const SCAN_MAX: usize = 12;

/// Largest array index accepted when unflattening `prefix.N.field` keys.
const MAX_INDEX: usize = 4096;

struct Entry {
    key: String,
    value: Option<Av>,
    live: bool,
}

/// Attributes of one span: sorted by key (for prefix scans), with an index sorted by key
/// hash (for the many point lookups, most of them of absent keys) and a one-word filter of
/// the namespaces present (the text before the first dot) for prefix scans. A small bag (a
/// `tracing` span's few fields) has no hash index: a scan comparing lengths first costs less
/// than hashing each of the ~100 keys the mapping tries.
pub(crate) struct Bag {
    entries: Vec<Entry>,
    by_hash: Vec<(u64, u32)>,
    namespaces: u64,
}

/// FNV-1a of the whole key.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The filter bit of a key's namespace (FNV-1a of the text before the first dot).
fn namespace_bit(key: &str) -> u64 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in key.bytes().take_while(|b| *b != b'.') {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    1u64 << (hash & 63)
}

impl Bag {
    /// Sorts the attributes; when a key repeats, the last value wins.
    pub(crate) fn new(attributes: Vec<KeyValue>) -> Self {
        let mut entries: Vec<Entry> = attributes
            .into_iter()
            .map(|kv| Entry {
                key: kv.key,
                value: kv.value.and_then(|v| v.value),
                live: true,
            })
            .collect();
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        entries.dedup_by(|later, earlier| {
            if later.key == earlier.key {
                std::mem::swap(later, earlier);
                true
            } else {
                false
            }
        });
        let mut by_hash: Vec<(u64, u32)> = Vec::new();
        if entries.len() > SCAN_MAX {
            by_hash = entries
                .iter()
                .enumerate()
                .map(|(i, e)| (key_hash(&e.key), u32::try_from(i).unwrap_or(u32::MAX)))
                .collect();
            by_hash.sort_unstable();
        }
        let namespaces = entries.iter().fold(0, |m, e| m | namespace_bit(&e.key));
        Bag {
            entries,
            by_hash,
            namespaces,
        }
    }

    fn index(&self, key: &str) -> Option<usize> {
        if self.entries.len() <= SCAN_MAX {
            return self
                .entries
                .iter()
                .position(|e| e.key.len() == key.len() && e.key == key)
                .filter(|i| self.entries[*i].live);
        }
        if self.namespaces & namespace_bit(key) == 0 {
            return None;
        }
        let hash = key_hash(key);
        let start = self.by_hash.partition_point(|(h, _)| *h < hash);
        self.by_hash[start..]
            .iter()
            .take_while(|(h, _)| *h == hash)
            .map(|(_, i)| *i as usize)
            .find(|i| self.entries.get(*i).is_some_and(|e| e.key == key))
            .filter(|i| self.entries[*i].live)
    }

    /// The value of `key`, if present and not yet taken.
    pub(crate) fn peek(&self, key: &str) -> Option<&Av> {
        self.index(key).and_then(|i| self.entries[i].value.as_ref())
    }

    /// The value of `key` when it is a string.
    pub(crate) fn peek_str(&self, key: &str) -> Option<&str> {
        match self.peek(key)? {
            Av::StringValue(s) => Some(s),
            _ => None,
        }
    }

    /// Takes `key` out as a string (moved, not copied, when it is one); numbers and booleans
    /// are printed; other values are left in the bag.
    pub(crate) fn take_string(&mut self, key: &str) -> Option<String> {
        let i = self.index(key)?;
        let entry = &mut self.entries[i];
        let s = match entry.value.as_mut()? {
            Av::StringValue(s) => std::mem::take(s),
            other => value::as_string(other)?,
        };
        entry.live = false;
        Some(s)
    }

    /// Whether `key` is present and not yet taken.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.index(key).is_some()
    }

    /// Takes `key` out.
    pub(crate) fn take(&mut self, key: &str) -> Option<Av> {
        let i = self.index(key)?;
        self.entries[i].live = false;
        self.entries[i].value.take()
    }

    /// Drops `key`.
    pub(crate) fn remove(&mut self, key: &str) {
        if let Some(i) = self.index(key) {
            self.entries[i].live = false;
        }
    }

    /// Takes `key` out if `parse` accepts its value; leaves it otherwise.
    pub(crate) fn take_as<T>(&mut self, key: &str, parse: impl Fn(&Av) -> Option<T>) -> Option<T> {
        let parsed = parse(self.peek(key)?)?;
        self.remove(key);
        Some(parsed)
    }

    /// Fills an empty `slot` from `key`; also takes `key` when it repeats the slot's value.
    /// A conflicting value is left in the bag (it ends in metadata).
    pub(crate) fn fill<T: PartialEq>(
        &mut self,
        slot: &mut Option<T>,
        key: &str,
        parse: impl Fn(&Av) -> Option<T>,
    ) {
        let Some(parsed) = self.peek(key).and_then(&parse) else {
            return;
        };
        match slot {
            None => *slot = Some(parsed),
            Some(current) if *current == parsed => {}
            Some(_) => return,
        }
        self.remove(key);
    }

    /// Whether any live key starts with `prefix`.
    pub(crate) fn has_prefix(&self, prefix: &str) -> bool {
        if self.namespaces & namespace_bit(prefix) == 0 {
            return false;
        }
        let start = self.entries.partition_point(|e| e.key.as_str() < prefix);
        self.entries[start..]
            .iter()
            .take_while(|e| e.key.starts_with(prefix))
            .any(|e| e.live)
    }

    /// Takes every key starting with `prefix`, returning the rest of each key and its value.
    pub(crate) fn take_prefix(&mut self, prefix: &str) -> Vec<(String, Option<Av>)> {
        let start = self.entries.partition_point(|e| e.key.as_str() < prefix);
        self.entries[start..]
            .iter_mut()
            .take_while(|e| e.key.starts_with(prefix))
            .filter(|e| e.live)
            .map(|e| {
                e.live = false;
                (e.key[prefix.len()..].to_owned(), e.value.take())
            })
            .collect()
    }

    /// Takes `prefix.N.field…` keys and rebuilds the JSON they were flattened from (numeric
    /// segments become array indices). Keys that do not fit the shape are left in the bag.
    pub(crate) fn unflatten(&mut self, prefix: &str) -> Option<Value> {
        if !self.has_prefix(prefix) {
            return None;
        }
        let mut root = Value::Null;
        let mut rejected = Vec::new();
        for (rest, v) in self.take_prefix(prefix) {
            let leaf = v.map_or(Value::Null, |v| value::to_json(value::wrap(v)));
            if !insert_path(&mut root, &rest, leaf.clone()) {
                rejected.push((format!("{prefix}{rest}"), leaf));
            }
        }
        self.restore(rejected);
        (!root.is_null()).then_some(root)
    }

    fn restore(&mut self, rejected: Vec<(String, Value)>) {
        for (key, v) in rejected {
            if let Ok(i) = self.entries.binary_search_by(|e| e.key.cmp(&key)) {
                self.entries[i].live = true;
                self.entries[i].value = value::from_json(&v).value;
            }
        }
    }

    /// Everything not taken, in key order.
    pub(crate) fn into_rest(self) -> impl Iterator<Item = (String, Value)> {
        self.entries.into_iter().filter(|e| e.live).map(|e| {
            let v = e
                .value
                .map_or(Value::Null, |v| value::to_json(value::wrap(v)));
            (e.key, v)
        })
    }

    /// Moves what is left into `map`, without overwriting keys already there.
    pub(crate) fn drain_into(self, map: &mut Map<String, Value>) {
        for (k, v) in self.into_rest() {
            map.entry(k).or_insert(v);
        }
    }
}

fn insert_path(root: &mut Value, path: &str, leaf: Value) -> bool {
    let mut node = root;
    for segment in path.split('.') {
        node = match segment.parse::<usize>() {
            Ok(i) if i <= MAX_INDEX => {
                if node.is_null() {
                    *node = Value::Array(Vec::new());
                }
                let Value::Array(items) = node else {
                    return false;
                };
                if items.len() <= i {
                    items.resize(i + 1, Value::Null);
                }
                &mut items[i]
            }
            Ok(_) => return false,
            Err(_) => {
                if node.is_null() {
                    *node = Value::Object(Map::new());
                }
                let Value::Object(map) = node else {
                    return false;
                };
                map.entry(segment.to_owned()).or_insert(Value::Null)
            }
        };
    }
    if !node.is_null() {
        return false;
    }
    *node = leaf;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bag(pairs: &[(&str, &str)]) -> Bag {
        Bag::new(
            pairs
                .iter()
                .map(|(k, v)| value::kv(k, value::string(v)))
                .collect(),
        )
    }

    #[test]
    fn unflattens_indexed_keys() {
        let mut b = bag(&[
            ("p.0.role", "user"),
            ("p.0.content", "hi"),
            ("p.1.tool_calls.0.name", "f"),
            ("q", "x"),
        ]);
        let v = b.unflatten("p.").unwrap();
        assert_eq!(
            v,
            json!([{"role": "user", "content": "hi"}, {"tool_calls": [{"name": "f"}]}])
        );
        assert!(b.has("q"));
        assert!(!b.has_prefix("p."));
    }

    #[test]
    fn conflicting_and_huge_paths_stay_in_the_bag() {
        let mut b = bag(&[("p.a", "1"), ("p.a.b", "2"), ("p.999999.x", "3")]);
        let v = b.unflatten("p.").unwrap();
        assert_eq!(v, json!({"a": "1"}));
        let rest: Vec<_> = b.into_rest().map(|(k, _)| k).collect();
        assert_eq!(rest, vec!["p.999999.x".to_owned(), "p.a.b".to_owned()]);
    }

    #[test]
    fn fill_keeps_conflicts() {
        let mut b = bag(&[("a", "x"), ("b", "y"), ("c", "x")]);
        let mut slot = None;
        b.fill(&mut slot, "a", value::as_string);
        b.fill(&mut slot, "b", value::as_string);
        b.fill(&mut slot, "c", value::as_string);
        assert_eq!(slot.as_deref(), Some("x"));
        let rest: Vec<_> = b.into_rest().map(|(k, _)| k).collect();
        assert_eq!(rest, vec!["b".to_owned()]);
    }

    #[test]
    fn small_and_large_bags_find_the_same_keys() {
        for n in [1usize, SCAN_MAX, SCAN_MAX + 1, 40] {
            let keys: Vec<String> = (0..n).map(|i| format!("gen_ai.k{i}")).collect();
            let pairs: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "v")).collect();
            let mut b = bag(&pairs);
            for k in &keys {
                assert!(b.has(k), "{n}: {k}");
            }
            assert!(!b.has("gen_ai.absent"), "{n}");
            assert!(!b.has("gen_ai.k"), "{n}");
            assert_eq!(b.take(&keys[0]), Some(value::string("v")));
            assert!(!b.has(&keys[0]), "{n}: a taken key is gone");
        }
    }

    #[test]
    fn last_duplicate_wins() {
        let mut b = bag(&[("a", "1"), ("a", "2")]);
        assert_eq!(b.take("a"), Some(value::string("2")));
        assert!(!b.has("a"));
    }
}
