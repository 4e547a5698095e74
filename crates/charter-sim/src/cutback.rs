//! Commissions cut back unless a tier is reached (LANGUAGE.md §4, Cut back
//! unless a tier is reached): `cut back to R unless tier T within D from
//! joined`. Until the deadline (`joined` + D) the commission pays its own
//! rate, and beside each account the partner keeps a shadow account: what
//! the commission would have earned on the invoice at R (each earning at the
//! lower of its rate and R; refunds take the same share of it). The partner's
//! standing is looked at for each day from `joined` up to the deadline, once
//! every event of that day is replayed; standing in T or a higher tier on any
//! of those days lifts the condition for good. Otherwise, on the deadline,
//! each account is set to its shadow — a negative payout of the difference —
//! and from then on the commission pays at most R (no retroactive top-ups).
//!
//! Partner-local: the deadline is passed at the first credit dated on or
//! after it, before that credit is replayed, or at the end of the replay
//! when the "as of" date reaches it.

use crate::explain::{settled, DueWhy, Render, SettledWhy, Shown, Why};
use crate::findings::{Finding, FindingCode};
use crate::money::{Account, Exact, Rounding};
use crate::payouts::{PartnerRun, PayoutRec, RuleRef};
use crate::plan::{RuleId, TierId};
use crate::text::Lines;
use charter_ir::{AttributionMethod, Duration, Percent};
use charter_scenario::{CustomerId, InvoiceId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A rule's `cut back` clause with its tier resolved (`plan.rs`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CutBackPlan {
    pub rate: Percent,
    pub tier: TierId,
    pub within: Duration,
}

/// When a partner's deadline fell and from which day it joined: what an
/// explanation of a cut says beside the rule's clause.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CutFacts {
    pub joined: NaiveDate,
    pub deadline: NaiveDate,
}

/// What the commission would have earned on one invoice at the cut-back rate.
struct Shadow {
    customer: CustomerId,
    account: Account,
    /// The rates the commission paid on the invoice, each once, in order.
    rates: Vec<Decimal>,
    path: Option<AttributionMethod>,
}

enum Stage {
    /// Before the deadline, the tier not reached yet.
    Open,
    /// The tier was reached: never cut back.
    Reached,
    /// The deadline passed without the tier: paid at most the cut-back rate.
    Cut,
}

struct RuleCut {
    rule: RuleId,
    facts: CutFacts,
    /// The first day whose standing has not been looked at.
    next: NaiveDate,
    stage: Stage,
    shadows: BTreeMap<InvoiceId, Shadow>,
}

/// A partner's cut-back commissions.
#[derive(Default)]
pub(crate) struct CutBacks {
    started: bool,
    rules: Vec<RuleCut>,
}

impl CutBacks {
    fn find(&mut self, r: RuleId) -> Option<&mut RuleCut> {
        self.rules.iter_mut().find(|c| c.rule == r)
    }

    /// A refund took back `share` of rule `r`'s account on `invoice`
    /// (`kept`: a refund outside the clawback window kept it for good):
    /// the shadow account follows.
    pub fn refunded(
        &mut self,
        invoice: InvoiceId,
        r: RuleId,
        share: &Exact,
        kept: bool,
        rounding: Rounding,
    ) {
        let Some(shadow) = self.find(r).and_then(|c| c.shadows.get_mut(&invoice)) else {
            return;
        };
        if kept {
            shadow.account.keep(share);
        } else {
            shadow.account.claw_back(share, rounding);
        }
    }
}

/// How a commission's rate is cut back on a date.
pub(crate) enum CutRate {
    /// Not cut back (no clause, the tier reached, or before the deadline).
    None,
    /// Before the deadline: the rate the shadow account earns at.
    Shadow(Exact),
    /// After the deadline without the tier: the rate paid.
    Cut(Exact, CutFacts),
}

impl PartnerRun<'_, '_> {
    /// At the end of the replay: every day up to the "as of" date is
    /// replayed; the rules whose deadline is on or before it are cut back
    /// (listed after the partner's last event).
    pub(crate) fn cut_back_at_end(&mut self, as_of: NaiveDate) {
        let complete = as_of.succ_opt().unwrap_or(NaiveDate::MAX);
        self.pass_cut_back_deadlines(complete, as_of, (self.seq, u16::MAX));
    }

    fn start_cut_backs(&mut self) {
        if self.st.cut_backs.started {
            return;
        }
        self.st.cut_backs.started = true;
        let Some(joined) = self.stat.joined else {
            return;
        };
        let holidays = self.plan.holidays;
        for (r, rp) in self.plan.rules.iter().enumerate() {
            if let Some(cut) = rp.cut_back {
                self.st.cut_backs.rules.push(RuleCut {
                    rule: RuleId(r as u16),
                    facts: CutFacts {
                        joined,
                        deadline: cut.within.after(joined, holidays),
                    },
                    next: joined,
                    stage: Stage::Open,
                    shadows: BTreeMap::new(),
                });
            }
        }
    }

