//! Which tiers, tracks and modules one partner can hold at once.
//!
//! A partner has at most one tier and one track, and any number of modules (one
//! when the program says `{ one per partner }`). Conditions on partners — "is
//! in tier Gold", "receives benefit x", "is eligible to commission c" — are kept
//! as [`Alternatives`]: a disjunction of [`Holding`]s, each a set of memberships
//! held together. Two conditions can hold for one partner when their
//! conjunction keeps at least one consistent holding.

use charter_ir::{Eligibility, NameRef, Program, Scope};

/// One membership: a tier, a track or a module, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Member<'a> {
    Tier(&'a str),
    Track(&'a str),
    Module(&'a str),
}

impl Member<'_> {
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

    /// Partners satisfying either condition.
    pub(crate) fn or(mut self, other: Alternatives<'a>) -> Alternatives<'a> {
        for h in other.0 {
            if !self.0.contains(&h) && self.0.len() < MAX_HOLDINGS {
                self.0.push(h);
            }
        }
        self
    }
}

/// The program's membership rules.
pub(crate) struct Membership<'a> {
    program: &'a Program,
}

impl<'a> Membership<'a> {
    pub(crate) fn new(program: &'a Program) -> Membership<'a> {
        Membership { program }
    }

    /// The membership a name stands for (tiers first, then tracks, then modules).
    pub(crate) fn classify(&self, name: &str) -> Option<Member<'a>> {
        let p = self.program;
        if let Some(t) = p.tiers.iter().find(|t| t.name.name == name) {
            return Some(Member::Tier(&t.name.name));
        }
        if let Some(t) = p.tracks.iter().find(|t| t.name.name == name) {
            return Some(Member::Track(&t.name.name));
        }
        p.modules
            .iter()
            .find(|m| m.name.name == name)
            .map(|m| Member::Module(&m.name.name))
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
        'outer: for x in &a.0 {
            for y in &b.0 {
                let mut h: Holding<'a> = x.iter().chain(y.iter()).copied().collect();
                h.sort_unstable();
                h.dedup();
                if self.consistent(&h) && !out.contains(&h) {
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

    /// Partners holding a membership, including what the track's or module's `eligible` demands.
    pub(crate) fn holds(&self, member: Member<'a>) -> Alternatives<'a> {
        let alone = Alternatives(vec![vec![member]]);
        let group = match member {
            Member::Tier(_) => None,
            Member::Track(n) => self.program.tracks.iter().find(|g| g.name.name == n),
            Member::Module(n) => self.program.modules.iter().find(|g| g.name.name == n),
        };
        match group.and_then(|g| g.eligibility.as_ref()) {
            Some(e) => self.and(&alone, &self.eligibility(e)),
            None => alone,
        }
    }

    /// Every membership that grants a benefit (`grant b` in a tier, track or module).
    pub(crate) fn granters(&self, benefit: &str) -> Vec<(Member<'a>, &'a NameRef)> {
        let p = self.program;
        let tiers = p.tiers.iter().flat_map(|t| {
            t.grants
                .iter()
                .map(move |g| (Member::Tier(&t.name.name), g))
        });
        let tracks = p.tracks.iter().flat_map(|t| {
            t.grants
                .iter()
                .map(move |g| (Member::Track(&t.name.name), g))
        });
        let modules = p.modules.iter().flat_map(|t| {
            t.grants
                .iter()
                .map(move |g| (Member::Module(&t.name.name), g))
        });
        tiers
            .chain(tracks)
            .chain(modules)
            .filter(|(_, g)| g.name == benefit)
            .collect()
    }

    /// Partners who can receive a benefit: its `for` list (everyone when empty) or a grant.
    pub(crate) fn benefit_holders(&self, benefit: &str) -> Alternatives<'a> {
        let Some(b) = self
            .program
            .benefits
            .iter()
            .find(|b| b.name.name == benefit)
        else {
            return Alternatives::nobody();
        };
        if b.available_to.is_empty() {
            return Alternatives::everyone();
        }
        let mut out = Alternatives::nobody();
        for t in &b.available_to {
            if let Some(m) = self.classify(&t.target.name) {
                out = out.or(self.holds(m));
            }
        }
        for (m, _) in self.granters(benefit) {
            out = out.or(self.holds(m));
        }
        out
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
