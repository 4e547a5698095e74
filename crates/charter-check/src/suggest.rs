//! "Did you mean": the defined name closest to an unknown one, found through
//! an index instead of comparing it with every name.
//!
//! The answer is the name at the smallest case-insensitive Levenshtein
//! distance (`strsim`), at most a third of the unknown name's length plus one,
//! the first defined among equals. Comparing every unknown name with every
//! defined one was quadratic (80,000 names and 20,000 unknown references took
//! minutes), so a [`NameIndex`] finds candidates in three steps:
//!
//! 1. Every name is indexed under a hash of its lowercase text and of each
//!    text with one character deleted (the symmetric-deletion index of
//!    SymSpell). Two texts within one edit always share one of these keys,
//!    and so do two texts one swap of neighbours apart (distance 2). A lookup
//!    costs one hash per character; the names it finds are measured exactly.
//! 2. When a name within one edit is found, it is the answer: every name that
//!    close shares a key, so none is missed.
//! 3. Otherwise, in a namespace of at most [`EXHAUSTIVE`] names (any real
//!    policy), every name is considered, which gives exactly the closest
//!    name; a name is measured only when its length and character counts
//!    allow it to beat the best so far, so most are dismissed at once. In a larger namespace the answer is the
//!    closest of the names sharing a key, or none: there a name two or more
//!    edits away is rarely the one meant, and measuring every name per unknown
//!    reference is what made checking quadratic.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// The most names a namespace may hold for step 3 to measure every name.
pub const EXHAUSTIVE: usize = 1024;

/// The largest distance at which `name` suggests anything.
fn limit(name: &str) -> usize {
    name.chars().count().max(3) / 3 + 1
}

/// Defined names of one namespace, in definition order, indexed for
/// [`NameIndex::closest`].
#[derive(Debug)]
pub struct NameIndex {
    names: Vec<String>,
    /// Lowercase names and their lengths in characters.
    lower: Vec<(String, usize)>,
    /// (key, name index) sorted by key: the hash of each lowercase name and
    /// of each of its one-character deletions.
    keys: Vec<(u64, u32)>,
    /// Where the keys starting with each value of their top `bits` bits
    /// begin in `keys` (and, last, its length): a lookup reads one short run
    /// instead of searching the whole list.
    starts: Vec<u32>,
    bits: u32,
    /// Each lowercase name's [`Histogram`], in a namespace small enough for
    /// step 3 (empty otherwise).
    histograms: Vec<Histogram>,
}

/// How many times each character occurs, folded into 64 counters. Each edit
/// changes the counts by at most 2 in all, so half the difference of two
/// histograms is a lower bound of the distance: most names are dismissed by
/// it without being measured.
type Histogram = [u8; 64];

fn histogram(chars: &[char]) -> Histogram {
    let mut h = [0u8; 64];
    for c in chars {
        let bucket = (u32::from(*c).wrapping_mul(0x9E37_79B1) >> 26) as usize;
        if let Some(n) = h.get_mut(bucket) {
            *n = n.saturating_add(1);
        }
    }
    h
}

/// A lower bound of the distance of two names by their histograms.
fn histogram_bound(a: &Histogram, b: &Histogram) -> usize {
    // Summed in 16 bits (at most 64 × 255), which the compiler vectorizes:
    // this runs once per name and unknown name in step 3.
    let l1 = a
        .iter()
        .zip(b)
        .fold(0u16, |sum, (x, y)| sum + u16::from(x.abs_diff(*y)));
    usize::from(l1).div_ceil(2)
}

impl NameIndex {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut index = NameIndex {
            names: Vec::new(),
            lower: Vec::new(),
            keys: Vec::new(),
            starts: Vec::new(),
            bits: 1,
            histograms: Vec::new(),
        };
        for name in names {
            let Ok(at) = u32::try_from(index.names.len()) else {
                break;
            };
            let lower = name.to_lowercase();
            let chars: Vec<char> = lower.chars().collect();
            index.keys.push((key(&chars, None), at));
            for skip in 0..chars.len() {
                index.keys.push((key(&chars, Some(skip)), at));
            }
            index.names.push(name.to_string());
            index.lower.push((lower, chars.len()));
        }
        index.keys.sort_unstable();
        index.keys.dedup();
        // About one key per directory entry.
        index.bits = index.keys.len().max(2).ilog2().clamp(1, 24);
        let entries = 1usize << index.bits;
        let mut at = 0usize;
        for prefix in 0..=entries {
            while index
                .keys
                .get(at)
                .is_some_and(|(k, _)| ((k >> (64 - index.bits)) as usize) < prefix)
            {
                at += 1;
            }
            index.starts.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        if index.names.len() <= EXHAUSTIVE {
            index.histograms = index
                .lower
                .iter()
                .map(|(text, _)| histogram(&text.chars().collect::<Vec<_>>()))
                .collect();
        }
        index
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names in definition order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The defined name closest to `name` (see the module documentation).
    pub fn closest(&self, name: &str) -> Option<&str> {
        let limit = limit(name);
        let lower = name.to_lowercase();
        let chars: Vec<char> = lower.chars().collect();
        let own = histogram(&chars);
        // (distance, index) of the best name so far.
        let mut best: Option<(usize, u32)> = None;
        let consider = |i: u32, best: &mut Option<(usize, u32)>| {
            let Some((text, len)) = self.lower.get(i as usize) else {
                return;
            };
            let mut bound = len.abs_diff(chars.len());
            if let Some(h) = self.histograms.get(i as usize) {
                bound = bound.max(histogram_bound(&own, h));
            }
            // Neither within the limit nor better than the best so far.
            if bound > limit || best.is_some_and(|b| (bound, i) >= b) {
                return;
            }
            let distance = strsim::levenshtein(&lower, text);
            if distance <= limit && best.is_none_or(|b| (distance, i) < b) {
                *best = Some((distance, i));
            }
        };
        let mut found: Vec<u32> = Vec::new();
        for skip in std::iter::once(None).chain((0..chars.len()).map(Some)) {
            let k = key(&chars, skip);
            found.extend(self.with_key(k));
        }
        found.sort_unstable();
        found.dedup();
        for i in found {
            consider(i, &mut best);
        }
        if best.is_none_or(|(d, _)| d > 1) && self.names.len() <= EXHAUSTIVE {
            for i in 0..self.names.len() {
                consider(u32::try_from(i).unwrap_or(u32::MAX), &mut best);
            }
        }
        best.and_then(|(_, i)| self.names.get(i as usize))
            .map(String::as_str)
    }
}

impl NameIndex {
    /// The names indexed under a key.
    fn with_key(&self, k: u64) -> impl Iterator<Item = u32> + '_ {
        let prefix = (k >> (64 - self.bits)) as usize;
        let start = self.starts.get(prefix).map_or(0, |&i| i as usize);
        let end = self.starts.get(prefix + 1).map_or(0, |&i| i as usize);
        self.keys
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .filter(move |(x, _)| *x == k)
            .map(|(_, i)| *i)
    }
}

