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
use std::collections::BTreeMap;

pub(crate) fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    check_groups(cx, out);
    let all = grants(cx);
    check_grants(cx, &all, out);
    for partner in &cx.program.partners {
        check_elections(cx, &all, partner, out);
    }
    check_elected_conditions(cx, out);
}

fn check_groups(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // Benefit name -> (group, where it is first listed).
    let mut first: BTreeMap<&str, (&ChooseOneGroup, &NameRef)> = BTreeMap::new();
    for group in &cx.program.choose_groups {
        let mut distinct: Vec<&str> = Vec::new();
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
            if !distinct.contains(&benefit.name.as_str()) {
                distinct.push(&benefit.name);
            }
        }
        if distinct.len() < 2 {
            let only = distinct.first().copied().unwrap_or_default();
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

fn check_grants(cx: &Context<'_>, all: &[Grant<'_>], out: &mut Vec<Diagnostic>) {
    // Only grants of benefits in some group can conflict.
    let grouped: Vec<&Grant<'_>> = all
        .iter()
        .filter(|g| cx.groups_of(&g.name().name).next().is_some())
        .collect();
    for (j, later) in grouped.iter().enumerate() {
        for earlier in &grouped[..j] {
            let Some(group) = cx.shared_group(&earlier.name().name, &later.name().name) else {
                continue;
            };
            let who = if earlier.member == later.member {
                format!("{} grants", later.member.describe())
            } else {
                let together = cx.membership.and(
                    &cx.membership.holds(earlier.member),
                    &cx.membership.holds(later.member),
                );
                if together.is_nobody() {
                    continue;
                }
                format!(
                    "a partner of {} and {} is granted",
                    earlier.member.describe(),
                    later.member.describe()
                )
            };
            let (a, b) = (&earlier.name().name, &later.name().name);
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
}

fn check_elections(
    cx: &Context<'_>,
    all: &[Grant<'_>],
    partner: &RosterPartner,
    out: &mut Vec<Diagnostic>,
) {
    let id = &partner.id.name;
    // What the partner's memberships grant.
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
    let granted: Vec<&Grant<'_>> = all
        .iter()
        .filter(|g| memberships.contains(&g.member))
        .collect();

    for (k, elected) in partner.elected.iter().enumerate() {
        let remove = |d: Diagnostic| match remove_from_list(cx, &partner.elected, k) {
            Some(edit) => d.with_fix(format!("do not elect `{}`", elected.name), vec![edit]),
            None => d,
        };
        if cx.groups_of(&elected.name).next().is_none() {
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
        let twice = partner.elected[..k]
            .iter()
            .find_map(|e| cx.shared_group(&e.name, &elected.name).map(|g| (e, g)));
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
        let by_grant = granted.iter().find_map(|g| {
            cx.shared_group(&g.name().name, &elected.name)
                .map(|x| (g, x))
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
        if cx.groups_of(&benefit.name).next().is_some()
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