    /// Looks at the standing of every day before `complete` (each of them
    /// replayed whole) and before each deadline, not looked at yet; cuts
    /// back the rules whose deadline is `today` or earlier, their payouts
    /// keyed `key`. Called before a credit dated `today` is replayed (then
    /// `complete` is `today`), and at the end of the replay.
    pub(crate) fn pass_cut_back_deadlines(
        &mut self,
        complete: NaiveDate,
        today: NaiveDate,
        key: (u32, u16),
    ) {
        if self.plan.cut_backs == 0 {
            return;
        }
        self.start_cut_backs();
        for i in 0..self.st.cut_backs.rules.len() {
            let c = &self.st.cut_backs.rules[i];
            if !matches!(c.stage, Stage::Open) {
                continue;
            }
            let (rule, deadline, mut day) = (c.rule, c.facts.deadline, c.next);
            let Some(tier) = self.plan.rules[rule.0 as usize].cut_back.map(|p| p.tier) else {
                continue;
            };
            let mut reached = false;
            while day < complete && day < deadline {
                if self.standing_at(day).is_some_and(|t| t >= tier) {
                    reached = true;
                    break;
                }
                day = day.succ_opt().unwrap_or(NaiveDate::MAX);
            }
            let c = &mut self.st.cut_backs.rules[i];
            c.next = day;
            if reached {
                c.stage = Stage::Reached;
                c.shadows.clear();
            } else if today >= deadline {
                c.stage = Stage::Cut;
                let shadows = std::mem::take(&mut c.shadows);
                let facts = c.facts;
                self.cut_back(rule, facts, shadows, key);
            }
        }
    }

    /// Sets each account of rule `r` to its shadow on the deadline: a
    /// negative payout of the difference.
    fn cut_back(
        &mut self,
        r: RuleId,
        facts: CutFacts,
        shadows: BTreeMap<InvoiceId, Shadow>,
        key: (u32, u16),
    ) {
        let plan = self.plan;
        let rp = &plan.rules[r.0 as usize];
        for (invoice, shadow) in shadows {
            let Some(c) = self
                .st
                .books
                .get_mut(&invoice)
                .and_then(|b| b.commissions.iter_mut().find(|c| c.rule == r.0))
            else {
                continue;
            };
            let before = c.account.total();
            let base = c.base;
            let settled_cut = c.account.cut_to(&shadow.account, plan.rounding);
            if settled_cut.amount.is_zero() {
                continue;
            }
            let (due, due_why) = self.due(
                plan.schedule(r),
                rp.schedule,
                facts.deadline,
                facts.deadline,
            );
            let why = self.explain.then(|| {
                Box::new(Why::CutBack(Box::new(CutBackWhy {
                    rule: r,
                    facts,
                    rates: shadow.rates,
                    before: Shown::of(&before),
                    settled: crate::commission::settled_why(&settled_cut, None),
                    due: due_why,
                })))
            });
            self.out.payouts.push(PayoutRec {
                key: (key.0, key.1, self.n),
                partner: self.id,
                customer: Some(shadow.customer),
                invoice: Some(invoice),
                rule: RuleRef::Commission(r),
                base,
                rate: None,
                amount: settled_cut.amount,
                earned: facts.deadline,
                due,
                settlement: rp.settlement,
                why,
                path: shadow.path,
            });
            if key.1 == u16::MAX {
                // At the end of the replay, after the partner's last credit:
                // one count for every rule cut there, so no two payouts of
                // the partner share a key (rule by rule, invoice by invoice).
                self.n = self.n.saturating_add(1);
            } else {
                // Before a credit: listed first among its payouts.
                self.renumber_last();
            }
        }
    }

