//! Interning millions of name occurrences at once.
//!
//! Looking each name up in a hash table as its event is read costs a cache
//! miss per lookup as soon as the table outgrows the caches (a million events
//! name a quarter of a million customers), and those misses dominated
//! loading. So while parsing, the loader only collects every occurrence of a
//! customer, invoice or other name in order; this module then interns all
//! occurrences of one table together, partitioned by hash so that each
//! partition's table stays in cache, as partitioned hash joins do:
//!
//! 1. hash every occurrence and append a compact entry (hash, occurrence
//!    index, first bytes of the name) to its partition, so that each
//!    partition keeps input order;
//! 2. per partition, find the distinct names with a small table; the first
//!    entry of a name is its first occurrence;
//! 3. number the distinct names by first occurrence, so ids follow first
//!    appearance exactly as one-by-one interning would number them;
//! 4. give every occurrence its id, and lay out the names' text in id order.
//!
//! Every pass reads its input in order; only step 4's writes scatter.

use std::borrow::Cow;

use crate::names::{hash_str, prefix, tag, Interner, INLINE};

/// The names of one table and the id of each occurrence.
pub(crate) struct Resolved {
    pub names: Interner,
    /// `ids[i]` is the id of occurrence `i`, counting through the chunks in
    /// order.
    pub ids: Vec<u32>,
}

/// Partitions hold about this many occurrences, so that their tables (32
/// bytes a slot, at most half full) fit in the core's own cache.
const PER_PARTITION: usize = 1024;

/// An occurrence in partition order.
#[derive(Clone, Copy)]
struct Entry {
    /// Low hash bits, where a partition's table probes first.
    low: u32,
    tag: u32,
    occurrence: u32,
    prefix: [u8; INLINE],
}

/// A distinct name in a partition's table.
#[derive(Clone, Copy)]
struct Slot {
    tag: u32,
    /// Index in `first`; `u32::MAX` marks an empty slot.
    distinct: u32,
    prefix: [u8; INLINE],
}

const EMPTY: Slot = Slot {
    tag: 0,
    distinct: u32::MAX,
    prefix: [0; INLINE],
};

/// Interns the occurrences of one table, given as the chunks' lists in
/// order. Occurrence counts fit in a `u32`: the loader caps events far
/// below that.
pub(crate) fn resolve(chunks: &[&[Cow<str>]]) -> Resolved {
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let occurrences = || chunks.iter().flat_map(|c| c.iter());
    let bits = (total / PER_PARTITION).max(1).ilog2();
    let partition = |hash: u64| {
        if bits == 0 {
            0
        } else {
            (hash >> (64 - bits)) as usize
        }
    };

    // 1. Entries by partition.
    let expected = total >> bits;
    let mut partitions: Vec<Vec<Entry>> = (0..1usize << bits)
        .map(|_| Vec::with_capacity(expected + expected / 4))
        .collect();
    for (i, name) in occurrences().enumerate() {
        let hash = hash_str(name);
        partitions[partition(hash)].push(Entry {
            low: hash as u32,
            tag: tag(hash, name),
            occurrence: i as u32,
            prefix: prefix(name),
        });
    }
    let starts: Vec<usize> = partitions
        .iter()
        .scan(0, |start, entries| {
            let first = *start;
            *start += entries.len();
            Some(first)
        })
        .collect();

    // 2. Distinct names per partition; `first[d]` is the first occurrence of
    // distinct name `d`, `distinct[k]` the distinct name of entry `k`.
    let name_at = NameAt::new(chunks);
    let mut first: Vec<u32> = Vec::new();
    let mut distinct = vec![0u32; total];
    let mut table: Vec<Slot> = Vec::new();
    for (p, entries) in partitions.iter().enumerate() {
        let capacity = (entries.len() * 2).next_power_of_two().max(8);
        table.clear();
        table.resize(capacity, EMPTY);
        let mask = capacity - 1;
        for (k, entry) in (starts[p]..).zip(entries) {
            let mut i = entry.low as usize & mask;
            distinct[k] = loop {
                let slot = &mut table[i];
                if slot.distinct == u32::MAX {
                    let d = first.len() as u32;
                    *slot = Slot {
                        tag: entry.tag,
                        distinct: d,
                        prefix: entry.prefix,
                    };
                    first.push(entry.occurrence);
                    break d;
                }
                let long = (entry.tag & 0x1f) as usize > INLINE;
                if slot.tag == entry.tag
                    && slot.prefix == entry.prefix
                    && (!long
                        || name_at.get(first[slot.distinct as usize])
                            == name_at.get(entry.occurrence))
                {
                    break slot.distinct;
                }
                i = (i + 1) & mask;
            };
        }
    }
    drop(table);

    // 3. Ids in order of first appearance.
    let mut by_first: Vec<(u32, u32)> = first
        .iter()
        .enumerate()
        .map(|(d, &occurrence)| (occurrence, d as u32))
        .collect();
    by_first.sort_unstable();
    let mut id_of = vec![0u32; first.len()];
    for (id, &(_, d)) in by_first.iter().enumerate() {
        id_of[d as usize] = id as u32;
    }
    drop(by_first);

    // 4. Each occurrence's id, then the text in id order.
    let mut ids = vec![0u32; total];
    for (entry, &d) in partitions.iter().flatten().zip(&distinct) {
        ids[entry.occurrence as usize] = id_of[d as usize];
    }
    drop(partitions);
    let mut text = String::new();
    let mut ends = Vec::with_capacity(first.len());
    for (name, &id) in occurrences().zip(&ids) {
        if id as usize == ends.len() {
            text.push_str(name);
            ends.push(text.len());
        }
    }
    Resolved {
        names: Interner::from_parts(text, ends),
        ids,
    }
}