/// The hash of `chars` without the character at `skip`.
fn key(chars: &[char], skip: Option<usize>) -> u64 {
    let mut h = DefaultHasher::new();
    for (i, c) in chars.iter().enumerate() {
        if Some(i) != skip {
            c.hash(&mut h);
        }
    }
    // No mark of whether a character was skipped: "abc" minus `c` must meet
    // "ab" itself (one insertion apart).
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `charter_diagnostics::did_you_mean` answers: every name measured.
    fn by_every_name<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
        let mut best: Option<(usize, &str)> = None;
        for n in names {
            let d = strsim::levenshtein(&name.to_lowercase(), &n.to_lowercase());
            if d <= limit(name) && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, n));
            }
        }
        best.map(|(_, n)| n)
    }

    #[test]
    fn suggests_the_closest_name_first_defined() {
        let names = ["Registered", "Select", "Premier", "Selected"];
        let index = NameIndex::new(names);
        assert_eq!(index.closest("Selcet"), Some("Select"));
        assert_eq!(index.closest("select"), Some("Select"));
        assert_eq!(index.closest("Selectd"), Some("Select"));
        assert_eq!(index.closest("Premeir"), Some("Premier"));
        assert_eq!(index.closest("zzz"), None);
        assert_eq!(NameIndex::new([]).closest("a"), None);
    }

    #[test]
    fn small_namespaces_answer_as_measuring_every_name() {
        let names = [
            "referral_fee",
            "subscription_discount",
            "free_licenses",
            "co_marketing",
            "sales_training",
            "dedicated_partner_manager",
            "Gold",
            "Goal",
            "gild",
            "ab",
            "ba",
            "abc",
        ];
        let index = NameIndex::new(names);
        for query in [
            "referal_fee",
            "refferal_fees",
            "subscriptiondiscount",
            "free_license",
            "comarketing",
            "sales_trainign",
            "dedicated_manager",
            "Gol",
            "gold",
            "Glod",
            "g",
            "ab",
            "abcd",
            "bac",
            "nothing_like_it",
            "",
        ] {
            assert_eq!(
                index.closest(query),
                by_every_name(query, &names),
                "{query}"
            );
        }
    }

    #[test]
    fn random_names_get_the_answer_of_measuring_every_name() {
        // A small alphabet, so that names are close to each other and ties
        // are common; case and a non-ASCII letter to exercise lowercasing.
        let mut seed: u64 = 7;
        let mut next = move |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        let alphabet: Vec<char> = "abcAB_ł1".chars().collect();
        let mut word = |max: u64| -> String {
            (0..1 + next(max))
                .map(|_| alphabet[next(alphabet.len() as u64) as usize])
                .collect()
        };
        let names: Vec<String> = (0..600).map(|_| word(9)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let index = NameIndex::new(refs.iter().copied());
        for _ in 0..1_000 {
            let query = word(11);
            assert_eq!(
                index.closest(&query),
                by_every_name(&query, &refs),
                "{query}"
            );
        }
    }

    #[test]
    fn large_namespaces_find_names_one_edit_or_one_swap_away() {
        let names: Vec<String> = (0..50_000).map(|i| format!("partner_{i:05}")).collect();
        let index = NameIndex::new(names.iter().map(String::as_str));
        // One substitution, insertion, deletion; one swap of neighbours.
        assert_eq!(index.closest("partner_12x45"), Some("partner_12045"));
        assert_eq!(index.closest("partner_123456"), Some("partner_12345"));
        assert_eq!(index.closest("partner_1234"), Some("partner_01234"));
        assert_eq!(index.closest("patrner_12345"), Some("partner_12345"));
        assert_eq!(index.closest("PARTNER_00007"), Some("partner_00007"));
    }
}
