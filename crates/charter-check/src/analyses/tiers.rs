//! Tiers: C0701 tier-not-monotone (warning) and C0702 unreachable.
//!
//! Requirements of lower tiers carry up to higher ones, and program-level
//! `require`s apply to every partner. A requirement *measures* something —
//! qualified staff, counted events over a period, revenue over a period — for
//! some partners (its `for` list); two requirements compare when they measure
//! the same thing for the same partners. `"text"`, `agreement` and `contract`
//! requirements measure nothing comparable.
//!
//! - C0701: a tier's own threshold below one a lower tier (or the program)
//!   already sets; a benefit available to a tier (by `for` or `grant`) but not
//!   to a higher one, unless the higher tier has another benefit of the same
//!   choose-one group; a `rate by tier` paying a higher tier less than a lower
//!   one, or nothing.
//! - C0702: requirements on one measure that no value meets (`>= 3` and `<= 2`),
//!   within a tier, track or module including what it inherits; then every
//!   commission or bonus of a tier, track or module no partner can reach, and
//!   every commission whose `eligible` clause no partner of its scope meets.

use super::membership::{Alternatives, Member};
use super::{and_list, insert_at, Context};
use charter_diagnostics::{Code, Diagnostic, Span};
use charter_ir::{
    Benefit, Comparator, CountPeriod, EventKind, RateSpec, Requirement, RequirementKind,
    RevenueThreshold, Scope, Tier,
};
use rust_decimal::Decimal;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Tiers, tracks and modules no partner can reach, with where and why.
pub(crate) type Unreachable<'a> = BTreeMap<Member<'a>, (Span, String)>;

/// What a requirement measures, for whom (`for ServiceProviders`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Measure {
    /// The left side as written: `staff sales`, `revenue per year`.
    what: String,
    scope: Vec<String>,
}

/// One side of a requirement: `>= 3` is a lower bound of 3, `< 5 EUR` a strict upper one.
#[derive(Clone, Copy, Debug)]
struct Bound {
    value: Decimal,
    strict: bool,
}

impl Bound {
    /// Whether this lower bound demands more than `other` (or this upper bound less).
    fn tighter_than(self, other: Bound, lower: bool) -> bool {
        if self.value == other.value {
            return self.strict && !other.strict;
        }
        (self.value > other.value) == lower
    }
}

/// Who states a requirement.
#[derive(Clone, Copy, Debug)]
enum Owner<'a> {
    Program,
    Member(Member<'a>),
}

impl Owner<'_> {
    fn describe(self) -> String {
        match self {
            Owner::Program => "every partner".to_string(),
            Owner::Member(m) => m.describe(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Limit<'a> {
    bound: Bound,
    req: &'a Requirement,
    owner: Owner<'a>,
}

/// Everything required on one measure so far.
#[derive(Clone, Debug, Default)]
struct Interval<'a> {
    lo: Option<Limit<'a>>,
    hi: Option<Limit<'a>>,
}

impl Interval<'_> {
    /// Whether no value meets every bound. Counts and amounts are never
    /// negative, so an upper bound below zero is empty on its own.
    fn is_empty(&self) -> bool {
        let floor = Bound {
            value: Decimal::ZERO,
            strict: false,
        };
        let lo = self.lo.map_or(floor, |l| l.bound);
        match self.hi {
            Some(hi) => {
                lo.value > hi.bound.value
                    || (lo.value == hi.bound.value && (lo.strict || hi.bound.strict))
            }
            None => false,
        }
    }
}

/// A requirement's measure, its written text, and its bounds.
struct Reading {
    measure: Measure,
    text: String,
    lo: Option<Bound>,
    hi: Option<Bound>,
}

fn period_text(period: Option<&CountPeriod>) -> String {
    match period {
        None => String::new(),
        Some(CountPeriod::PerYear) => " per year".into(),
        Some(CountPeriod::PerQuarter) => " per quarter".into(),
        Some(CountPeriod::PerMonth) => " per month".into(),
        Some(CountPeriod::PerContractYear) => " per contract year".into(),
        Some(CountPeriod::Trailing(d)) => format!(" in last {d}"),
    }
}

