//! The words of the Charter language and the clauses each block may start:
//! the one vocabulary table is `charter_syntax::vocabulary`.

pub use charter_syntax::vocabulary::*;
