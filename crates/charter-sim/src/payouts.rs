//! Phase (b): payouts, one partner at a time. Given the credits phase (a)
//! made for it, in replay order, a partner's standing, brackets, bonuses,
//! clawbacks and due dates depend on its own history only, so partners are
//! independent and run in parallel. [`PartnerRun`] is that state; the
//! concept modules (`eligibility`, `standing`, `commission`, `rates`,
//! `bonus`, `clawback`, `timing`) each add their part of it.

use crate::attribution::{Credit, CreditKind, Keyed};
use crate::explain::Why;
use crate::findings::{Finding, FindingCode};
use crate::partner::{PartnerState, PartnerStatic};
use crate::plan::{BonusId, Plan, RuleId};
use charter_ir::{AttributionMethod, Duration, Settlement};
use charter_scenario::{CustomerId, InvoiceId, PartnerId, Scenario};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The rule a payout was made under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleRef {
    Commission(RuleId),
    Bonus(BonusId),
}

/// One payout as the engine keeps it: ids, amounts and dates, and its
/// explanation as typed steps (none when the output does not show them).
#[derive(Clone, Debug)]
pub(crate) struct PayoutRec {
    /// Replay position of the event that earned it, its credit's rank, and
    /// its rank among that credit's payouts: the report's order.
    pub key: (u32, u16, u16),
    pub partner: PartnerId,
    pub customer: Option<CustomerId>,
    pub invoice: Option<InvoiceId>,
    pub rule: RuleRef,
    pub base: Decimal,
    pub rate: Option<Decimal>,
    pub amount: Decimal,
    pub earned: NaiveDate,
    pub due: NaiveDate,
    pub settlement: Settlement,
    pub why: Option<Box<Why>>,
    /// The attribution path of a commission's claim (`balances.rs`, `per path`).
    pub path: Option<AttributionMethod>,
}

/// What a partner's run produced.
#[derive(Default)]
pub(crate) struct PartnerOut {
    pub payouts: Vec<PayoutRec>,
    pub findings: Vec<Keyed>,
    /// Invoices on which a commission waiting for the full payment was earned.
    pub full_paid: Vec<InvoiceId>,
}

/// One partner's replay.
pub(crate) struct PartnerRun<'r, 'p> {
    pub plan: &'r Plan<'p>,
    pub scenario: &'r Scenario,
    pub id: PartnerId,
    pub stat: &'r PartnerStatic,
    pub st: PartnerState,
    pub out: PartnerOut,
    /// Whether payouts carry their explanations.
    pub explain: bool,
    /// Findings reported once per key.
    reported: HashSet<(FindingCode, u32, u32)>,
    /// The credit being replayed.
    pub seq: u32,
    pub sub: u16,
    pub event: u32,
    /// The next payout's place among the credit's (the last part of its key).
    pub n: u16,
    rank: u32,
}

impl<'r, 'p> PartnerRun<'r, 'p> {
    /// What a partner's replay does once its last credit is in, in order:
    /// cut-backs due by the run's date (`cutback.rs`), statements' balances
    /// (`balances.rs`), holds for active partners (`active.rs`). The one
    /// place both the whole run and `phases::pay` end a partner.
    pub(crate) fn finish(&mut self, as_of: NaiveDate) {
        self.cut_back_at_end(as_of);
        self.settle_balances(as_of);
        self.hold_until_active(as_of);
    }

    pub fn new(
        plan: &'r Plan<'p>,
        scenario: &'r Scenario,
        id: PartnerId,
        stat: &'r PartnerStatic,
        explain: bool,
    ) -> Self {
        PartnerRun {
            plan,
            scenario,
            id,
            stat,
            st: PartnerState::default(),
            out: PartnerOut::default(),
            explain,
            reported: HashSet::new(),
            seq: 0,
            sub: 0,
            event: 0,
            n: 0,
            rank: 0,
        }
    }