fn read(cx: &Context<'_>, r: &Requirement) -> Option<Reading> {
    let (what, comparator, value, integer, shown) = match &r.kind {
        RequirementKind::Staff {
            qualification,
            comparator,
            count,
        } => (
            format!("staff {}", qualification.name),
            *comparator,
            Decimal::from(*count),
            true,
            count.to_string(),
        ),
        RequirementKind::Count {
            event,
            activity,
            within_after,
            period,
            comparator,
            count,
        } => {
            let mut what = format!("count {}", event.as_str());
            if *event != EventKind::Activity {
                what.push('s');
            }
            if let Some(a) = activity {
                what.push(' ');
                what.push_str(&a.name);
            }
            if let Some((d, after)) = within_after {
                what.push_str(&format!(" within {d} after {}", after.as_str()));
            }
            what.push_str(&period_text(period.as_ref()));
            (
                what,
                *comparator,
                Decimal::from(*count),
                true,
                count.to_string(),
            )
        }
        RequirementKind::Revenue {
            new_customers,
            period,
            threshold: RevenueThreshold::Amount { comparator, amount },
        } => (
            format!(
                "revenue{}{}",
                if *new_customers {
                    " from new customers"
                } else {
                    ""
                },
                period_text(period.as_ref())
            ),
            *comparator,
            amount.amount,
            false,
            format!("{} {}", amount.amount.normalize(), cx.program.currency),
        ),
        RequirementKind::Points(p) => {
            let terms: Vec<String> = p
                .terms
                .iter()
                .map(|t| format!("{} per {}", t.weight.normalize(), t.source.text()))
                .collect();
            let what = format!(
                "points {}{}",
                terms.join(" + "),
                period_text(p.period.as_ref())
            );
            let shown = p.threshold.normalize().to_string();
            (what, p.comparator, p.threshold, false, shown)
        }
        RequirementKind::Mrr(m) => (
            format!("{}{}", m.measure.as_str(), period_text(m.period.as_ref())),
            m.comparator,
            m.amount.amount,
            false,
            format!("{} {}", m.amount.amount.normalize(), cx.program.currency),
        ),
        _ => return None,
    };
    let plain = |value| Bound {
        value,
        strict: false,
    };
    let (lo, hi) = match (comparator, integer) {
        (Comparator::Ge, _) => (Some(plain(value)), None),
        (Comparator::Le, _) => (None, Some(plain(value))),
        (Comparator::Eq, _) => (Some(plain(value)), Some(plain(value))),
        (Comparator::Gt, true) => (Some(plain(value + Decimal::ONE)), None),
        (Comparator::Lt, true) => (None, Some(plain(value - Decimal::ONE))),
        (Comparator::Gt, false) => (
            Some(Bound {
                value,
                strict: true,
            }),
            None,
        ),
        (Comparator::Lt, false) => (
            None,
            Some(Bound {
                value,
                strict: true,
            }),
        ),
    };
    let mut scope: Vec<String> = r.scope.iter().map(|s| s.name.clone()).collect();
    scope.sort();
    scope.dedup();
    let text = format!("{what} {} {shown}", comparator.as_str());
    Some(Reading {
        measure: Measure { what, scope },
        text,
        lo,
        hi,
    })
}

type Requirements<'a> = BTreeMap<Measure, Interval<'a>>;

