//! Fixed amounts per trial and per qualified lead (LANGUAGE.md §4, Fixed
//! amounts per trial or lead): `20 USD per trial`, `50 USD per qualified
//! lead`. Phase (a) credits the owners of a customer on its first `trial`
//! (or first `lead`) event with the facts of their claim; here, each
//! commission of that base pays its amount (× split share) when the rest of
//! the tests a percentage passes hold: `by METHOD`, `in force`, scope,
//! `eligible`, requirements, window (the event's date in place of an
//! invoice's issue date) and contract end. No invoice is involved, so the
//! amount is rounded once, like a bonus, and no refund takes it back.

use crate::attribution::Day;
use crate::explain::{
    BaseWhy, BoundWhy, CommissionDetail, CommissionWhy, RateWhy, Shown, Why, WindowWhy,
};
use crate::findings::{Finding, FindingCode};
use crate::money::{Account, Exact};
use crate::payouts::{PartnerRun, RuleRef};
use crate::plan::RuleId;
use charter_ir::{Anchor, AttributionMethod, BaseKind, RateSpec, WindowSpec};
use charter_scenario::CustomerId;
use chrono::NaiveDate;

/// The customer event a fixed amount is paid for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BountyEvent {
    /// A `trial` event: `per trial`.
    Trial,
    /// A `lead` event: `per qualified lead`.
    Lead,
}

impl BountyEvent {
    /// The commissions' base that pays for this event.
    pub fn base(self) -> BaseKind {
        match self {
            BountyEvent::Trial => BaseKind::Trial,
            BountyEvent::Lead => BaseKind::QualifiedLead,
        }
    }

    /// The scenario's name of the event (`trial`, `lead`).
    pub fn as_str(self) -> &'static str {
        match self {
            BountyEvent::Trial => "trial",
            BountyEvent::Lead => "lead",
        }
    }
}

/// What crosses from phase (a) to phase (b) for a customer's first trial or
/// lead: the customer, the owner's claim, the customer's first dates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BountyFacts {
    pub event: BountyEvent,
    pub customer: CustomerId,
    pub first_invoice: Day,
    pub first_payment: Day,
    pub first_order: Day,
    pub claim_date: NaiveDate,
    pub anchor: NaiveDate,
    pub method: AttributionMethod,
    /// 0: the whole amount; k: the k-th share of `claims split`.
    pub share: u8,
}

impl PartnerRun<'_, '_> {
    /// The commissions per trial (or per qualified lead) a credited first
    /// trial (or lead) of one of the partner's customers earns.
    pub(crate) fn event_bounties(&mut self, f: &BountyFacts, date: NaiveDate) {
        let program = self.plan.program;
        for (r, rule) in program.commissions.iter().enumerate() {
            if rule.base.kind == f.event.base() {
                self.event_bounty(RuleId(r as u16), f, date);
            }
        }
    }

    fn bounty_not_earned(&mut self, code: FindingCode, r: RuleId, f: &BountyFacts, why: &str) {
        let rule = &self.plan.program.commissions[r.0 as usize];
        let name = self.name();
        let cust = self.scenario.names.customer(f.customer);
        let location = self.location();
        self.push_finding(
            Finding::new(
                code,
                format!(
                    "`{name}` earns nothing from `{}` on the {} of `{cust}`: {why}",
                    rule.name.name,
                    f.event.as_str()
                ),
            )
            .partner(name)
            .customer(cust)
            .rule(rule.span)
            .event(location),
        );
    }

