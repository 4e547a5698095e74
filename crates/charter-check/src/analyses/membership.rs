//! Which tiers, tracks and modules one partner can hold at once.
//!
//! A partner has at most one tier and one track, and any number of modules (one
//! when the program says `{ one per partner }`). Conditions on partners — "is
//! in tier Gold", "receives benefit x", "is eligible to commission c" — are kept
//! as [`Alternatives`]: a disjunction of [`Holding`]s, each a set of memberships
//! held together. Two conditions can hold for one partner when their
//! conjunction keeps at least one consistent holding.

use charter_ir::{Benefit, Eligibility, MemberGroup, NameRef, Program, Scope};
use std::collections::{HashMap, HashSet};

/// One membership: a tier, a track or a module, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Member<'a> {
    Tier(&'a str),
    Track(&'a str),
    Module(&'a str),
}

impl<'a> Member<'a> {
    /// The name of the tier, track or module.
    pub(crate) fn name(self) -> &'a str {
        match self {
            Member::Tier(n) | Member::Track(n) | Member::Module(n) => n,
        }
    }

    pub(crate) fn describe(self) -> String {
        match self {
            Member::Tier(n) => format!("tier `{n}`"),
            Member::Track(n) => format!("track `{n}`"),
            Member::Module(n) => format!("module `{n}`"),
        }
    }
}

/// Memberships one partner holds together, sorted and without repeats.
pub(crate) type Holding<'a> = Vec<Member<'a>>;

/// The most holdings a condition keeps; beyond it the analyses see fewer
/// combinations (and report less), but never run away on adversarial input.
const MAX_HOLDINGS: usize = 4096;

/// A condition on partners: it holds for a partner holding any of these.
/// `[]` is no partner, `[[]]` every partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Alternatives<'a>(pub Vec<Holding<'a>>);

impl<'a> Alternatives<'a> {
    pub(crate) fn everyone() -> Alternatives<'a> {
        Alternatives(vec![Vec::new()])
    }

    pub(crate) fn nobody() -> Alternatives<'a> {
        Alternatives(Vec::new())
    }

    pub(crate) fn is_nobody(&self) -> bool {
        self.0.is_empty()
    }

    /// Partners satisfying any of the conditions: their holdings in order,
    /// each once, at most [`MAX_HOLDINGS`].
    pub(crate) fn any(conditions: impl IntoIterator<Item = Alternatives<'a>>) -> Alternatives<'a> {
        let mut out: Vec<Holding<'a>> = Vec::new();
        let mut seen: HashSet<Holding<'a>> = HashSet::new();
        for condition in conditions {
            for h in condition.0 {
                if out.len() >= MAX_HOLDINGS {
                    return Alternatives(out);
                }
                if seen.insert(h.clone()) {
                    out.push(h);
                }
            }
        }
        Alternatives(out)
    }
}

/// The program's membership rules, with its tiers, tracks, modules, benefits
/// and grants indexed by name once (the analyses ask per item; a search per
/// question was quadratic in the size of the policy). Each index keeps the
/// first definition of a name, as a search from the start did.
pub(crate) struct Membership<'a> {
    program: &'a Program,
    /// Name → membership: a tier first, then a track, then a module.
    by_name: HashMap<&'a str, Member<'a>>,
    tracks: HashMap<&'a str, &'a MemberGroup>,
    modules: HashMap<&'a str, &'a MemberGroup>,
    benefits: HashMap<&'a str, &'a Benefit>,
    /// Benefit name → every `grant` of it: tiers, then tracks, then modules,
    /// each in the order written.
    granters: HashMap<&'a str, Vec<(Member<'a>, &'a NameRef)>>,
}

impl<'a> Membership<'a> {
    pub(crate) fn new(program: &'a Program) -> Membership<'a> {
        let mut by_name = HashMap::new();
        let mut granters: HashMap<&str, Vec<(Member<'a>, &'a NameRef)>> = HashMap::new();
        let tiers = program
            .tiers
            .iter()
            .map(|t| (Member::Tier(t.name.name.as_str()), &t.grants));
        let tracks = program
            .tracks
            .iter()
            .map(|t| (Member::Track(t.name.name.as_str()), &t.grants));
        let modules = program
            .modules
            .iter()
            .map(|m| (Member::Module(m.name.name.as_str()), &m.grants));
        for (member, grants) in tiers.chain(tracks).chain(modules) {
            by_name.entry(member.name()).or_insert(member);
            for g in grants {
                granters
                    .entry(g.name.as_str())
                    .or_default()
                    .push((member, g));
            }
        }
        fn first<'a, T>(
            items: &'a [T],
            name: impl Fn(&'a T) -> &'a str,
        ) -> HashMap<&'a str, &'a T> {
            let mut out = HashMap::with_capacity(items.len());
            for item in items {
                out.entry(name(item)).or_insert(item);
            }
            out
        }
        Membership {
            program,
            by_name,
            tracks: first(&program.tracks, |g| &g.name.name),
            modules: first(&program.modules, |g| &g.name.name),
            benefits: first(&program.benefits, |b| &b.name.name),
            granters,
        }
    }

    /// The membership a name stands for (tiers first, then tracks, then modules).
    pub(crate) fn classify(&self, name: &str) -> Option<Member<'a>> {
        self.by_name.get(name).copied()
    }

