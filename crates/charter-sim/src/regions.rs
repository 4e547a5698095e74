//! Exclusive regions in the simulation (LANGUAGE.md §4, "Regions"): a claim
//! on a customer whose country (a `customers` record of the scenario) lies
//! in another partner's exclusive region is refused. Customer-local: it
//! reads the customer's country and the policy's roster, never another
//! customer's state, so it runs in phase (a).

use charter_ir::Program;
use charter_scenario::{Names, PartnerId, Region};

/// Each roster partner's exclusive regions, as countries.
#[derive(Default)]
pub(crate) struct ExclusiveRegions {
    /// In the policy's order.
    entries: Vec<Exclusive>,
}

/// One roster partner's exclusive region, resolved for the scenario.
struct Exclusive {
    /// The partner's id in the scenario; none when the scenario never names
    /// it (then every claimant is another partner).
    holder: Option<PartnerId>,
    holder_name: String,
    region: String,
    countries: Vec<Region>,
}

impl ExclusiveRegions {
    pub fn new(program: &Program, names: &Names) -> ExclusiveRegions {
        let mut entries = Vec::new();
        for partner in &program.partners {
            for assignment in partner.regions.iter().filter(|a| a.exclusive) {
                let mut countries = Vec::new();
                let mut seen = Vec::new();
                expand(program, &assignment.region.name, &mut seen, &mut countries);
                entries.push(Exclusive {
                    holder: names.find_partner(&partner.id.name),
                    holder_name: partner.id.name.clone(),
                    region: assignment.region.name.clone(),
                    // A name that is no country code holds no customer (a
                    // customer's country is always one).
                    countries: countries.iter().filter_map(|c| Region::parse(c)).collect(),
                });
            }
        }
        ExclusiveRegions { entries }
    }

    /// The first partner other than `claimant` whose exclusive region holds
    /// `country`: its name and that region's.
    pub fn holder(&self, claimant: PartnerId, country: Region) -> Option<(&str, &str)> {
        self.entries
            .iter()
            .find(|e| e.holder != Some(claimant) && e.countries.contains(&country))
            .map(|e| (e.holder_name.as_str(), e.region.as_str()))
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
