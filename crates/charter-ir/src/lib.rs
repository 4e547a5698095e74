//! Charter's typed IR: the meaning of a policy, with every literal's unit
//! checked ([`units`]), built from syntax trees by [`lower()`].
//!
//! Names stay unresolved [`model::NameRef`]s here; `charter-check` resolves them.

pub mod countries;
pub mod lower;
pub mod model;
pub mod units;

pub use lower::{lower, LiteralChecker, Lowered};
pub use model::*;
pub use units::{Duration, DurationUnit, Money, Percent};
