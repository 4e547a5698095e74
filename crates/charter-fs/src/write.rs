//! Atomic, exclusive writes (to be completed: see the trust issue, section 2).
