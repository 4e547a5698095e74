//! Entity restrictions: C0801 eligibility-contradiction, and C0702 unreachable
//! when a rule or membership excludes every entity type it names.
//!
//! The program block can restrict entity types: `individual (no contract,
//! netted only)`. A commission is settled by transfer unless it says `settle
//! netted` (or pays `netted at source`); it requires a contract when its own
//! `eligible ... with contract` says so, or its track's or module's does (by
//! `with contract` or `require contract`).
//!
//! - A commission listing an entity type (in its own `eligible entity`, else its
//!   track's or module's) that the program pays netted only while the
//!   commission transfers, or that signs no contract while the commission
//!   requires one: C0801 on that entity, the program's restriction labelled.
//!   When *every* listed type is excluded the commission can never be paid:
//!   C0702 instead.
//! - A transfer commission listing no entity types at all is open to every
//!   type, including netted-only ones: C0801 as a *warning* (the design is
//!   ambiguous rather than contradictory: the restriction may be meant to
//!   narrow it). `with contract` without a list simply narrows to the types
//!   that sign contracts, which is fine.
//! - A track or module that requires a contract of an entity type that signs
//!   none, a program-wide `require contract` with such a type, and a roster
//!   partner of such a type whose contract is `signed`: C0801.

use super::membership::Member;
use super::tiers::Unreachable;
use super::{remove_from_list, Context};
use charter_diagnostics::{Code, Diagnostic, Severity, Span};
use charter_ir::{
    CommissionRule, Eligibility, EntityType, MemberGroup, NameRef, RequirementKind, Scope,
    Settlement,
};

/// Reports the contradictions, and adds the tracks and modules no entity type
/// can join to `unreachable`. Commissions of unreachable tiers, tracks and
/// modules are left to [`super::tiers::check_rule_scopes`].
pub(crate) fn check<'a>(
    cx: &Context<'a>,
    unreachable: &mut Unreachable<'a>,
    out: &mut Vec<Diagnostic>,
) {
    if cx
        .program
        .entities
        .iter()
        .all(|e| e.no_contract.is_none() && e.netted_only.is_none())
    {
        return;
    }
    let groups = cx
        .program
        .tracks
        .iter()
        .map(|g| (Member::Track(g.name.name.as_str()), g))
        .chain(
            cx.program
                .modules
                .iter()
                .map(|g| (Member::Module(g.name.name.as_str()), g)),
        );
    for (member, g) in groups {
        if let Some(cause) = group(cx, member, g, out) {
            unreachable.entry(member).or_insert(cause);
        }
    }
    for c in &cx.program.commissions {
        let scope = match &c.scope {
            Scope::Tier(n) | Scope::Track(n) | Scope::Module(n) => cx.membership.classify(n),
            Scope::Program | Scope::Benefit(_) => None,
        };
        if !scope.is_some_and(|m| unreachable.contains_key(&m)) {
            commission(cx, c, out);
        }
    }
    program_contract(cx, out);
    roster(cx, out);
}

fn entity<'a>(cx: &Context<'a>, name: &str) -> Option<&'a EntityType> {
    // At most the four entity types (more only when some repeat, an error):
    // a search is as fast as a lookup.
    cx.program.entities.iter().find(|e| e.name.name == name)
}

/// Why an entity type cannot take a payout path: the restriction's span and a label.
fn netted_only(e: &EntityType) -> Option<(Span, String)> {
    e.netted_only
        .map(|s| (s, format!("the program pays `{}` netted only", e.name.name)))
}

fn no_contract(e: &EntityType) -> Option<(Span, String)> {
    e.no_contract.map(|s| {
        (
            s,
            format!("the program signs no contract with `{}`", e.name.name),
        )
    })
}

/// A requirement of a contract: where, and who states it.
fn group_contract(g: &MemberGroup) -> Option<Span> {
    g.eligibility
        .as_ref()
        .and_then(|e| e.with_contract)
        .or_else(|| {
            g.requirements
                .iter()
                .find(|r| matches!(r.kind, RequirementKind::Contract))
                .map(|r| r.span)
        })
}

fn scope_group<'a>(cx: &Context<'a>, scope: &Scope) -> Option<&'a MemberGroup> {
    match scope {
        Scope::Track(n) => cx.membership.group(Member::Track(n)),
        Scope::Module(n) => cx.membership.group(Member::Module(n)),
        _ => None,
    }
}