    /// How rule `r`'s rate is cut back for an earning now (the deadlines up
    /// to the credit's date are passed). A partner without a `joined` date
    /// has no deadline: S0306, once per rule.
    pub(crate) fn cut_rate(&mut self, r: RuleId) -> CutRate {
        let Some(plan) = self.plan.rules[r.0 as usize].cut_back else {
            return CutRate::None;
        };
        self.start_cut_backs();
        let rate = Exact::from_decimal(plan.rate.0);
        let Some(c) = self.st.cut_backs.find(r) else {
            if !self.seen(FindingCode::CutBackWithoutJoined, r.0 as u32, 0) {
                let rule = &self.plan.program.commissions[r.0 as usize];
                let name = self.name();
                let message = format!(
                    "`{name}` has no `joined` date: `{}` cannot count {} from joining, so it is never cut back",
                    rule.name.name, plan.within
                );
                let location = self.location();
                let span = rule.cut_back.as_ref().map_or(rule.span, |c| c.span);
                self.push_finding(
                    Finding::new(FindingCode::CutBackWithoutJoined, message)
                        .partner(name)
                        .rule(span)
                        .event(location),
                );
            }
            return CutRate::None;
        };
        match c.stage {
            Stage::Reached => CutRate::None,
            Stage::Cut => CutRate::Cut(rate, c.facts),
            Stage::Open => CutRate::Shadow(rate),
        }
    }

    /// Before the deadline: what an earning of rule `r` on `invoice` at
    /// `rate` would have been at the cut-back rate joins its shadow account.
    pub(crate) fn shadow_earn(
        &mut self,
        r: RuleId,
        invoice: InvoiceId,
        customer: CustomerId,
        path: Option<AttributionMethod>,
        raw_at_cut: &Exact,
        rate: Decimal,
    ) {
        let rounding = self.plan.rounding;
        let Some(c) = self.st.cut_backs.find(r) else {
            return;
        };
        let shadow = c.shadows.entry(invoice).or_insert_with(|| Shadow {
            customer,
            account: Account::default(),
            rates: Vec::new(),
            path,
        });
        shadow.account.earn(raw_at_cut, rounding);
        if !shadow.rates.contains(&rate) {
            shadow.rates.push(rate);
        }
        shadow.path = path;
    }
}

/// A cut back on the deadline: one invoice's account set to what the
/// commission would have earned on it at the cut-back rate.
#[derive(Clone, Debug)]
pub(crate) struct CutBackWhy {
    pub rule: RuleId,
    pub facts: CutFacts,
    /// The rates it had paid on the invoice.
    pub rates: Vec<Decimal>,
    /// The exact running total before the cut.
    pub before: Shown,
    pub settled: SettledWhy,
    pub due: DueWhy,
}

/// The sentence saying which tier was missed by which date.
fn missed(render: &Render, r: RuleId, facts: &CutFacts) -> String {
    let program = render.plan.program;
    let rule = &program.commissions[r.0 as usize];
    let Some(cut) = &rule.cut_back else {
        return String::new();
    };
    format!(
        "the partner joined on {} and stood in tier `{}` or higher on no day before {}, {} later",
        facts.joined, cut.tier.name, facts.deadline, cut.within
    )
}

/// The line a commission paid at the cut-back rate adds after its rate.
pub(crate) fn write_cut_rate<S: Lines + ?Sized>(
    render: &Render,
    r: RuleId,
    facts: &CutFacts,
    s: &mut S,
) {
    let rate = render.plan.program.commissions[r.0 as usize]
        .cut_back
        .as_ref()
        .map(|c| c.rate.to_string())
        .unwrap_or_default();
    let text = format!(
        "cut back: to {rate} since {}; {}",
        facts.deadline,
        missed(render, r, facts)
    );
    s.line(&text);
}

/// A cut back's explanation.
pub(crate) fn write_cut_back<S: Lines + ?Sized>(
    render: &Render,
    why: &CutBackWhy,
    invoice: &str,
    amount: Decimal,
    s: &mut S,
) {
    let plan = render.plan;
    let rule = &plan.program.commissions[why.rule.0 as usize];
    let location = &plan.rules[why.rule.0 as usize].location;
    let (rate, tier, within) = rule.cut_back.as_ref().map_or_else(
        || (String::new(), String::new(), String::new()),
        |c| {
            (
                c.rate.to_string(),
                c.tier.name.clone(),
                c.within.to_string(),
            )
        },
    );
    s.line(&format!(
        "rule `{}` ({location}): cut back to {rate} unless tier `{tier}` within {within} from joined",
        rule.name.name
    ));
    s.line(&format!(
        "missed: {}: cut back that day",
        missed(render, why.rule, &why.facts)
    ));
    let paid_at = why
        .rates
        .iter()
        .map(|r| format!("{}%", r.normalize()))
        .collect::<Vec<_>>()
        .join(", ");
    s.start();
    s.fmt(format_args!(
        "amount: invoice `{invoice}`'s running total at {paid_at} {}, at {rate} instead {}; ",
        why.before, why.settled.total
    ));
    settled(s, &why.settled, amount, plan.currency);
    s.lit(" (");
    s.text(plan.rounding_text.as_str());
    s.lit(")");
    s.end();
    render.due_line(&why.due, why.facts.deadline, s);
}
