//! Choose-one groups: C0401 dual-financial-benefit and C0402 invalid-choose-one-group.
//!
//! A `choose one of a, b` group gives a partner at most one of its benefits.
//! Benefits reach a partner by `grant` in its tier, track or modules, or by the
//! partner's own `elect` in the roster; a `for` list only makes a benefit
//! *available*, so two benefits of one group may both be available to a tier.
//! Grants do not carry up from lower tiers: a tier grants what it lists.
//!
//! - C0401: two grants of one group that one partner can hold together (the
//!   same block, or a tier with a track or module, a track with a module, two
//!   modules when a partner may have several); a partner electing two benefits
//!   of one group; a partner electing one while its memberships grant another.
//! - C0402: a group of fewer than two distinct benefits, a benefit in two
//!   groups or twice in one, and — as warnings — a partner electing a benefit
//!   in no group, or an `elected x` condition on such a benefit (neither can
//!   ever mean a choice). A non-financial benefit in a group is fine.

use super::membership::Member;
use super::{group_label, remove_from_list, Context};
use crate::symbols::SymbolKind;
use charter_diagnostics::{Code, Diagnostic, Severity};
use charter_ir::{ChooseOneGroup, Condition, NameRef, RosterPartner};
use std::collections::{HashMap, HashSet};

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    check_groups(cx, out);
    let all = grants(cx);
    check_grants(cx, &all, out);
    if cx.program.partners.iter().any(|p| !p.elected.is_empty()) {
        let by_member = FirstGrants::by_member(cx, &all);
        for partner in &cx.program.partners {
            check_elections(cx, &all, &by_member, partner, out);
        }
    }
    check_elected_conditions(cx, out);
}

fn check_groups(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Benefit name -> (group, where it is first listed).
    let mut first: HashMap<&str, (&ChooseOneGroup, &NameRef)> = HashMap::new();
    for group in &cx.program.choose_groups {
        let mut distinct: HashSet<&str> = HashSet::new();
        let mut only = None;
        for (i, benefit) in group.benefits.iter().enumerate() {
            match first.get(benefit.name.as_str()) {
                Some((g, earlier)) if std::ptr::eq(*g, group) => {
                    let mut d = Diagnostic::new(
                        Code::ChooseOneGroup,
                        format!("`{}` is listed twice in one choose-one group", benefit.name),
                        benefit.span,
                    )
                    .with_primary_label("listed again")
                    .with_label(earlier.span, "first listed here")
                    .with_help("list each benefit of a group once");
                    if let Some(edit) = remove_from_list(cx, &group.benefits, i) {
                        d = d.with_fix(format!("remove the second `{}`", benefit.name), vec![edit]);
                    }
                    out.push(d);
                }
                Some((g, earlier)) => {
                    let mut d = Diagnostic::new(
                        Code::ChooseOneGroup,
                        format!("benefit `{}` is in two choose-one groups", benefit.name),
                        benefit.span,
                    )
                    .with_primary_label("listed in a second group")
                    .with_label(
                        earlier.span,
                        format!("already in {}", group_label(g)),
                    )
                    .with_help(
                        "a benefit belongs to at most one group: merge the two groups, or remove it from one",
                    );
                    if let Some(edit) = remove_from_list(cx, &group.benefits, i) {
                        d = d.with_fix(
                            format!("remove `{}` from this group", benefit.name),
                            vec![edit],
                        );
                    }
                    out.push(d);
                }
                None => {
                    first.insert(&benefit.name, (group, benefit));
                }
            }
            if distinct.insert(&benefit.name) {
                only.get_or_insert(benefit.name.as_str());
            }
        }
        if let Some(default) = &group.default {
            if !distinct.contains(default.name.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::ChooseOneGroup,
                        format!(
                            "the default `{}` is not one of the group's benefits",
                            default.name
                        ),
                        default.span,
                    )
                    .with_primary_label("not in this group")
                    .with_help(format!(
                        "a partner electing none of {} receives its default: name one of its benefits",
                        group_label(group)
                    )),
                );
            }
        }
        if distinct.len() < 2 {
            let only = only.unwrap_or_default();
            out.push(
                Diagnostic::new(
                    Code::ChooseOneGroup,
                    format!("a choose-one group needs two benefits, this one offers only `{only}`"),
                    group.span,
                )
                .with_primary_label("nothing to choose from")
                .with_help("add the alternative (`choose one of a, b`), or remove the group"),
            );
        }
    }
}