/// Adds a requirement to what is already required: `so_far`, on top of
/// `base` (what every partner must meet, never copied whole: a measure is
/// copied from it when first tightened). Reports (and returns the span of) a
/// contradiction it creates.
fn tighten<'a>(
    cx: &Context<'a>,
    owner: Owner<'a>,
    r: &'a Requirement,
    base: &Requirements<'a>,
    so_far: &mut Requirements<'a>,
    out: &mut Vec<Diagnostic>,
) -> Option<Span> {
    let reading = read(cx, r)?;
    let entry = match so_far.entry(reading.measure) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let start = base.get(e.key()).cloned().unwrap_or_default();
            e.insert(start)
        }
    };
    let was_empty = entry.is_empty();
    let limit = |bound| Limit {
        bound,
        req: r,
        owner,
    };
    if let Some(lo) = reading.lo {
        if entry.lo.is_none_or(|l| lo.tighter_than(l.bound, true)) {
            entry.lo = Some(limit(lo));
        }
    }
    if let Some(hi) = reading.hi {
        if entry.hi.is_none_or(|h| hi.tighter_than(h.bound, false)) {
            entry.hi = Some(limit(hi));
        }
    }
    if was_empty || !entry.is_empty() {
        return None;
    }
    // The side this requirement now contradicts.
    let Some(other) = [entry.lo, entry.hi]
        .into_iter()
        .flatten()
        .find(|l| !std::ptr::eq(l.req, r))
    else {
        out.push(
            Diagnostic::new(
                Code::Unreachable,
                format!(
                    "{}: `{}` can never hold, counts and amounts are never negative",
                    match owner {
                        Owner::Program =>
                            "no partner can meet the program's requirements".to_string(),
                        Owner::Member(m) => format!("{} can never be reached", m.describe()),
                    },
                    reading.text
                ),
                r.span,
            )
            .with_primary_label("no partner meets this")
            .with_help("write the smallest value the requirement allows, like `>= 1`"),
        );
        return Some(r.span);
    };
    let other_text = read(cx, other.req).map(|x| x.text).unwrap_or_default();
    let who = owner.describe();
    let (message, label) = match (owner, other.owner) {
        (Owner::Member(a), Owner::Member(b)) if a == b => (
            format!(
                "{who} can never be reached: `{other_text}` and `{}` contradict each other",
                reading.text
            ),
            format!("`{other_text}` is required here"),
        ),
        (Owner::Program, _) => (
            format!(
                "no partner can meet the program's requirements: `{other_text}` and `{}` contradict each other",
                reading.text
            ),
            format!("`{other_text}` is required here"),
        ),
        (Owner::Member(_), Owner::Program) => (
            format!(
                "{who} can never be reached: `{}` contradicts `{other_text}`, which the program requires of every partner",
                reading.text
            ),
            format!("every partner must meet `{other_text}`"),
        ),
        (Owner::Member(_), Owner::Member(lower)) => (
            format!(
                "{who} can never be reached: `{}` contradicts `{other_text}`, which it inherits from {}",
                reading.text,
                lower.describe()
            ),
            format!("{} requires `{other_text}`", lower.describe()),
        ),
    };
    out.push(
        Diagnostic::new(Code::Unreachable, message, r.span)
            .with_primary_label("no partner meets both")
            .with_label(other.req.span, label)
            .with_help(
                "requirements of lower tiers and of the program carry up: loosen one of the two",
            ),
    );
    Some(r.span)
}

pub(crate) fn check<'a>(cx: &Context<'a>, out: &mut Vec<Diagnostic>) -> Unreachable<'a> {
    let mut unreachable = Unreachable::new();
    let nothing = Requirements::new();
    let mut base = Requirements::new();
    for r in &cx.program.requirements {
        tighten(cx, Owner::Program, r, &nothing, &mut base, out);
    }
    // A tier missing from the `tiers` list has no real rank (reported by name resolution).
    let mut tiers: Vec<&Tier> = cx
        .program
        .tiers
        .iter()
        .filter(|t| !cx.has_error_within(t.name.span))
        .collect();
    tiers.sort_by_key(|t| t.rank);

    let mut running = base.clone();
    let mut inherited_cause: Option<(Span, String)> = None;
    for t in &tiers {
        let member = Member::Tier(&t.name.name);
        // Against what the tiers below require, before this tier adds to it
        // (never a copy of it per tier: that was quadratic in long chains).
        for r in &t.requirements {
            less_than_inherited(cx, member, r, &running, out);
        }
        let mut cause = None;
        for r in &t.requirements {
            if let Some(span) = tighten(cx, Owner::Member(member), r, &nothing, &mut running, out) {
                cause.get_or_insert((
                    span,
                    format!("{} contradicts its requirements here", member.describe()),
                ));
            }
        }
        if let Some(cause) = cause.or_else(|| inherited_cause.clone()) {
            inherited_cause.get_or_insert(cause.clone());
            unreachable.insert(member, cause);
        }
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
        let mut own = Requirements::new();
        for r in &g.requirements {
            if let Some(span) = tighten(cx, Owner::Member(member), r, &base, &mut own, out) {
                unreachable.entry(member).or_insert((
                    span,
                    format!("{} contradicts its requirements here", member.describe()),
                ));
            }
        }
    }
    benefits_carry_up(cx, &tiers, out);
    tier_rates_carry_up(cx, &tiers, out);
    unreachable
}