fn commission(cx: &Context<'_>, c: &CommissionRule, out: &mut Vec<Diagnostic>) {
    let name = &c.name.name;
    let group = scope_group(cx, &c.scope);
    let group_eligibility = group.and_then(|g| g.eligibility.as_ref());
    let contract = c
        .eligibility
        .as_ref()
        .and_then(|e| e.with_contract)
        .or_else(|| group.and_then(group_contract));
    // The settlement the simulator pays it with: a `payout netted at source`
    // it is paid on (its own, its scope's or the program's) settles it netted.
    let transfer = cx.program.settlement_of(c) == Settlement::Transfer;
    let own_list = c.eligibility.as_ref().filter(|e| !e.entities.is_empty());
    // A list inherited from the track or module: its contract requirement is
    // the group's own business (checked there), only the settlement is ours.
    let listed: Option<&Eligibility> =
        own_list.or(group_eligibility.filter(|e| !e.entities.is_empty()));
    let contract = contract.filter(|_| own_list.is_some() || listed.is_none());
    let why = |e: &EntityType| -> Vec<(Span, String)> {
        let mut v = Vec::new();
        if transfer {
            v.extend(netted_only(e));
        }
        if contract.is_some() {
            v.extend(no_contract(e));
        }
        v
    };
    match listed {
        Some(elig) => {
            let found: Vec<(usize, &NameRef, &EntityType)> = elig
                .entities
                .iter()
                .enumerate()
                .filter_map(|(i, n)| entity(cx, &n.name).map(|e| (i, n, e)))
                .collect();
            if !found.is_empty() && found.iter().all(|(_, _, e)| !why(e).is_empty()) {
                let mut d = Diagnostic::new(
                    Code::Unreachable,
                    format!(
                        "commission `{name}` can never be paid: the program excludes every entity type it is eligible to"
                    ),
                    elig.span,
                )
                .with_primary_label("only excluded entity types")
                .with_help(if transfer {
                    "list entity types the program can pay this way, or change how the commission is settled"
                } else {
                    "list entity types the program signs contracts with, or drop `with contract`"
                });
                for (_, _, e) in &found {
                    for (span, label) in why(e) {
                        d = d.with_label(span, label);
                    }
                }
                out.push(d);
                return;
            }
            for (i, n, e) in found {
                let reasons = why(e);
                let (transfer_bad, contract_bad) = (
                    e.netted_only.is_some() && transfer,
                    e.no_contract.is_some() && contract.is_some(),
                );
                let x = &n.name;
                let message = match (transfer_bad, contract_bad) {
                    (true, true) => format!(
                        "commission `{name}` is paid by transfer and requires a contract, but the program pays `{x}` partners netted only and signs no contract with them"
                    ),
                    (true, false) => format!(
                        "commission `{name}` is paid by transfer, but the program pays `{x}` partners netted only"
                    ),
                    (false, true) => format!(
                        "commission `{name}` requires a contract, but the program signs none with `{x}` partners"
                    ),
                    (false, false) => continue,
                };
                let mut d = Diagnostic::new(Code::EligibilityContradiction, message, n.span)
                    .with_primary_label(format!("`{x}` is eligible here"))
                    .with_help(format!(
                        "remove `{x}` from the eligible entity types, or give it a payout path of its own"
                    ));
                for (span, label) in reasons {
                    d = d.with_label(span, label);
                }
                if let Some(edit) = remove_from_list(cx, &elig.entities, i) {
                    d = d.with_fix(format!("remove `{x}`"), vec![edit]);
                }
                out.push(d);
            }
        }
        None => {
            let all = &cx.program.entities;
            if !all.is_empty() && all.iter().all(|e| !why(e).is_empty()) {
                let mut d = Diagnostic::new(
                    Code::Unreachable,
                    format!(
                        "commission `{name}` can never be paid: the program excludes every entity type from it"
                    ),
                    c.name.span,
                )
                .with_primary_label("no entity type can receive it")
                .with_help("settle it netted, or drop `with contract`, or admit another entity type in the program block");
                for e in all {
                    for (span, label) in why(e) {
                        d = d.with_label(span, label);
                    }
                }
                out.push(d);
                return;
            }
            if !transfer {
                return;
            }
            for e in all {
                let Some((span, label)) = netted_only(e) else {
                    continue;
                };
                let others: Vec<&str> = all
                    .iter()
                    .filter(|x| {
                        x.netted_only.is_none() && !(contract.is_some() && x.no_contract.is_some())
                    })
                    .map(|x| x.name.name.as_str())
                    .collect();
                out.push(
                    Diagnostic::new(
                        Code::EligibilityContradiction,
                        format!(
                            "commission `{name}` is paid by transfer to every entity type, but the program pays `{}` partners netted only",
                            e.name.name
                        ),
                        c.settlement_span.unwrap_or(c.name.span),
                    )
                    .with_severity(Severity::Warning)
                    .with_primary_label("open to every entity type")
                    .with_label(span, label)
                    .with_help(format!(
                        "say who may receive it: `eligible entity {}`, or settle it `netted`",
                        others.join(", ")
                    )),
                );
            }
        }
    }
}

