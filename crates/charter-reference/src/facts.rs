//! A partner's facts: what the roster (`partner` items, §3) and the scenario
//! say about it, and the dated facts its events add (staff, invitations,
//! notices).
//!
//! LANGUAGE.md §3 (`partner`): "A roster entry: a known partner and its facts
//! […] A scenario may state the same facts; the scenario's data wins." A
//! scenario partner always states its entity type and contract (the loader
//! defaults them to `company` and signed), so those come from the scenario
//! when it declares the partner; a list the scenario leaves empty (modules,
//! elections, staff) comes from the roster.
//!
//! LANGUAGE.md §3 (`program`, `entities`): an entity type with `no contract`
//! is one "the program signs none with": the reference takes such a partner's
//! contract as unsigned, whatever the scenario says.
//!
//! LANGUAGE.md §4 (**Conflicting elections**): "A partner that elects two or
//! more benefits of one `choose one` group has made no valid election in that
//! group: until it is resolved it receives none of them". The reference drops
//! such elections from the facts, so neither the benefit nor an `elected`
//! condition holds for them.
//!
//! LANGUAGE.md §4 (**Conflicting modules**): "A partner whose record gives it
//! two or more modules of a program that allows one per partner […] holds
//! none of them until the record is corrected". The reference drops them.

use std::collections::BTreeMap;

use charter_ir::RosterPartner;
use charter_scenario::{EventKind, PartnerId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::world::World;

#[derive(Clone, Debug)]
pub struct Facts {
    pub id: PartnerId,
    pub name: String,
    pub track: Option<String>,
    pub modules: Vec<String>,
    /// A tier granted whatever its requirements.
    pub granted_tier: Option<String>,
    pub entity: String,
    pub contract: bool,
    pub elected: Vec<String>,
    /// Staff at the start, before any `staff` event.
    pub staff: BTreeMap<String, u32>,
    pub revenue_target: Option<Decimal>,
    pub joined: Option<NaiveDate>,
}

fn roster<'a>(world: &World<'a>, name: &str) -> Option<&'a RosterPartner> {
    world.program.partners.iter().find(|p| p.id.name == name)
}

/// The elections that stand: those of a `choose one` group in which the
/// partner elected more than one benefit are void.
fn valid_elections(world: &World, elected: Vec<String>) -> Vec<String> {
    let conflicting = |name: &String| {
        world.program.choose_groups.iter().any(|g| {
            g.benefits.iter().any(|b| b.name == *name)
                && elected
                    .iter()
                    .filter(|e| g.benefits.iter().any(|b| b.name == **e))
                    .count()
                    > 1
        })
    };
    let void: Vec<String> = elected.iter().filter(|e| conflicting(e)).cloned().collect();
    // A partner electing none of a group receives the group's default.
    let defaults: Vec<String> = world
        .program
        .choose_groups
        .iter()
        .filter(|g| {
            !elected
                .iter()
                .any(|e| g.benefits.iter().any(|b| b.name == *e))
        })
        .filter_map(|g| g.default.as_ref().map(|d| d.name.clone()))
        .collect();
    elected
        .into_iter()
        .filter(|e| !void.contains(e))
        .chain(defaults)
        .collect()
}

/// The modules that stand: under `modules … { one per partner }` a partner
/// holding two different modules holds none of them. Only modules the policy
/// defines count (an unknown one is S0103's, and no rule names it).
fn one_module_only(world: &World, modules: Vec<String>) -> Vec<String> {
    let defined: Vec<&String> = modules
        .iter()
        .filter(|m| world.program.modules.iter().any(|d| d.name.name == **m))
        .collect();
    if !world.program.modules_several && defined.iter().any(|m| *m != defined[0]) {
        Vec::new()
    } else {
        modules
    }
}

