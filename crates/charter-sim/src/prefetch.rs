//! A hint that memory will be read soon, for loops that read a large table
//! out of order (phase (a) reads each customer's events where the input put
//! them). Only a hint: it never changes what the code computes.

/// Asks the processor to bring `item`'s cache line in (a no-op where the
/// target has no stable prefetch instruction).
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    // SAFETY: a prefetch reads nothing the program sees and never faults,
    // whatever the address; this one is a live reference's. SSE, which the
    // instruction needs, is part of every x86_64 target.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            (item as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
