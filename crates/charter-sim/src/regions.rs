//! Exclusive regions in the simulation (LANGUAGE.md §4, "Regions"): a claim
//! on a customer whose country (a `customers` record of the scenario) lies
//! in another partner's exclusive region is refused. Customer-local: it
//! reads the customer's country and the policy's roster, never another
//! customer's state, so it runs in phase (a).

use charter_ir::Program;

/// Each roster partner's exclusive regions, as countries.
#[derive(Default)]
pub(crate) struct ExclusiveRegions {
    /// (partner id, region name, its countries), in the policy's order.
    entries: Vec<(String, String, Vec<String>)>,
}

impl ExclusiveRegions {
    pub fn new(program: &Program) -> ExclusiveRegions {
        let mut entries = Vec::new();
        for partner in &program.partners {
            for assignment in partner.regions.iter().filter(|a| a.exclusive) {
                let mut countries = Vec::new();
                let mut seen = Vec::new();
                expand(program, &assignment.region.name, &mut seen, &mut countries);
                entries.push((
                    partner.id.name.clone(),
                    assignment.region.name.clone(),
                    countries,
                ));
            }
        }
        ExclusiveRegions { entries }
    }

    /// The first partner other than `claimant` whose exclusive region holds
    /// `country`, with that region's name.
    pub fn holder(&self, claimant: &str, country: &str) -> Option<(&str, &str)> {
        self.entries
            .iter()
            .find(|(p, _, countries)| p != claimant && countries.iter().any(|c| c == country))
            .map(|(p, r, _)| (p.as_str(), r.as_str()))
    }
}

/// The countries of region (or country) `name`, nested regions expanded
/// once each (a cycle is the checker's error; here it simply stops).
fn expand(program: &Program, name: &str, seen: &mut Vec<String>, out: &mut Vec<String>) {
    if seen.iter().any(|s| s == name) {
        return;
    }
    seen.push(name.to_string());
    match program.regions.iter().find(|r| r.name.name == name) {
        Some(region) => {
            for member in &region.members {
                expand(program, &member.name, seen, out);
            }
        }
        None => out.push(name.to_string()),
    }
}
