//! Name tables: partner, customer and invoice ids and other names, interned
//! into compact ids so the simulator compares `u32`s, not strings.

use std::sync::OnceLock;

use crate::model::{CustomerId, InvoiceId, PartnerId, Symbol};

/// The name tables of one scenario.
///
/// Ids are dense and number names in order of first appearance in the
/// input. Invariants: the first `declared_partners` partner ids are the
/// partners the scenario declares, in order; `invoice_events[i]` is the index
/// of the event that declared invoice `i`, if one did.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub(crate) partners: Interner,
    pub(crate) customers: Interner,
    pub(crate) invoices: Interner,
    pub(crate) symbols: Interner,
    pub(crate) declared_partners: u32,
    /// `u32::MAX` for an invoice no event declares.
    pub(crate) invoice_events: Vec<u32>,
}

impl Names {
    /// The partner id as written in the scenario.
    pub fn partner(&self, id: PartnerId) -> &str {
        self.partners.name(id.0)
    }

    pub fn customer(&self, id: CustomerId) -> &str {
        self.customers.name(id.0)
    }

    pub fn invoice(&self, id: InvoiceId) -> &str {
        self.invoices.name(id.0)
    }

    /// A product, opportunity, activity kind, tier or qualification name.
    pub fn symbol(&self, id: Symbol) -> &str {
        self.symbols.name(id.0)
    }

    pub fn find_partner(&self, name: &str) -> Option<PartnerId> {
        self.partners.get(name).map(PartnerId)
    }

    pub fn find_customer(&self, name: &str) -> Option<CustomerId> {
        self.customers.get(name).map(CustomerId)
    }

    pub fn find_invoice(&self, name: &str) -> Option<InvoiceId> {
        self.invoices.get(name).map(InvoiceId)
    }

    /// The symbol for `name`, if any event uses it; compare events against
    /// policy names through this once instead of comparing strings.
    pub fn find_symbol(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).map(Symbol)
    }

    /// Whether the partner list declares `id` (events may name others).
    pub fn partner_is_declared(&self, id: PartnerId) -> bool {
        id.0 < self.declared_partners
    }

    /// Whether an `invoice` event declares `id` (payments and refunds may
    /// name others).
    pub fn invoice_is_declared(&self, id: InvoiceId) -> bool {
        self.invoice_event(id).is_some()
    }

    /// Index in `Scenario::events` of the `invoice` event declaring `id`.
    pub fn invoice_event(&self, id: InvoiceId) -> Option<u32> {
        self.invoice_events
            .get(id.0 as usize)
            .copied()
            .filter(|&event| event != u32::MAX)
    }

    /// Number of partner ids, declared or not.
    pub fn partner_count(&self) -> usize {
        self.partners.len()
    }

    pub fn customer_count(&self) -> usize {
        self.customers.len()
    }

    pub fn invoice_count(&self) -> usize {
        self.invoices.len()
    }

    pub fn symbol_count(&self) -> usize {
        self.symbols.len()
    }

    /// Every partner id, declared ones first.
    pub fn partner_ids(&self) -> impl Iterator<Item = PartnerId> {
        (0..self.partners.len() as u32).map(PartnerId)
    }
}

/// Maps strings to dense `u32` ids and back.
///
/// Names live end to end in one `String` (no allocation per name). The
/// open-addressing table that finds a name's id is built on first use:
/// the loader drops the tables of customers and invoices once loaded, as
/// the simulator reads them by id. A slot (16 bytes) holds 32 bits of hash,
/// the length and the first [`INLINE`] bytes of the name, so looking up a
/// name that short reads the table once. The table is at most three
/// quarters full.
#[derive(Clone, Default)]
pub(crate) struct Interner {
    /// Every name, one after the other.
    text: String,
    /// `ends[id]` is where name `id` ends in `text`; it starts where the
    /// previous one ends.
    ends: Vec<usize>,
    /// Power-of-two table, at most half full, once built.
    slots: OnceLock<Vec<Slot>>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// Bytes of a name kept in its slot: a longer name found by its slot is
/// compared with its text (recent names, whose text is still in cache, are
/// the ones looked up most).
pub(crate) const INLINE: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    /// See [`tag`].
    tag: u32,
    /// The name's id; `u32::MAX` marks an empty slot.
    id: u32,
    /// See [`prefix`].
    prefix: [u8; INLINE],
}

const EMPTY: Slot = Slot {
    tag: 0,
    id: u32::MAX,
    prefix: [0; INLINE],
};

/// High hash bits above, `min(len, 31)` in the low five bits: names with
/// different tags differ.
pub(crate) fn tag(hash: u64, name: &str) -> u32 {
    ((hash >> 32) as u32 & !0x1f) | name.len().min(31) as u32
}

/// Hash bits a tag keeps: the highest ones.
const TAG_HASH_BITS: u32 = 27;