/// One `grant` of a benefit: who grants it, and the list it is written in.
struct Grant<'a> {
    member: Member<'a>,
    list: &'a [NameRef],
    index: usize,
}

impl<'a> Grant<'a> {
    fn name(&self) -> &'a NameRef {
        &self.list[self.index]
    }

    fn benefit(&self) -> &'a str {
        &self.name().name
    }
}

fn grants<'a>(cx: &Context<'a>) -> Vec<Grant<'a>> {
    let p = cx.program;
    let mut out = Vec::new();
    let mut add = |member: Member<'a>, list: &'a [NameRef]| {
        for index in 0..list.len() {
            out.push(Grant {
                member,
                list,
                index,
            });
        }
    };
    for t in &p.tiers {
        add(Member::Tier(&t.name.name), &t.grants);
    }
    for t in &p.tracks {
        add(Member::Track(&t.name.name), &t.grants);
    }
    for m in &p.modules {
        add(Member::Module(&m.name.name), &m.grants);
    }
    out
}

/// Within one choose-one group, the first of some items (grants, elections)
/// and the first whose benefit differs from it: whatever a later benefit of
/// the group is, one of the two is the first item of *another* benefit, the
/// only kind that conflicts with it. Items are indices, in order.
#[derive(Clone, Copy)]
struct FirstTwo<'a> {
    first: (usize, &'a str),
    other: Option<(usize, &'a str)>,
}

impl<'a> FirstTwo<'a> {
    fn new(item: usize, benefit: &'a str) -> FirstTwo<'a> {
        FirstTwo {
            first: (item, benefit),
            other: None,
        }
    }

    fn add(&mut self, item: usize, benefit: &'a str) {
        if self.other.is_none() && benefit != self.first.1 {
            self.other = Some((item, benefit));
        }
    }

    /// The first item of a benefit other than `benefit`.
    fn other_than(&self, benefit: &str) -> Option<usize> {
        if self.first.1 != benefit {
            Some(self.first.0)
        } else {
            self.other.map(|(i, _)| i)
        }
    }
}

/// Adds an item to the per-group table.
fn note<'a>(table: &mut HashMap<usize, FirstTwo<'a>>, group: usize, item: usize, benefit: &'a str) {
    table
        .entry(group)
        .and_modify(|t| t.add(item, benefit))
        .or_insert_with(|| FirstTwo::new(item, benefit));
}

/// The earlier grants of one choose-one group's benefits, by who grants them,
/// each kind of membership apart: two tiers (or two tracks) never belong to
/// one partner, so a tier's grant is compared with tracks and modules only.
#[derive(Default)]
struct GroupGrants<'a> {
    /// Member → index into `tiers`, `tracks` or `modules`.
    at: HashMap<Member<'a>, usize>,
    /// In order of each member's first grant.
    tiers: Vec<(Member<'a>, FirstTwo<'a>)>,
    tracks: Vec<(Member<'a>, FirstTwo<'a>)>,
    modules: Vec<(Member<'a>, FirstTwo<'a>)>,
}

impl<'a> GroupGrants<'a> {
    fn list_mut(&mut self, member: Member<'a>) -> &mut Vec<(Member<'a>, FirstTwo<'a>)> {
        match member {
            Member::Tier(_) => &mut self.tiers,
            Member::Track(_) => &mut self.tracks,
            Member::Module(_) => &mut self.modules,
        }
    }

    fn add(&mut self, member: Member<'a>, grant: usize, benefit: &'a str) {
        match self.at.get(&member) {
            Some(&i) => {
                if let Some((_, t)) = self.list_mut(member).get_mut(i) {
                    t.add(grant, benefit);
                }
            }
            None => {
                let list = self.list_mut(member);
                let i = list.len();
                list.push((member, FirstTwo::new(grant, benefit)));
                self.at.insert(member, i);
            }
        }
    }

