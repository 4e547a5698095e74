//! A hint that memory will be read soon, for loops that read a large table
//! out of order (phase (a) reads each customer's events where the input put
//! them; the JSON report reads each payout's explanation where phase (b)
//! left it; the payouts are gathered into the report's order from every
//! partner's). Only a hint: it never changes what the code computes.

/// Asks the processor to bring `item`'s cache line in (a no-op where the
/// target has no stable prefetch instruction).
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    prefetch_address((item as *const T).cast());
}

/// [`prefetch`] for every cache line of `item`, for values larger than one.
#[inline(always)]
pub(crate) fn prefetch_whole<T>(item: &T) {
    prefetch_span(item as *const T);
}

/// [`prefetch_whole`] for the `T` at `at`, which need not be valid: nothing
/// is read.
#[inline(always)]
pub(crate) fn prefetch_span<T>(at: *const T) {
    const LINE: usize = 64;
    let (start, size): (*const u8, usize) = (at.cast(), std::mem::size_of::<T>());
    for offset in (0..size).step_by(LINE) {
        prefetch_address(start.wrapping_add(offset));
    }
    // The last byte's line, when the value straddles one more.
    prefetch_address(start.wrapping_add(size.saturating_sub(1)));
}

#[inline(always)]
fn prefetch_address(address: *const u8) {
    // SAFETY: a prefetch reads nothing the program sees and never faults,
    // whatever the address. SSE, which the instruction needs, is part of
    // every x86_64 target.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(address.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
