//! The policy's names, indexed once per simulation: roster entries, tracks,
//! modules and benefits by name, and which benefits are in a choose-one group
//! or granted. Building profiles and deciding who receives a benefit are then
//! lookups, not searches of the whole policy per partner or per event (which
//! made a run quadratic in partners times roster entries).
//!
//! Every map keeps the first definition of a name, as a search from the
//! start did; a checked program has no duplicates anyway.

use charter_ir::{Program, RosterPartner};
use std::collections::{HashMap, HashSet};

pub(crate) struct PolicyIndex<'a> {
    roster: HashMap<&'a str, &'a RosterPartner>,
    tracks: HashMap<&'a str, usize>,
    modules: HashMap<&'a str, usize>,
    benefits: HashMap<&'a str, usize>,
    /// Benefit name → the choose-one groups listing it, ascending, each once.
    groups: HashMap<&'a str, Vec<usize>>,
    /// Benefits some tier, track or module grants.
    granted: HashSet<&'a str>,
}

impl<'a> PolicyIndex<'a> {
    pub(crate) fn new(program: &'a Program) -> PolicyIndex<'a> {
        fn first_positions<'a, T>(
            items: &'a [T],
            name: impl Fn(&'a T) -> &'a str,
        ) -> HashMap<&'a str, usize> {
            let mut out = HashMap::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.entry(name(item)).or_insert(i);
            }
            out
        }
        let mut roster = HashMap::with_capacity(program.partners.len());
        for r in &program.partners {
            roster.entry(r.id.name.as_str()).or_insert(r);
        }
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (g, group) in program.choose_groups.iter().enumerate() {
            for b in &group.benefits {
                let of = groups.entry(b.name.as_str()).or_default();
                if of.last() != Some(&g) {
                    of.push(g);
                }
            }
        }
        let granted = program
            .tiers
            .iter()
            .flat_map(|t| &t.grants)
            .chain(program.tracks.iter().flat_map(|t| &t.grants))
            .chain(program.modules.iter().flat_map(|m| &m.grants))
            .map(|g| g.name.as_str())
            .collect();
        PolicyIndex {
            roster,
            tracks: first_positions(&program.tracks, |g| &g.name.name),
            modules: first_positions(&program.modules, |g| &g.name.name),
            benefits: first_positions(&program.benefits, |b| &b.name.name),
            groups,
            granted,
        }
    }

    /// The roster entry of a partner id.
    pub(crate) fn roster(&self, partner: &str) -> Option<&'a RosterPartner> {
        self.roster.get(partner).copied()
    }

    /// The index of a track in `program.tracks`.
    pub(crate) fn track(&self, name: &str) -> Option<usize> {
        self.tracks.get(name).copied()
    }

    /// The index of a module in `program.modules`.
    pub(crate) fn module(&self, name: &str) -> Option<usize> {
        self.modules.get(name).copied()
    }

    /// The index of a benefit in `program.benefits`.
    pub(crate) fn benefit(&self, name: &str) -> Option<usize> {
        self.benefits.get(name).copied()
    }

    /// The choose-one groups (indices into `program.choose_groups`) listing a benefit.
    pub(crate) fn groups_of(&self, benefit: &str) -> &[usize] {
        self.groups.get(benefit).map_or(&[], Vec::as_slice)
    }

    /// Whether some tier, track or module grants a benefit.
    pub(crate) fn is_granted(&self, benefit: &str) -> bool {
        self.granted.contains(benefit)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use charter_check::compile;
    use charter_diagnostics::SourceDb;

    #[test]
    fn names_resolve_to_their_first_definition() {
        let policy = r#"program "P" { currency EUR }
tiers Bronze
tier Bronze { grant b }
tracks Resell, Refer
benefit a (financial)
benefit b (financial)
benefit c (marketing)
choose one of a, b, a
choose one of b, c as second
partner x { track Resell }
"#;
        let mut db = SourceDb::new();
        let root = db.add("p.charter", policy);
        let c = compile(db, root, &mut charter_check::FsReader);
        let index = PolicyIndex::new(&c.program);
        assert_eq!(index.track("Refer"), Some(1));
        assert_eq!(index.module("Refer"), None);
        assert_eq!(index.benefit("c"), Some(2));
        assert_eq!(index.groups_of("a"), [0]);
        assert_eq!(index.groups_of("b"), [0, 1]);
        assert!(index.groups_of("nothing").is_empty());
        assert!(index.is_granted("b") && !index.is_granted("a"));
        assert_eq!(index.roster("x").map(|r| r.id.name.as_str()), Some("x"));
        assert!(index.roster("y").is_none());
    }
}