/// Where a name whose hash is `hash` is looked for first in a table of
/// `mask + 1` slots: its highest hash bits, so that names lie in the table
/// in the order of their hashes.
fn home(hash: u64, mask: usize) -> usize {
    match mask.count_ones() {
        0 => 0,
        bits => (hash >> (64 - bits)) as usize,
    }
}

/// [`home`] from a tag, for tables of at most `2^TAG_HASH_BITS` slots.
fn home_of_tag(tag: u32, mask: usize) -> usize {
    ((tag >> 5) >> (TAG_HASH_BITS - mask.count_ones().min(TAG_HASH_BITS))) as usize
}

/// The first [`INLINE`] bytes of `name`, zero-padded: together with the
/// length in the tag, equal prefixes of short names mean equal names.
pub(crate) fn prefix(name: &str) -> [u8; INLINE] {
    let bytes = name.as_bytes();
    let mut prefix = [0; INLINE];
    let short = bytes.len().min(INLINE);
    prefix[..short].copy_from_slice(&bytes[..short]);
    prefix
}

impl Interner {
    /// The id of `name`, adding it if new. The loader caps the input size so
    /// ids fit in a `u32`.
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        self.make_room(1);
        self.intern_hashed(name, hash_str(name))
    }

    /// Interns every name of `names` in id order, `map[i]` becoming the id
    /// of its name `i`. A large table misses the caches on nearly every
    /// lookup: the names are hashed and their first slots read a batch at a
    /// time, so that the misses overlap, before they are looked up.
    pub(crate) fn intern_all(&mut self, names: &impl NameSeq, map: &mut Vec<u32>) {
        const BATCH: usize = 64;
        map.clear();
        map.reserve(names.len());
        self.make_room(names.len());
        let mut hashes = [0u64; BATCH];
        let mut seen = [0u32; BATCH];
        for first in (0..names.len()).step_by(BATCH) {
            let ids = first as u32..(first + BATCH).min(names.len()) as u32;
            for (hash, id) in hashes.iter_mut().zip(ids.clone()) {
                *hash = hash_str(names.name(id));
            }
            // Independent reads, so their misses overlap.
            if let Some(slots) = self.slots.get() {
                let mask = slots.len() - 1;
                for (seen, hash) in seen.iter_mut().zip(&hashes) {
                    *seen = slots[home(*hash, mask)].tag;
                }
                std::hint::black_box(&seen);
            }
            for (hash, id) in hashes.iter().zip(ids) {
                map.push(self.intern_hashed(names.name(id), *hash));
            }
        }
    }

    /// Makes the table large enough for `more` names beyond those it holds.
    fn make_room(&mut self, more: usize) {
        let needed = slots_for(self.ends.len() + more);
        let built = match self.slots.get() {
            Some(slots) => slots.len() >= needed,
            None => false,
        };
        if !built {
            self.slots = OnceLock::from(self.build(needed.next_power_of_two().max(16)));
        }
    }

    /// Like [`Interner::intern`] once the table has room, `hash` being the
    /// name's.
    fn intern_hashed(&mut self, name: &str, hash: u64) -> u32 {
        let Some(slots) = self.slots.get_mut() else {
            return u32::MAX;
        };
        match find(slots, &self.text, &self.ends, name, hash) {
            Ok(id) => id,
            Err(empty) => {
                let id = self.ends.len() as u32;
                slots[empty] = Slot {
                    tag: tag(hash, name),
                    id,
                    prefix: prefix(name),
                };
                self.text.push_str(name);
                self.ends.push(self.text.len());
                id
            }
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        let slots = self
            .slots
            .get_or_init(|| self.build(slots_for(self.ends.len()).next_power_of_two().max(16)));
        find(slots, &self.text, &self.ends, name, hash_str(name)).ok()
    }

    /// The name behind `id`; empty for an id this interner never gave out.
    pub(crate) fn name(&self, id: u32) -> &str {
        name_at(&self.text, &self.ends, id)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Frees the lookup table; [`Interner::get`] builds it again if needed.
    pub(crate) fn drop_table(&mut self) {
        self.slots = OnceLock::new();
    }

    /// Every name, in id order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| self.name(id))
    }

    /// A table of `capacity` slots (a power of two, at least
    /// [`slots_for`] the names) holding every name, read in id order.
    fn build(&self, capacity: usize) -> Vec<Slot> {
        let mut slots = vec![EMPTY; capacity];
        let mask = capacity - 1;
        let place = |slots: &mut [Slot], slot: Slot, home: usize| {
            let mut i = home;
            while slots[i].id != u32::MAX {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        };
        match self.slots.get() {
            // Growing: a slot's tag holds the hash bits that place it, and
            // as a name's place follows the high bits of its hash, reading
            // the old table in order writes the new one nearly in order.
            Some(old) if capacity <= 1 << TAG_HASH_BITS => {
                for slot in old.iter().filter(|slot| slot.id != u32::MAX) {
                    place(&mut slots, *slot, home_of_tag(slot.tag, mask));
                }
            }
            _ => {
                for id in 0..self.ends.len() as u32 {
                    let name = self.name(id);
                    let hash = hash_str(name);
                    let slot = Slot {
                        tag: tag(hash, name),
                        id,
                        prefix: prefix(name),
                    };
                    place(&mut slots, slot, home(hash, mask));
                }
            }
        }
        slots
    }
}

/// Names numbered from 0, read by number.
pub(crate) trait NameSeq {
    fn len(&self) -> usize;
    fn name(&self, i: u32) -> &str;
}

impl NameSeq for Interner {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn name(&self, i: u32) -> &str {
        name_at(&self.text, &self.ends, i)
    }
}

/// Names in the order they occur, repeats included, end to end in one
/// `String`: a chunk's customers and invoices, which repeat too little
/// within a chunk to be worth numbering there.
#[derive(Debug, Clone, Default)]
pub(crate) struct NameList {
    text: String,
    ends: Vec<usize>,
}

impl NameList {
    /// Appends `name`; returns its number.
    pub(crate) fn push(&mut self, name: &str) -> u32 {
        self.text.push_str(name);
        self.ends.push(self.text.len());
        // The loader caps events (and so names) below `u32::MAX`.
        (self.ends.len() - 1) as u32
    }
}

impl NameSeq for NameList {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn name(&self, i: u32) -> &str {
        name_at(&self.text, &self.ends, i)
    }
}

/// Slots a table needs for `names` names: a quarter stays empty.
fn slots_for(names: usize) -> usize {
    names + names / 3 + 1
}

fn name_at<'a>(text: &'a str, ends: &[usize], id: u32) -> &'a str {
    let id = id as usize;
    let Some(&end) = ends.get(id) else {
        return "";
    };
    let start = if id == 0 { 0 } else { ends[id - 1] };
    text.get(start..end).unwrap_or("")
}

