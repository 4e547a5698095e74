//! Moving many large records on every core, each record once: into buckets
//! ([`scatter`]: the credits of phase (a) to the partner ranges of phase (b))
//! and into order ([`sort_moving_once`]: the payouts into the report's
//! order). Both keep the order a sequential walk would give, so their result
//! is the same on any number of threads.

use rayon::prelude::*;
use std::mem::MaybeUninit;

/// About how many items a part passed to [`scatter`] holds: a part is freed
/// once it is moved, so about one part per core is held twice at a time.
/// 300,000 credits of 120 bytes are 36 MB, above the size (32 MB at most)
/// from which glibc's allocator maps memory apart: a part freed goes back
/// to the system. (Parts of 65,536 credits went back to the allocator and
/// raised the peak resident memory at 1M events from 310 to 396 MB.)
pub(crate) const PART: usize = 300_000;

/// Items gathered into parts of about [`PART`] items.
pub(crate) struct Parts<T> {
    done: Vec<Vec<T>>,
    open: Vec<T>,
}

impl<T> Parts<T> {
    pub fn new() -> Self {
        Parts {
            done: Vec::new(),
            open: Vec::new(),
        }
    }

    /// The part to push about `n` more items into: a new one when the open
    /// one would grow past [`PART`] (reserved once, not grown by doubling;
    /// untouched capacity costs no memory).
    pub fn room(&mut self, n: usize) -> &mut Vec<T> {
        if self.open.len() + n > self.open.capacity() {
            let next = Vec::with_capacity(PART.max(n));
            let full = std::mem::replace(&mut self.open, next);
            if !full.is_empty() {
                self.done.push(full);
            }
        }
        &mut self.open
    }

    pub fn finish(mut self) -> Vec<Vec<T>> {
        if !self.open.is_empty() {
            self.done.push(self.open);
        }
        self.done
    }
}

/// Moves the items of `parts` into `buckets` buckets, item `x` into bucket
/// `bucket(&x)` (below `buckets`): each bucket holds its items in the order
/// of the parts, each part's in its order — as if the parts were walked one
/// after the other, pushing each item to its bucket. The parts are moved on
/// every core, each into ranges of the buckets counted out for it first; a
/// part's memory is freed once it is moved.
pub(crate) fn scatter<T: Send + Sync>(
    parts: Vec<Vec<T>>,
    buckets: usize,
    bucket: impl Fn(&T) -> usize + Sync,
) -> Vec<Vec<T>> {
    // How many items each part sends to each bucket.
    let counts: Vec<Vec<usize>> = parts
        .par_iter()
        .map(|part| {
            let mut n = vec![0usize; buckets];
            for x in part {
                n[bucket(x)] += 1;
            }
            n
        })
        .collect();
    let totals: Vec<usize> = (0..buckets)
        .map(|b| counts.iter().map(|n| n[b]).sum())
        .collect();
    let mut out: Vec<Vec<T>> = totals.iter().map(|&t| Vec::with_capacity(t)).collect();
    // Each bucket's free room cut into one range per part, in part order.
    let mut ranges: Vec<Vec<&mut [MaybeUninit<T>]>> = (0..parts.len())
        .map(|_| Vec::with_capacity(buckets))
        .collect();
    for (b, v) in out.iter_mut().enumerate() {
        let mut room = v.spare_capacity_mut();
        for (p, n) in counts.iter().enumerate() {
            let (mine, rest) = std::mem::take(&mut room).split_at_mut(n[b]);
            ranges[p].push(mine);
            room = rest;
        }
    }
    parts
        .into_par_iter()
        .zip(ranges)
        .for_each(|(part, mut ranges)| {
            let mut next = vec![0usize; buckets];
            for x in part {
                let b = bucket(&x);
                ranges[b][next[b]].write(x);
                next[b] += 1;
            }
            // Each range filled (else a slot would stay unwritten).
            for (range, &n) in ranges.iter().zip(&next) {
                assert_eq!(range.len(), n, "a part moved other items than it counted");
            }
        });
    for (v, &total) in out.iter_mut().zip(&totals) {
        // SAFETY: the first `total` slots of `v`'s capacity are the ranges
        // of the parts, one after the other, and each part wrote every slot
        // of its ranges (checked above: a part that did not panicked, and
        // the panic left the scope before this line).
        unsafe { v.set_len(total) };
    }
    out
}

