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
//!
//! > A track with its own `claims` rule (`track Affiliate { claims last }`)
//! > first keeps one of its partners' claims by that rule; the program's
//! > `claims` then decides between the claims left.
//!
//! Read plainly: every claim of a partner whose track (§4 Attribution: the
//! roster's or scenario's, else the one assumed) has its own rule is dropped
//! unless that rule, applied to the claims of the track's partners alone,
//! picks it.

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
    if matches!(world.program.claims, ClaimPolicy::Split { .. }) {
        return Err(Unsupported::Feature("claims split"));
    }
    let tracks: Vec<Option<String>> = claims
        .iter()
        .map(|c| crate::attribution::track(world, now, &crate::facts::facts(world, c.partner)))
        .collect();
    let own_rule = |track: &Option<String>| {
        let name = track.as_deref()?;
        let group = world.program.tracks.iter().find(|t| t.name.name == name)?;
        group.claims.as_ref().map(|(rule, _)| rule)
    };
    let mut left = Vec::new();
    for (i, claim) in claims.iter().enumerate() {
        let kept = match own_rule(&tracks[i]) {
            None => true,
            Some(rule) => {
                let of_track: Vec<Claim> = claims
                    .iter()
                    .zip(&tracks)
                    .filter(|(_, t)| **t == tracks[i])
                    .map(|(c, _)| c.clone())
                    .collect();
                decide(rule, &of_track).is_some_and(|k| k.made == claim.made)
            }
        };
        if kept {
            left.push(claim.clone());
        }
    }
    Ok(decide(&world.program.claims, &left))
}

/// What `rule` picks among `claims`, sorted from the earliest.
fn decide(rule: &ClaimPolicy, claims: &[Claim]) -> Option<Claim> {
    match rule {
        ClaimPolicy::First | ClaimPolicy::Split { .. } => claims.first().cloned(),
        ClaimPolicy::Last => claims.last().cloned(),
        ClaimPolicy::ExclusiveFirst => claims
            .iter()
            .find(|c| c.exclusive)
            .or(claims.first())
            .cloned(),
    }
}