    /// The first earlier grant of another benefit of the group that a
    /// partner granted `benefit` by `member` also receives.
    fn first_conflict(
        &self,
        cx: &Context<'a>,
        member: Member<'a>,
        benefit: &str,
        mut best: Option<usize>,
    ) -> Option<usize> {
        let own = self.at.get(&member).and_then(|&i| match member {
            Member::Tier(_) => self.tiers.get(i),
            Member::Track(_) => self.tracks.get(i),
            Member::Module(_) => self.modules.get(i),
        });
        if let Some(c) = own.and_then(|(_, t)| t.other_than(benefit)) {
            best = Some(best.map_or(c, |b| b.min(c)));
        }
        let several_modules = cx.program.modules_several;
        let others: [&[(Member<'a>, FirstTwo<'a>)]; 2] = match member {
            Member::Tier(_) => [&self.tracks, &self.modules],
            Member::Track(_) => [&self.tiers, &self.modules],
            Member::Module(_) => [&self.tiers, &self.tracks],
        };
        let same_kind: &[(Member<'a>, FirstTwo<'a>)] = match member {
            Member::Module(_) if several_modules => &self.modules,
            _ => &[],
        };
        for list in others.into_iter().chain([same_kind]) {
            for (other, t) in list {
                // Members come in order of their first grant: none further
                // on can beat what was found.
                if best.is_some_and(|b| t.first.0 >= b) {
                    break;
                }
                if *other == member {
                    continue;
                }
                let Some(c) = t.other_than(benefit) else {
                    continue;
                };
                if best.is_some_and(|b| c >= b) {
                    continue;
                }
                let together = cx
                    .membership
                    .and(&cx.membership.holds(*other), &cx.membership.holds(member));
                if !together.is_nobody() {
                    best = Some(c);
                }
            }
        }
        best
    }
}

/// C0401 between grants: each grant of a benefit in a choose-one group is
/// compared with the earlier grants of the group's other benefits, and
/// reported once, against the first of them a partner can receive with it.
fn check_grants(cx: &Context<'_>, all: &[Grant<'_>], out: &mut Vec<Diagnostic>) {
    let mut groups: HashMap<usize, GroupGrants<'_>> = HashMap::new();
    for (j, later) in all.iter().enumerate() {
        let benefit = later.benefit();
        let of = cx.group_indices(benefit);
        if of.is_empty() {
            continue;
        }
        let mut conflict = None;
        for g in of {
            if let Some(grants) = groups.get(g) {
                conflict = grants.first_conflict(cx, later.member, benefit, conflict);
            }
        }
        for &g in of {
            groups.entry(g).or_default().add(later.member, j, benefit);
        }
        let Some(earlier) = conflict.and_then(|i| all.get(i)) else {
            continue;
        };
        let Some(group) = cx.shared_group(earlier.benefit(), benefit) else {
            continue;
        };
        let who = if earlier.member == later.member {
            format!("{} grants", later.member.describe())
        } else {
            format!(
                "a partner of {} and {} is granted",
                earlier.member.describe(),
                later.member.describe()
            )
        };
        let (a, b) = (earlier.benefit(), benefit);
        let mut d = Diagnostic::new(
            Code::DualFinancialBenefit,
            format!(
                "{who} both `{a}` and `{b}`, but {} gives only one of them",
                group_label(group)
            ),
            later.name().span,
        )
        .with_primary_label(format!("{} grants `{b}`", later.member.describe()))
        .with_label(
            earlier.name().span,
            format!("{} grants `{a}`", earlier.member.describe()),
        )
        .with_label(group.span, "only one of these")
        .with_help("grant one of them, or let each partner choose with `elect` in the roster");
        if let Some(edit) = remove_from_list(cx, later.list, later.index) {
            d = d.with_fix(format!("stop granting `{b}` here"), vec![edit]);
        }
        out.push(d);
    }
}

/// Per membership, per choose-one group: its first grants (indices into the
/// grants), so that a partner's elections are compared with what its
/// memberships grant without walking every grant per partner.
struct FirstGrants;

impl FirstGrants {
    fn by_member<'a>(
        cx: &Context<'a>,
        all: &[Grant<'a>],
    ) -> HashMap<Member<'a>, HashMap<usize, FirstTwo<'a>>> {
        let mut out: HashMap<Member<'a>, HashMap<usize, FirstTwo<'a>>> = HashMap::new();
        for (i, grant) in all.iter().enumerate() {
            for &g in cx.group_indices(grant.benefit()) {
                note(out.entry(grant.member).or_default(), g, i, grant.benefit());
            }
        }
        out
    }
}