    fn event_bounty(&mut self, r: RuleId, f: &BountyFacts, date: NaiveDate) {
        let plan = self.plan;
        let program = plan.program;
        let rule = &program.commissions[r.0 as usize];
        let rp = &plan.rules[r.0 as usize];
        let RateSpec::Fixed { amount } = &rule.rate else {
            return;
        };
        if rule.base.path.is_some_and(|(path, _)| path != f.method) {
            return;
        }
        if let Some((from, to)) = rule.in_force {
            if date < from || to.is_some_and(|to| date > to) {
                return;
            }
        }
        if program.in_force.is_some_and(|p| !p.covers(date)) {
            return;
        }
        if !self.in_scope(rp.scope, date) {
            return;
        }
        if let Some(why) = self.ineligible(r, date) {
            if !self.seen(FindingCode::NotEligible, r.0 as u32, 0) {
                self.bounty_not_earned(FindingCode::NotEligible, r, f, &why);
            }
            return;
        }
        if let Some(why) = self.unmet_requirements(&rp.requirements, date) {
            if !self.seen(FindingCode::RequirementNotMet, r.0 as u32, 0) {
                self.bounty_not_earned(FindingCode::RequirementNotMet, r, f, &why);
            }
            return;
        }
        // The window selects the event by its date, as it selects invoices
        // by their issue date; an anchor not reached yet admits nothing.
        let window = match &rule.window {
            WindowSpec::Within { length, anchor } => {
                let start = match anchor {
                    Anchor::FirstInvoice => f.first_invoice.get(),
                    Anchor::FirstPayment => f.first_payment.get(),
                    Anchor::FirstOrder => f.first_order.get(),
                    Anchor::Referral | Anchor::Registration | Anchor::Attachment => Some(f.anchor),
                    Anchor::Attribution => Some(f.claim_date),
                    Anchor::ContractStart => self.stat.joined.or(Some(f.claim_date)),
                };
                let Some(start) = start else { return };
                let end = length.after(start, plan.holidays);
                if date < start || date >= end {
                    return;
                }
                WindowWhy::Within {
                    start,
                    end,
                    invoice_date: date,
                }
            }
            WindowSpec::Lifetime | WindowSpec::WhileCustomerPays => WindowWhy::WhileCustomerPays,
            WindowSpec::WhileContractActive => WindowWhy::WhileContractActive,
            WindowSpec::Unbounded => WindowWhy::None,
        };
        // A trial or lead after the contract ended earns nothing (the
        // contract runs through its end date).
        if let Some(end) = self.contract_end().filter(|end| date > *end) {
            if !self.seen(FindingCode::ContractEnded, r.0 as u32, u32::MAX - 1) {
                let why = format!("it came on {date}, after the contract ended on {end}");
                self.bounty_not_earned(FindingCode::ContractEnded, r, f, &why);
            }
            return;
        }
        let share = plan.share(f.share);
        let raw = Exact::from_decimal(amount.amount).mul_decimal(share);
        // `at most … per PERIOD`: what the rule's caps still let through.
        let (earned, caps) = match self.through_caps(r, date, &raw) {
            Ok(through) => through,
            Err((cap, start)) => {
                let cust = self.scenario.names.customer(f.customer);
                let what = format!("the {} of `{cust}` on {date}", f.event.as_str());
                self.cap_reached(r, cap, start, Some(f.customer), &what);
                return;
            }
        };
        // No invoice: the amount is rounded once, on its own account.
        let settled = Account::default().earn(&earned, plan.rounding);
        let schedule = plan.schedule(r);
        let (due, due_why) = self.due(schedule, rp.schedule, date, date);
        let why = self.explain.then(|| {
            Box::new(Why::Commission(CommissionWhy {
                rule: r,
                method: f.method,
                claimed: f.claim_date,
                anchor: f.anchor,
                share: f.share,
                window,
                ended: None,
                base: BaseWhy::Invoice,
                rate: RateWhy::Fixed,
                uplifts: 0,
                bound: BoundWhy::None,
                exact_rate: Shown::of(&Exact::from_decimal(rust_decimal::Decimal::ZERO)),
                raw: Shown::of(&raw),
                settled: crate::commission::settled_why(&settled, Some(&earned)),
                due: due_why,
                detail: CommissionDetail::boxed(None, caps, None),
            }))
        });
        self.pay(
            Some(f.customer),
            None,
            RuleRef::Commission(r),
            amount.amount,
            None,
            settled.amount,
            date,
            due,
            rp.settlement,
            why,
        );
        // Its balance is that of the claim's path (`minimum … per path`).
        if let Some(p) = self.out.payouts.last_mut() {
            p.path = Some(f.method);
        }
        if !rule.caps.is_empty() {
            self.cap_paid(r, date, settled.amount);
        }
    }
}