/// A track or module demanding a contract of entity types that sign none.
fn group(
    cx: &Context<'_>,
    member: Member<'_>,
    g: &MemberGroup,
    out: &mut Vec<Diagnostic>,
) -> Option<(Span, String)> {
    let contract = group_contract(g)?;
    let who = member.describe();
    match g.eligibility.as_ref().filter(|e| !e.entities.is_empty()) {
        Some(elig) => {
            let found: Vec<(usize, &NameRef, &EntityType)> = elig
                .entities
                .iter()
                .enumerate()
                .filter_map(|(i, n)| entity(cx, &n.name).map(|e| (i, n, e)))
                .collect();
            if !found.is_empty() && found.iter().all(|(_, _, e)| e.no_contract.is_some()) {
                let mut d = Diagnostic::new(
                    Code::Unreachable,
                    format!(
                        "{who} can never be reached: it requires a contract, and the program signs none with any entity type it admits"
                    ),
                    elig.span,
                )
                .with_primary_label("only entity types without a contract")
                .with_label(contract, "a contract is required here")
                .with_help("admit an entity type that signs contracts, or drop the contract requirement");
                for (_, _, e) in &found {
                    if let Some((span, label)) = no_contract(e) {
                        d = d.with_label(span, label);
                    }
                }
                out.push(d);
                return Some((elig.span, format!("{who} admits no entity type")));
            }
            for (i, n, e) in found {
                let Some((span, label)) = no_contract(e) else {
                    continue;
                };
                let mut d = Diagnostic::new(
                    Code::EligibilityContradiction,
                    format!(
                        "{who} requires a contract, but the program signs none with `{}` partners",
                        n.name
                    ),
                    n.span,
                )
                .with_primary_label(format!("`{}` is admitted here", n.name))
                .with_label(span, label)
                .with_label(contract, "a contract is required here")
                .with_help(format!(
                    "remove `{}` from the eligible entity types",
                    n.name
                ));
                if let Some(edit) = remove_from_list(cx, &elig.entities, i) {
                    d = d.with_fix(format!("remove `{}`", n.name), vec![edit]);
                }
                out.push(d);
            }
            None
        }
        None => {
            let all = &cx.program.entities;
            if all.is_empty() || all.iter().any(|e| e.no_contract.is_none()) {
                return None;
            }
            out.push(
                Diagnostic::new(
                    Code::Unreachable,
                    format!(
                        "{who} can never be reached: it requires a contract, and the program signs none with any entity type"
                    ),
                    contract,
                )
                .with_primary_label("a contract is required here")
                .with_help("admit an entity type that signs contracts, or drop the contract requirement"),
            );
            Some((contract, format!("{who} requires a contract")))
        }
    }
}

/// A program-wide `require contract` with entity types that sign none.
fn program_contract(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(req) = cx
        .program
        .requirements
        .iter()
        .find(|r| matches!(r.kind, RequirementKind::Contract) && r.scope.is_empty())
    else {
        return;
    };
    for e in &cx.program.entities {
        if let Some((span, label)) = no_contract(e) {
            out.push(
                Diagnostic::new(
                    Code::EligibilityContradiction,
                    format!(
                        "every partner must sign a contract, but the program signs none with `{}` partners",
                        e.name.name
                    ),
                    req.span,
                )
                .with_primary_label("required of every partner")
                .with_label(span, label)
                .with_help(format!(
                    "scope the requirement to some tiers or tracks, or do not admit `{}`",
                    e.name.name
                )),
            );
        }
    }
}

/// Roster partners of a type that signs no contract, marked `contract signed`.
fn roster(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for p in &cx.program.partners {
        let (Some(true), Some(name)) = (p.contract, &p.entity) else {
            continue;
        };
        let Some((span, label)) = entity(cx, &name.name).and_then(no_contract) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::EligibilityContradiction,
                format!(
                    "partner `{}` has a signed contract, but the program signs none with `{}` partners",
                    p.id.name, name.name
                ),
                name.span,
            )
            .with_primary_label(format!("`{}`", name.name))
            .with_label(span, label)
            .with_help("correct the partner's entity type, or its contract"),
        );
    }
}