/// C0701: a tier's own threshold below the one it inherits.
fn less_than_inherited(
    cx: &Context<'_>,
    member: Member<'_>,
    r: &Requirement,
    inherited: &Requirements<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(reading) = read(cx, r) else { return };
    let Some(lo) = reading.lo else { return };
    let Some(previous) = inherited.get(&reading.measure).and_then(|i| i.lo) else {
        return;
    };
    if !previous.bound.tighter_than(lo, true) {
        return;
    }
    let previous_text = read(cx, previous.req).map(|x| x.text).unwrap_or_default();
    let (message, label) = match previous.owner {
        Owner::Program => (
            format!(
                "{} requires `{}`, less than every partner must meet (`{previous_text}`)",
                member.describe(),
                reading.text
            ),
            "every partner must meet this".to_string(),
        ),
        Owner::Member(lower) => (
            format!(
                "{} requires `{}`, less than {} below it (`{previous_text}`)",
                member.describe(),
                reading.text,
                lower.describe()
            ),
            format!("{} requires more", lower.describe()),
        ),
    };
    out.push(
        Diagnostic::new(Code::TierNotMonotone, message, r.span)
            .with_primary_label("a lower threshold than inherited")
            .with_label(previous.req.span, label)
            .with_help("requirements carry up to higher tiers, so this one changes nothing: raise it, or remove it"),
    );
}