/// The id of `name` in `slots`, or the empty slot where it would go. The
/// table must not be full.
fn find(slots: &[Slot], text: &str, ends: &[usize], name: &str, hash: u64) -> Result<u32, usize> {
    let mask = slots.len() - 1;
    let (tag, prefix) = (tag(hash, name), prefix(name));
    let mut i = home(hash, mask);
    loop {
        let slot = &slots[i];
        if slot.id == u32::MAX {
            return Err(i);
        }
        if slot.tag == tag
            && slot.prefix == prefix
            && (name.len() <= INLINE || name_at(text, ends, slot.id) == name)
        {
            return Ok(slot.id);
        }
        i = (i + 1) & mask;
    }
}

/// A multiply-and-fold hash in the style of rustc-hash 2 and foldhash: fast
/// on short keys and well mixed in every bit; the input is not hostile
/// enough to need SipHash.
pub(crate) fn hash_str(name: &str) -> u64 {
    const MUL_A: u64 = 0xf135_7aea_2e62_a9c5;
    const MUL_B: u64 = 0x2d35_8dcc_aa6c_78a5;
    let fold_multiply = |a: u64, b: u64| {
        let full = u128::from(a) * u128::from(b);
        (full as u64) ^ ((full >> 64) as u64)
    };
    let bytes = name.as_bytes();
    let mut hash = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = fold_multiply(hash ^ u64::from_le_bytes(word), MUL_A);
    }
    let rest = chunks.remainder();
    let mut word = [0u8; 8];
    word[..rest.len()].copy_from_slice(rest);
    hash = fold_multiply(
        hash ^ u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56),
        MUL_A,
    );
    fold_multiply(hash, MUL_B)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_dense_and_stable() {
        let mut i = Interner::default();
        assert_eq!(i.intern("acme"), 0);
        assert_eq!(i.intern("globex"), 1);
        assert_eq!(i.intern("acme"), 0);
        assert_eq!(i.name(1), "globex");
        assert_eq!(i.get("initech"), None);
        assert_eq!(i.len(), 2);
        assert_eq!(i.names().collect::<Vec<_>>(), ["acme", "globex"]);
        assert_eq!(i.name(7), "");
    }

    #[test]
    fn interning_survives_growth() {
        let mut i = Interner::default();
        let name = |n: u32| {
            let long = "x".repeat(n as usize % 40);
            format!("c{n:06}{long}")
        };
        for n in 0..10_000u32 {
            assert_eq!(i.intern(&name(n)), n);
        }
        i.intern("");
        i.intern("\0");
        for n in (0..10_000u32).rev() {
            assert_eq!(i.get(&name(n)), Some(n));
            assert_eq!(i.name(n), name(n));
        }
        assert_eq!(i.get(""), Some(10_000));
        assert_eq!(i.get("\0"), Some(10_001));
        assert_eq!(i.get("\0\0"), None);
        assert_eq!(i.get("c010000"), None);
        assert_eq!(i.get(&format!("{}y", name(39))), None);
    }
}