/// The facts of `partner` from the roster and the scenario.
pub fn facts(world: &World, partner: PartnerId) -> Facts {
    let name = world.scenario.names.partner(partner).to_string();
    let listed = roster(world, &name);
    let declared = world.scenario.partner(partner);
    let names = |refs: &[charter_ir::NameRef]| refs.iter().map(|r| r.name.clone()).collect();
    let roster_staff: BTreeMap<String, u32> = listed
        .map(|r| r.staff.iter().map(|(q, n)| (q.name.clone(), *n)).collect())
        .unwrap_or_default();
    let entity = match declared {
        Some(p) => p.entity.as_str().to_string(),
        None => listed
            .and_then(|r| r.entity.as_ref())
            .map_or_else(|| "company".to_string(), |e| e.name.clone()),
    };
    let signed = match declared {
        Some(p) => p.contract,
        None => listed.and_then(|r| r.contract).unwrap_or(true),
    };
    let no_contract = world
        .program
        .entities
        .iter()
        .any(|e| e.name.name == entity && e.no_contract.is_some());
    Facts {
        id: partner,
        track: declared.and_then(|p| p.track.clone()).or_else(|| {
            listed
                .and_then(|r| r.track.as_ref())
                .map(|t| t.name.clone())
        }),
        modules: one_module_only(
            world,
            match declared {
                Some(p) if !p.modules.is_empty() => p.modules.clone(),
                _ => listed.map(|r| names(&r.modules)).unwrap_or_default(),
            },
        ),
        granted_tier: declared
            .and_then(|p| p.tier.clone())
            .or_else(|| listed.and_then(|r| r.tier.as_ref()).map(|t| t.name.clone())),
        entity,
        contract: signed && !no_contract,
        elected: valid_elections(
            world,
            match declared {
                Some(p) if !p.elected.is_empty() => p.elected.clone(),
                _ => listed.map(|r| names(&r.elected)).unwrap_or_default(),
            },
        ),
        staff: match declared {
            Some(p) if !p.staff.is_empty() => p.staff.clone(),
            _ => roster_staff,
        },
        revenue_target: declared.and_then(|p| p.revenue_target).or_else(|| {
            listed
                .and_then(|r| r.revenue_target.as_ref())
                .map(|m| m.amount)
        }),
        joined: declared
            .and_then(|p| p.joined)
            .or_else(|| listed.and_then(|r| r.joined)),
        name,
    }
}

/// The partner's staff with `qualification` at `now`: the starting staff, then
/// each `staff` event up to `now` sets the count. `None` when the partner has
/// no staff data at all (no starting staff, no `staff` event so far).
pub fn staff(world: &World, now: usize, facts: &Facts, qualification: &str) -> Option<u32> {
    let mut known = !facts.staff.is_empty();
    let mut count = facts.staff.get(qualification).copied().unwrap_or(0);
    for e in world.upto(now) {
        if let EventKind::Staff {
            partner,
            qualification: q,
            count: n,
        } = &e.kind
        {
            if *partner == facts.id {
                known = true;
                if world.scenario.names.symbol(*q) == qualification {
                    count = *n;
                }
            }
        }
    }
    known.then_some(count)
}

/// The tiers the partner was invited to at `now`.
pub fn invitations(world: &World, now: usize, facts: &Facts) -> Vec<String> {
    world
        .upto(now)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Invitation { partner, tier } if *partner == facts.id => {
                Some(world.scenario.names.symbol(*tier).to_string())
            }
            _ => None,
        })
        .collect()
}

/// Whether the partner's entity type may only be paid by netting at source.
pub fn netted_only(world: &World, facts: &Facts) -> bool {
    world
        .program
        .entities
        .iter()
        .any(|e| e.name.name == facts.entity && e.netted_only.is_some())
}

/// Every partner the result lists: the scenario's declared partners in order,
/// then partners only events name.
pub fn listed_partners(world: &World) -> Vec<PartnerId> {
    world.scenario.names.partner_ids().collect()
}