    pub fn name(&self) -> &'r str {
        self.scenario.names.partner(self.id)
    }

    pub fn location(&self) -> String {
        crate::findings::event_location(self.scenario, self.event)
    }

    /// Whether a finding with this code and key was reported; marks it.
    pub fn seen(&mut self, code: FindingCode, a: u32, b: u32) -> bool {
        !self.reported.insert((code, a, b))
    }

    pub fn push_finding(&mut self, finding: Finding) {
        self.out.findings.push(Keyed {
            key: (self.seq, 2, u32::from(self.sub), self.rank),
            once: None,
            finding,
        });
        self.rank += 1;
    }

    #[allow(clippy::too_many_arguments)]
    pub fn pay(
        &mut self,
        customer: Option<CustomerId>,
        invoice: Option<InvoiceId>,
        rule: RuleRef,
        base: Decimal,
        rate: Option<Decimal>,
        amount: Decimal,
        earned: NaiveDate,
        due: NaiveDate,
        settlement: Settlement,
        why: Option<Box<Why>>,
    ) {
        self.out.payouts.push(PayoutRec {
            key: (self.seq, self.sub, self.n),
            partner: self.id,
            customer,
            invoice,
            rule,
            base,
            rate: rate.map(|r| r.normalize()),
            amount,
            earned,
            due,
            settlement,
            why,
            path: None,
        });
        self.n = self.n.saturating_add(1);
    }

    /// Gives the last payout pushed directly its place after the others of the credit.
    pub fn renumber_last(&mut self) {
        if let Some(p) = self.out.payouts.last_mut() {
            p.key = (self.seq, self.sub, self.n);
            self.n = self.n.saturating_add(1);
        }
    }

    /// Replays one credit.
    pub fn credit(&mut self, c: &Credit) {
        self.seq = c.seq;
        self.sub = c.sub;
        self.event = c.event;
        self.n = 0;
        self.rank = 0;
        let date = c.date;
        // An ownership credit earns nothing, and a claim decided later dates
        // it on the decision, ahead of the event it is replayed with: it
        // does not pass a deadline (a payment replayed after it, dated before
        // the deadline, still earns at the full rate).
        if !matches!(c.kind, CreditKind::Owned { .. }) {
            self.pass_cut_back_deadlines(date, date, (c.seq, 0));
        }
        match &c.kind {
            CreditKind::Referral {
                customer,
                first_order,
            } => {
                self.st.referrals.push((*customer, date));
                if let Some(o) = first_order {
                    self.st.referred_orders.push((*customer, *o));
                }
            }
            CreditKind::ReferredOrdered { customer } => {
                self.st.referred_orders.push((*customer, date));
            }
            CreditKind::Registration => self.st.registrations.push(date),
            CreditKind::Attachment => self.st.counted.attachments.push(date),
            CreditKind::Owned { customer, spans } => {
                if spans.is_empty() {
                    self.st.owned.remove(customer);
                } else {
                    self.st.owned.insert(*customer, spans.clone());
                }
            }
            CreditKind::Order => self.st.orders.push(date),
            CreditKind::VendorContact => self.st.counted.vendor_contacts.push(date),
            CreditKind::Invoice(facts) => {
                let sale = facts.expand(self.plan);
                let first = sale.first_invoice.unwrap_or(date);
                self.st.add_invoiced(date, sale.amount, first);
                self.st.note_new_customer(sale.customer, date, first);
                self.invoice_commissions(&sale, date);
            }
            CreditKind::Payment(facts) => {
                let sale = facts.expand(self.plan);
                let sale = &sale;
                self.st.add_sale(date, sale.amount);
                self.st.counted.payments.push(date);
                self.payment_commissions(sale, date);
                self.bonuses(date);
            }
            CreditKind::Bounty(facts) => self.event_bounties(facts, date),
            CreditKind::Mrr(change) => self.st.mrr.apply(change, date),
            CreditKind::Refund {
                invoice,
                customer,
                owner,
                takes,
                refunded,
                paid_before,
                last_payment,
            } => {
                if *owner {
                    self.st.counted.refunds.push(date);
                }
                if *takes {
                    if *owner {
                        self.st.add_sale(date, -*refunded);
                    }
                    self.claw_back(
                        *invoice,
                        *customer,
                        *refunded,
                        *paid_before,
                        *last_payment,
                        date,
                    );
                }
            }
            CreditKind::Activity(kind) => self.st.activities.push((date, *kind)),
            CreditKind::Notice => {
                let notice = self
                    .plan
                    .program
                    .contract
                    .as_ref()
                    .and_then(|c| c.notice)
                    .unwrap_or(Duration::days(0));
                let end = notice.after(date, self.plan.holidays);
                self.st.counted.notices.push(date);
                if self.st.contract_end.is_none_or(|e| end < e) {
                    self.st.contract_end = Some(end);
                }
            }
            CreditKind::Invitation(tier) => {
                self.st.counted.invitations.push(date);
                match self
                    .plan
                    .tier_of_symbol
                    .get(tier.0 as usize)
                    .copied()
                    .flatten()
                {
                    Some(t) => self.st.invitations.push((date, t)),
                    None => {
                        let name = self.name();
                        let tier_name = self.scenario.names.symbol(*tier);
                        let location = self.location();
                        self.push_finding(
                            Finding::new(
                                FindingCode::UnknownTier,
                                format!("partner `{name}` is invited to tier `{tier_name}`, which the policy does not define"),
                            )
                            .partner(name)
                            .event(location),
                        );
                    }
                }
            }
            CreditKind::Staff(q, count) => {
                self.st.staff_events = true;
                if let Some(q) = self
                    .plan
                    .qual_of_symbol
                    .get(q.0 as usize)
                    .copied()
                    .flatten()
                {
                    self.st.staff_changes.push((date, q, *count));
                }
            }
        }
    }
}
