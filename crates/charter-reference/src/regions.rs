//! §4 **Regions.**
//!
//! > A customer placed in a country by a `customers` record of the scenario
//! > cannot be claimed by a partner when the country lies in another
//! > partner's exclusive region (a roster `partner … { region R exclusive }`,
//! > nested regions included): the claim is refused (S0202) and the customer
//! > stays with whoever else claims it. A customer without a country is
//! > claimed as before.
//!
//! Read plainly: the claimant's name is compared with every roster partner
//! holding an exclusive region; the region's countries are found by walking
//! its members (a member that names a region is that region's countries).

use charter_ir::Program;
use charter_scenario::{CustomerId, PartnerId};

use crate::world::World;

/// Whether `partner`'s claim on `customer` is refused by another partner's
/// exclusive region.
pub fn refused(world: &World, partner: PartnerId, customer: CustomerId) -> bool {
    let Some(country) = world.scenario.customer_country(customer) else {
        return false;
    };
    let claimant = world.scenario.names.partner(partner);
    world.program.partners.iter().any(|holder| {
        holder.id.name != claimant
            && holder
                .regions
                .iter()
                .filter(|a| a.exclusive)
                .any(|a| holds(world.program, &a.region.name, country.as_str(), 0))
    })
}

/// Whether region (or country) `name` holds `country`.
fn holds(program: &Program, name: &str, country: &str, depth: usize) -> bool {
    if depth > program.regions.len() {
        return false;
    }
    match program.regions.iter().find(|r| r.name.name == name) {
        Some(region) => region
            .members
            .iter()
            .any(|m| holds(program, &m.name, country, depth + 1)),
        None => name == country,
    }
}
