//! §4 **Contested customers.**
//!
//! > With several claims, `claims` decides: the earliest, the latest, an
//! > exclusive one, or a split of each commission between the earliest claimant
//! > of each listed track (if only one listed track has a claimant, the
//! > earliest claim takes all).
//!
//! > "Earliest" and "latest" compare the date the claim takes effect, then its
//! > anchor (the referral, registration, attachment or sale date), then the
//! > order in which the replay made the claims — never the file's line order.
//!
//! The claims are those that count at the moment (see `attribution`), so a
//! later claim can take a customer over (`last`, or an exclusive claim under
//! `exclusive_first`) from then on. Under `exclusive_first` the earliest
//! exclusive claim wins, else the earliest claim. `split` is not covered by the
//! reference.

use charter_ir::ClaimPolicy;
use charter_scenario::CustomerId;

use crate::attribution::{claims, Claim};
use crate::world::World;
use crate::Unsupported;

/// The claim that owns `customer` at `now`, if any.
pub fn owner(
    world: &World,
    now: usize,
    customer: CustomerId,
) -> Result<Option<Claim>, Unsupported> {
    let mut claims = claims(world, now, customer)?;
    claims.sort_by_key(|c| (c.date, c.anchor, c.made));
    Ok(match &world.program.claims {
        ClaimPolicy::First => claims.first().cloned(),
        ClaimPolicy::Last => claims.last().cloned(),
        ClaimPolicy::ExclusiveFirst => claims
            .iter()
            .find(|c| c.exclusive)
            .or(claims.first())
            .cloned(),
        ClaimPolicy::Split { .. } => return Err(Unsupported::Feature("claims split")),
    })
}