/// The items of `sources` (taken one after the other) sorted by `key`,
/// ties in that order (a stable sort): the keys are sorted with the items'
/// positions, then each item is moved once, to its place, on every core.
/// For large items this costs far less than sorting the items themselves.
pub(crate) fn sort_moving_once<T: Send + Sync>(
    mut sources: Vec<Vec<T>>,
    key: impl Fn(&T) -> (u64, u32) + Sync,
) -> Vec<T> {
    let mut starts = Vec::with_capacity(sources.len() + 1);
    starts.push(0usize);
    for s in &sources {
        starts.push(starts[starts.len() - 1] + s.len());
    }
    let n = starts[sources.len()];
    assert!(u32::try_from(n).is_ok(), "too many items to sort");
    // Key, then position: every entry differs, so the unstable sort's
    // result is the one order, ties in position order.
    let mut keys: Vec<u128> = Vec::with_capacity(n);
    for (s, &start) in sources.iter().zip(&starts) {
        keys.par_extend(s.par_iter().enumerate().map(|(i, x)| {
            let (a, b) = key(x);
            (u128::from(a) << 64) | (u128::from(b) << 32) | (start + i) as u128
        }));
    }
    keys.par_sort_unstable();
    let from: Vec<Source<T>> = sources
        .iter_mut()
        .map(|s| {
            let ptr = s.as_ptr();
            // SAFETY: the items are moved out below, each once (`keys` holds
            // every position once); with length 0 the vector only frees
            // its memory when dropped, after the moves.
            unsafe { s.set_len(0) };
            Source(ptr)
        })
        .collect();
    let item = |k: u128| {
        let at = k as u32 as usize;
        let s = starts.partition_point(|&st| st <= at) - 1;
        (s, at - starts[s])
    };
    let mut out: Vec<T> = Vec::with_capacity(n);
    out.spare_capacity_mut()
        .par_chunks_mut(GATHER)
        .zip(keys.par_chunks(GATHER))
        .for_each(|(slots, keys)| {
            for (j, (slot, &k)) in slots.iter_mut().zip(keys).enumerate() {
                // The items are read out of order: ask for the ones a few
                // steps ahead early.
                if let Some(&ahead) = keys.get(j + AHEAD) {
                    let (s, i) = item(ahead);
                    crate::prefetch::prefetch_span(from[s].0.wrapping_add(i));
                }
                let (s, i) = item(k);
                // SAFETY: item `i` of source `s` is alive (its vector is
                // kept until the end of the function) and read only here,
                // once: the positions in `keys` are 0..n, each once.
                slot.write(unsafe { from[s].0.add(i).read() });
            }
        });
    // SAFETY: the loop above wrote each of the `n` slots.
    unsafe { out.set_len(n) };
    drop(sources);
    out
}

/// How many items a core moves at a time, and how many steps ahead it asks
/// for an item's memory.
const GATHER: usize = 1 << 14;
const AHEAD: usize = 16;

/// Where a source's items start, read from every core (each item by one).
struct Source<T>(*const T);

// SAFETY: a `Source` is only used to move items of type `T` out, each once,
// to whichever thread reads it: what `T: Send` allows.
unsafe impl<T: Send> Sync for Source<T> {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{scatter, sort_moving_once};
    use proptest::prelude::*;

    proptest! {
        /// Each bucket holds its items in the parts' order, none lost, on
        /// a pool of any size; the items are dropped once (`String`s).
        #[test]
        fn scatter_keeps_each_buckets_order(
            parts in prop::collection::vec(prop::collection::vec(0usize..7, 0..40), 0..9),
            threads in 1usize..4,
        ) {
            let buckets = 7;
            let tagged: Vec<Vec<String>> = parts
                .iter()
                .enumerate()
                .map(|(p, part)| part.iter().enumerate().map(|(i, b)| format!("{b}:{p}:{i}")).collect())
                .collect();
            let mut expected = vec![Vec::new(); buckets];
            for x in tagged.iter().flatten() {
                expected[bucket_of(x)].push(x.clone());
            }
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let got = pool.install(|| scatter(tagged, buckets, |x| bucket_of(x)));
            prop_assert_eq!(got, expected);
        }

        /// The same order as a stable sort by key (the engine's old
        /// unstable sort gave it whenever no two items shared a key),
        /// ties included, from any number of sources.
        #[test]
        fn sort_moving_once_is_a_stable_sort(
            sources in prop::collection::vec(
                prop::collection::vec((0u64..4, 0u32..3), 0..60), 0..6),
            threads in 1usize..4,
        ) {
            let tagged: Vec<Vec<(u64, u32, String)>> = sources
                .iter()
                .enumerate()
                .map(|(s, v)| v.iter().enumerate().map(|(i, &(a, b))| (a << 40, b, format!("{s}:{i}"))).collect())
                .collect();
            let mut expected: Vec<(u64, u32, String)> = tagged.iter().flatten().cloned().collect();
            expected.sort_by_key(|x| (x.0, x.1));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let got = pool.install(|| sort_moving_once(tagged, |x| (x.0, x.1)));
            prop_assert_eq!(got, expected);
        }
    }

    fn bucket_of(x: &str) -> usize {
        x.split(':')
            .next()
            .and_then(|b| b.parse().ok())
            .unwrap_or(0)
    }
}