/// C0701: a benefit a lower tier has and a higher one lacks.
fn benefits_carry_up(cx: &Context<'_>, tiers: &[&Tier], out: &mut Vec<Diagnostic>) {
    // Per benefit, where each tier first receives it (by `for`, else by
    // `grant`), and per choose-one group, the tiers any of its benefits
    // reaches: each question below is a lookup, where searching the lists
    // per tier was quadratic in long tier chains and large groups.
    let tier_names: HashSet<&str> = tiers.iter().map(|t| t.name.name.as_str()).collect();
    // By name, the first definition winning.
    let mut by_name: HashMap<&str, &Benefit> = HashMap::new();
    for b in &cx.program.benefits {
        by_name.entry(b.name.name.as_str()).or_insert(b);
    }
    // Group → (whether a benefit of it is for everyone, the tiers it reaches).
    let mut group_reach: HashMap<usize, (bool, HashSet<&str>)> = HashMap::new();
    for (g, group) in cx.program.choose_groups.iter().enumerate() {
        let mut everyone = false;
        let mut reached = HashSet::new();
        for name in &group.benefits {
            let Some(b) = by_name.get(name.name.as_str()) else {
                continue;
            };
            everyone |= b.available_to.is_empty();
            reached.extend(
                reach_of(cx, b)
                    .into_keys()
                    .filter(|t| tier_names.contains(t)),
            );
        }
        group_reach.insert(g, (everyone, reached));
    }
    for b in &cx.program.benefits {
        if b.available_to.is_empty() {
            continue;
        }
        // The lowest tier the benefit reaches, and where that is written.
        let own = reach_of(cx, b);
        let Some((low, low_span)) = tiers
            .iter()
            .find_map(|t| own.get(t.name.name.as_str()).map(|span| (*t, *span)))
        else {
            continue;
        };
        // Which tiers have it: by its first definition (a second one is an error).
        let first = by_name.get(b.name.name.as_str()).copied().unwrap_or(b);
        if first.available_to.is_empty() {
            continue;
        }
        let reach = if std::ptr::eq(first, b) {
            own
        } else {
            reach_of(cx, first)
        };
        // A tier has the benefit, or another of its choose-one groups.
        let groups: Vec<&(bool, HashSet<&str>)> = cx
            .group_indices(&b.name.name)
            .iter()
            .filter_map(|g| group_reach.get(g))
            .collect();
        if groups.iter().any(|(everyone, _)| *everyone) {
            continue;
        }
        let missing: Vec<&str> = tiers
            .iter()
            .filter(|t| t.rank > low.rank)
            .map(|t| t.name.name.as_str())
            .filter(|t| {
                !reach.contains_key(t) && !groups.iter().any(|(_, reached)| reached.contains(t))
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        let tier_word = if missing.len() == 1 { "tier" } else { "tiers" };
        let mut d = Diagnostic::new(
            Code::TierNotMonotone,
            format!(
                "benefit `{}` is available to tier `{}` but not to the higher {tier_word} {}",
                b.name.name,
                low.name.name,
                and_list(&missing)
            ),
            b.name.span,
        )
        .with_primary_label(format!("not for {}", and_list(&missing)))
        .with_label(low_span, format!("available to tier `{}`", low.name.name))
        .with_help("higher tiers normally keep what lower tiers receive: add them to the benefit's `for` list");
        if let Some(last) = b.available_to.last().filter(|t| t.note.is_none()) {
            let span = last.target.span;
            let text: String = missing.iter().map(|m| format!(", {m}")).collect();
            d = d.with_fix(
                format!("make it available to {}", and_list(&missing)),
                vec![insert_at(span.file, span.end, &text)],
            );
        }
        out.push(d);
    }
}

/// Where each tier (or track or module, by `for`) receives a benefit: its
/// `for` list first, then the tiers' grants.
fn reach_of<'a>(cx: &Context<'a>, b: &'a Benefit) -> HashMap<&'a str, Span> {
    let mut reach = HashMap::new();
    for x in &b.available_to {
        reach.entry(x.target.name.as_str()).or_insert(x.target.span);
    }
    for (m, g) in cx.membership.granters(&b.name.name) {
        if let Member::Tier(t) = m {
            reach.entry(*t).or_insert(g.span);
        }
    }
    reach
}

/// C0701: `rate by tier` paying a higher tier less than a lower one, or nothing.
fn tier_rates_carry_up(cx: &Context<'_>, tiers: &[&Tier], out: &mut Vec<Diagnostic>) {
    for c in &cx.program.commissions {
        let RateSpec::ByTier { rates } = &c.rate else {
            continue;
        };
        let mut by_tier: HashMap<&str, &charter_ir::TierRate> = HashMap::new();
        for r in rates {
            by_tier.entry(r.tier.name.as_str()).or_insert(r);
        }
        let rate_of = |tier: &str| by_tier.get(tier).copied();
        let mut best_below: Option<&charter_ir::TierRate> = None;
        let mut missing: Vec<&str> = Vec::new();
        let mut missing_above: Option<&charter_ir::TierRate> = None;
        for t in tiers {
            match rate_of(&t.name.name) {
                Some(r) => {
                    if let Some(lower) = best_below.filter(|b| b.rate > r.rate) {
                        out.push(
                            Diagnostic::new(
                                Code::TierNotMonotone,
                                format!(
                                    "commission `{}` pays tier `{}` {}, less than tier `{}` below it ({})",
                                    c.name.name, t.name.name, r.rate, lower.tier.name, lower.rate
                                ),
                                r.span,
                            )
                            .with_primary_label("a lower rate than a lower tier's")
                            .with_label(lower.span, format!("tier `{}` earns more", lower.tier.name))
                            .with_help("higher tiers normally earn at least the rate of lower ones"),
                        );
                    }
                    if best_below.is_none_or(|b| r.rate > b.rate) {
                        best_below = Some(r);
                    }
                }
                None => {
                    if let Some(lower) = best_below {
                        missing.push(&t.name.name);
                        missing_above.get_or_insert(lower);
                    }
                }
            }
        }
        if let Some(lower) = missing_above {
            let tier_word = if missing.len() == 1 { "tier" } else { "tiers" };
            out.push(
                Diagnostic::new(
                    Code::TierNotMonotone,
                    format!(
                        "commission `{}` pays no rate to the higher {tier_word} {}, though tier `{}` earns {}",
                        c.name.name,
                        and_list(&missing),
                        lower.tier.name,
                        lower.rate
                    ),
                    c.rate_span,
                )
                .with_primary_label(format!("no rate for {}", and_list(&missing)))
                .with_label(lower.span, format!("tier `{}` earns {}", lower.tier.name, lower.rate))
                .with_help("give every tier above the lowest paid one a rate"),
            );
        }
    }
}

/// C0702: commissions and bonuses that no partner can receive.
pub(crate) fn check_rule_scopes(
    cx: &Context<'_>,
    unreachable: &Unreachable<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let scope_member = |scope: &Scope| match scope {
        Scope::Tier(n) | Scope::Track(n) | Scope::Module(n) => cx.membership.classify(n),
        Scope::Program | Scope::Benefit(_) => None,
    };
    let never =
        |what: &str, name: &charter_ir::Named, m: Member<'_>, (span, reason): &(Span, String)| {
            Diagnostic::new(
                Code::Unreachable,
                format!(
                    "{what} `{}` can never be paid: no partner can reach {}",
                    name.name,
                    m.describe()
                ),
                name.span,
            )
            .with_primary_label("never applies")
            .with_label(*span, reason.clone())
            .with_help(format!("fix the requirements of {}", m.describe()))
        };
    for b in &cx.program.bonuses {
        if let Some((m, cause)) =
            scope_member(&b.scope).and_then(|m| unreachable.get(&m).map(|c| (m, c)))
        {
            out.push(never("bonus", &b.name, m, cause));
        }
    }
    for c in &cx.program.commissions {
        if let Some((m, cause)) =
            scope_member(&c.scope).and_then(|m| unreachable.get(&m).map(|c| (m, c)))
        {
            out.push(never("commission", &c.name, m, cause));
            continue;
        }
        let Some(e) = &c.eligibility else { continue };
        let both = cx.membership.and(
            &cx.membership.scope(&c.scope),
            &cx.membership.eligibility(e),
        );
        let whose = match &c.scope {
            Scope::Program => "no partner".to_string(),
            other => format!("no partner of {}", other.describe()),
        };
        if both.is_nobody() {
            if cx.membership.scope(&c.scope).is_nobody() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::Unreachable,
                    format!(
                        "commission `{}` can never be paid: {whose} meets its `eligible` clause",
                        c.name.name
                    ),
                    e.span,
                )
                .with_primary_label("excludes every partner the commission applies to")
                .with_label(c.name.span, "this commission")
                .with_help("a partner has one tier and one track: list memberships it can hold together with the commission's own"),
            );
            continue;
        }
        let reachable = Alternatives(
            both.0
                .iter()
                .filter(|h| h.iter().all(|m| !unreachable.contains_key(m)))
                .cloned()
                .collect(),
        );
        if reachable.is_nobody() {
            let cause = both
                .0
                .iter()
                .flatten()
                .find_map(|m| unreachable.get(m).map(|c| (*m, c)));
            if let Some((m, (span, reason))) = cause {
                out.push(
                    Diagnostic::new(
                        Code::Unreachable,
                        format!(
                            "commission `{}` can never be paid: it is eligible only to partners of {}, which no partner can reach",
                            c.name.name,
                            m.describe()
                        ),
                        e.span,
                    )
                    .with_primary_label("only unreachable memberships")
                    .with_label(*span, reason.clone())
                    .with_help(format!("fix the requirements of {}", m.describe())),
                );
            }
        }
    }
}