fn check_elections(
    cx: &Context<'_>,
    all: &[Grant<'_>],
    by_member: &HashMap<Member<'_>, HashMap<usize, FirstTwo<'_>>>,
    partner: &RosterPartner,
    out: &mut Vec<Diagnostic>,
) {
    if partner.elected.is_empty() {
        return;
    }
    let id = &partner.id.name;
    // What the partner's memberships grant, per group.
    let mut memberships: Vec<Member<'_>> = Vec::new();
    if let Some(t) = &partner.tier {
        memberships.extend(cx.membership.classify(&t.name));
    }
    if let Some(t) = &partner.track {
        memberships.extend(cx.membership.classify(&t.name));
    }
    for m in &partner.modules {
        memberships.extend(cx.membership.classify(&m.name));
    }
    memberships.sort_unstable();
    memberships.dedup();
    let granted: Vec<&HashMap<usize, FirstTwo<'_>>> = memberships
        .iter()
        .filter_map(|m| by_member.get(m))
        .collect();
    // The partner's own elections so far, per group.
    let mut elections: HashMap<usize, FirstTwo<'_>> = HashMap::new();

    for (k, elected) in partner.elected.iter().enumerate() {
        let remove = |d: Diagnostic| match remove_from_list(cx, &partner.elected, k) {
            Some(edit) => d.with_fix(format!("do not elect `{}`", elected.name), vec![edit]),
            None => d,
        };
        let of = cx.group_indices(&elected.name);
        if of.is_empty() {
            if cx
                .symbols
                .lookup(SymbolKind::Benefit, &elected.name)
                .is_some()
            {
                let d = Diagnostic::new(
                    Code::ChooseOneGroup,
                    format!(
                        "partner `{id}` elects `{}`, which is in no choose-one group",
                        elected.name
                    ),
                    elected.span,
                )
                .with_severity(Severity::Warning)
                .with_primary_label("nothing to choose")
                .with_help(
                    "`elect` picks one benefit of a `choose one of` group; other benefits come with the partner's tier, track or modules",
                );
                out.push(remove(d));
            }
            continue;
        }
        let twice = of
            .iter()
            .filter_map(|g| elections.get(g)?.other_than(&elected.name))
            .min();
        for &g in of {
            note(&mut elections, g, k, &elected.name);
        }
        let twice = twice
            .and_then(|i| partner.elected.get(i))
            .and_then(|e| cx.shared_group(&e.name, &elected.name).map(|g| (e, g)));
        if let Some((earlier, group)) = twice {
            let d = Diagnostic::new(
                Code::DualFinancialBenefit,
                format!(
                    "partner `{id}` elects both `{}` and `{}`, but {} gives only one of them",
                    earlier.name,
                    elected.name,
                    group_label(group)
                ),
                elected.span,
            )
            .with_primary_label("second election")
            .with_label(earlier.span, "first election")
            .with_label(group.span, "only one of these")
            .with_help("elect one benefit of each group");
            out.push(remove(d));
            continue;
        }
        let by_grant = of
            .iter()
            .flat_map(|g| {
                granted
                    .iter()
                    .filter_map(move |t| t.get(g)?.other_than(&elected.name))
            })
            .min()
            .and_then(|i| all.get(i))
            .and_then(|grant| {
                cx.shared_group(grant.benefit(), &elected.name)
                    .map(|g| (grant, g))
            });
        if let Some((grant, group)) = by_grant {
            let d = Diagnostic::new(
                Code::DualFinancialBenefit,
                format!(
                    "partner `{id}` elects `{}`, but its {} already grants `{}` of {}",
                    elected.name,
                    grant.member.describe(),
                    grant.name().name,
                    group_label(group)
                ),
                elected.span,
            )
            .with_primary_label("elected here")
            .with_label(
                grant.name().span,
                format!("{} grants `{}`", grant.member.describe(), grant.name().name),
            )
            .with_label(group.span, "only one of these")
            .with_help("a partner receives one benefit of a choose-one group: drop the election or the grant");
            out.push(remove(d));
        }
    }
}

fn check_elected_conditions(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let conditions = cx
        .program
        .commissions
        .iter()
        .flat_map(|c| c.uplifts.iter().map(|u| &u.condition))
        .chain(cx.program.bonuses.iter().map(|b| &b.condition));
    for condition in conditions {
        let Condition::Elected { benefit } = condition else {
            continue;
        };
        if cx.is_grouped(&benefit.name)
            || cx
                .symbols
                .lookup(SymbolKind::Benefit, &benefit.name)
                .is_none()
        {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::ChooseOneGroup,
                format!(
                    "`elected {}` can never hold: `{}` is in no choose-one group",
                    benefit.name, benefit.name
                ),
                benefit.span,
            )
            .with_severity(Severity::Warning)
            .with_primary_label("no partner elects it")
            .with_help("put the benefit in a `choose one of` group, or test another condition"),
        );
    }
}