/// Finds an occurrence's name by its index through the chunks.
struct NameAt<'c, 'a> {
    chunks: &'c [&'c [Cow<'a, str>]],
    /// `bases[k]` is the index of chunk `k`'s first occurrence.
    bases: Vec<usize>,
}

impl<'c, 'a> NameAt<'c, 'a> {
    fn new(chunks: &'c [&'c [Cow<'a, str>]]) -> NameAt<'c, 'a> {
        let bases = chunks
            .iter()
            .scan(0, |base, chunk| {
                let start = *base;
                *base += chunk.len();
                Some(start)
            })
            .collect();
        NameAt { chunks, bases }
    }

    fn get(&self, occurrence: u32) -> &str {
        let i = occurrence as usize;
        let k = self
            .bases
            .partition_point(|&base| base <= i)
            .saturating_sub(1);
        self.chunks
            .get(k)
            .and_then(|chunk| chunk.get(i - self.bases[k]))
            .map_or("", |name| name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain way: one lookup per occurrence.
    fn one_by_one(chunks: &[&[Cow<str>]]) -> (Vec<String>, Vec<u32>) {
        let mut interner = Interner::default();
        let ids = chunks
            .iter()
            .flat_map(|c| c.iter())
            .map(|name| interner.intern(name))
            .collect();
        (interner.names().map(str::to_owned).collect(), ids)
    }

    #[test]
    fn matches_one_by_one_interning() {
        let long = "a-customer-id-longer-than-the-inline-prefix";
        let names: Vec<Cow<str>> = (0..20_000u32)
            .map(|n| {
                let n = (n * 7919) % 5_003;
                match n % 3 {
                    0 => Cow::Owned(format!("c{n:06}")),
                    1 => Cow::Owned(format!("{long}-{n}")),
                    _ => Cow::Owned(format!("{long}{}", "!".repeat(n as usize % 5))),
                }
            })
            .chain([Cow::Borrowed(""), Cow::Borrowed("\0"), Cow::Borrowed("")])
            .collect();
        for cut in [0, 1, 777, names.len()] {
            let chunks = [&names[..cut], &names[cut..]];
            let resolved = resolve(&chunks);
            let (expected_names, expected_ids) = one_by_one(&chunks);
            assert_eq!(resolved.ids, expected_ids);
            let got: Vec<&str> = resolved.names.names().collect();
            assert_eq!(got, expected_names);
            assert_eq!(resolved.names.get("c000000"), Some(0));
        }
        let empty = resolve(&[]);
        assert_eq!((empty.names.len(), empty.ids.len()), (0, 0));
    }
}