    /// Whether one partner can hold all these memberships.
    fn consistent(&self, holding: &[Member<'_>]) -> bool {
        let mut tier = None;
        let mut track = None;
        let mut modules = 0;
        for m in holding {
            match m {
                Member::Tier(n) => {
                    if tier.is_some_and(|t| t != *n) {
                        return false;
                    }
                    tier = Some(*n);
                }
                Member::Track(n) => {
                    if track.is_some_and(|t| t != *n) {
                        return false;
                    }
                    track = Some(*n);
                }
                Member::Module(_) => modules += 1,
            }
        }
        modules <= 1 || self.program.modules_several
    }

    /// Partners satisfying both conditions.
    pub(crate) fn and(&self, a: &Alternatives<'a>, b: &Alternatives<'a>) -> Alternatives<'a> {
        let mut out: Vec<Holding<'a>> = Vec::new();
        let mut seen: HashSet<Holding<'a>> = HashSet::new();
        'outer: for x in &a.0 {
            for y in &b.0 {
                let mut h: Holding<'a> = x.iter().chain(y.iter()).copied().collect();
                h.sort_unstable();
                h.dedup();
                if self.consistent(&h) && seen.insert(h.clone()) {
                    out.push(h);
                    if out.len() >= MAX_HOLDINGS {
                        break 'outer;
                    }
                }
            }
        }
        Alternatives(out)
    }

    /// Partners holding any of the named memberships; every partner when the list is empty.
    fn any_of(&self, names: &[NameRef]) -> Alternatives<'a> {
        if names.is_empty() {
            return Alternatives::everyone();
        }
        Alternatives(
            names
                .iter()
                .filter_map(|n| self.classify(&n.name))
                .map(|m| vec![m])
                .collect(),
        )
    }

    /// Partners meeting an eligibility's tier, track and module lists (entities aside).
    pub(crate) fn eligibility(&self, e: &Eligibility) -> Alternatives<'a> {
        let tiers = self.any_of(&e.tiers);
        let tracks = self.any_of(&e.tracks);
        let modules = self.any_of(&e.modules);
        self.and(&self.and(&tiers, &tracks), &modules)
    }

    /// The track or module of a membership (its first definition).
    pub(crate) fn group(&self, member: Member<'_>) -> Option<&'a MemberGroup> {
        match member {
            Member::Tier(_) => None,
            Member::Track(n) => self.tracks.get(n).copied(),
            Member::Module(n) => self.modules.get(n).copied(),
        }
    }

    /// Partners holding a membership, including what the track's or module's `eligible` demands.
    pub(crate) fn holds(&self, member: Member<'a>) -> Alternatives<'a> {
        let alone = Alternatives(vec![vec![member]]);
        match self.group(member).and_then(|g| g.eligibility.as_ref()) {
            Some(e) => self.and(&alone, &self.eligibility(e)),
            None => alone,
        }
    }

    /// Every membership that grants a benefit (`grant b` in a tier, track or module).
    pub(crate) fn granters(&self, benefit: &str) -> &[(Member<'a>, &'a NameRef)] {
        self.granters.get(benefit).map_or(&[], Vec::as_slice)
    }

    /// Partners who can receive a benefit: its `for` list (everyone when empty) or a grant.
    pub(crate) fn benefit_holders(&self, benefit: &str) -> Alternatives<'a> {
        let Some(b) = self.benefits.get(benefit).copied() else {
            return Alternatives::nobody();
        };
        if b.available_to.is_empty() {
            return Alternatives::everyone();
        }
        let by_for = b
            .available_to
            .iter()
            .filter_map(|t| self.classify(&t.target.name));
        let by_grant = self.granters(benefit).iter().map(|(m, _)| *m);
        Alternatives::any(by_for.chain(by_grant).map(|m| self.holds(m)))
    }

    /// Partners a rule of this scope applies to.
    pub(crate) fn scope(&self, scope: &Scope) -> Alternatives<'a> {
        let member = match scope {
            Scope::Program => return Alternatives::everyone(),
            Scope::Benefit(b) => return self.benefit_holders(b),
            Scope::Tier(n) | Scope::Track(n) | Scope::Module(n) => self.classify(n),
        };
        match member {
            Some(m) => self.holds(m),
            None => Alternatives::nobody(),
        }
    }
}
