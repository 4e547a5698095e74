//! Commissions: which rules a credited sale earns under, the window and
//! contract checks, the base, and the account each (invoice, rule) keeps.

use crate::attribution::Sale;
use crate::cutback::CutRate;
use crate::explain::{
    BaseWhy, CommissionDetail, CommissionWhy, RateWhy, SettledWhy, Shown, Why, WindowWhy,
};
use crate::findings::{Finding, FindingCode};
use crate::full_payment::FullPay;
use crate::money::{Account, Exact, Settlement as Settled};
use crate::partner::{InvoiceBook, InvoiceCommission};
use crate::payouts::{PartnerRun, RuleRef};
use crate::plan::RuleId;
use charter_ir::*;
use charter_scenario::{CollectedBy, InvoiceId};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl PartnerRun<'_, '_> {
    /// Commissions on an invoice issued to one of the partner's customers.
    pub(crate) fn invoice_commissions(&mut self, sale: &Sale, date: NaiveDate) {
        let program = self.plan.program;
        for (r, rule) in program.commissions.iter().enumerate() {
            if rule.base.kind == BaseKind::Invoices {
                self.commission(RuleId(r as u16), sale, date);
            }
        }
    }

    /// Commissions on a payment of one of the partner's customers.
    pub(crate) fn payment_commissions(&mut self, sale: &Sale, date: NaiveDate) {
        let program = self.plan.program;
        for (r, rule) in program.commissions.iter().enumerate() {
            // A payment earns percentages of payments and bounties per new
            // customer; a bounty per trial or lead is paid on its own event
            // (`bounty.rs`), never on a payment.
            match rule.base.kind {
                BaseKind::Payments | BaseKind::NewCustomer => {}
                BaseKind::Invoices | BaseKind::Trial | BaseKind::QualifiedLead => continue,
            }
            // The payment that pays an invoice in full earns a commission
            // waiting for it on what its filter accepts, whoever collected
            // this payment (LANGUAGE.md §4, Full payment).
            let completes = matches!(sale.full, FullPay::Completes(_))
                && self.waits_for_full_payment(RuleId(r as u16));
            if let (Some(c), Some(by), false) =
                (rule.base.collected_by, sale.collected_by, completes)
            {
                let matches = matches!(
                    (c, by),
                    (Collector::Vendor, CollectedBy::Vendor)
                        | (Collector::Partner, CollectedBy::Partner)
                );
                if !matches {
                    continue;
                }
            }
            self.commission(RuleId(r as u16), sale, date);
        }
    }

    pub(crate) fn not_earned(
        &mut self,
        code: FindingCode,
        r: RuleId,
        date: NaiveDate,
        sale: &Sale,
        why: String,
    ) {
        let rule = &self.plan.program.commissions[r.0 as usize];
        let name = self.name();
        // Eligibility holds or not for good; anything else on the day.
        let message = if code == FindingCode::NotEligible {
            format!("`{name}` earns nothing from `{}`: {why}", rule.name.name)
        } else {
            format!(
                "`{name}` earns nothing from `{}` on {date}: {why}",
                rule.name.name
            )
        };
        let cust = self.scenario.names.customer(sale.customer);
        let location = self.location();
        self.push_finding(
            Finding::new(code, message)
                .partner(name)
                .customer(cust)
                .rule(rule.span)
                .event(location),
        );
    }

    /// Applies commission rule `r` to a credited sale.
    pub(crate) fn commission(&mut self, r: RuleId, sale: &Sale, date: NaiveDate) {
        let plan = self.plan;
        let program = plan.program;
        let rule = &program.commissions[r.0 as usize];
        let rp = &plan.rules[r.0 as usize];
        // Which invoices the rule covers.
        match rule.base.invoices {
            InvoiceFilter::New if sale.renewal => return,
            InvoiceFilter::Renewal if !sale.renewal => return,
            InvoiceFilter::Any | InvoiceFilter::New | InvoiceFilter::Renewal => {}
        }
        // `on first subscription`: the invoices of the customer's first subscription only.
        if rule.base.first_subscription.is_some() && !sale.first_subscription {
            return;
        }
        if let Some(products) = &rp.products {
            if !sale.product.is_some_and(|p| products.contains(&p)) {
                return;
            }
        }
        // `by METHOD`: only customers held through that attribution path.
        if rule
            .base
            .path
            .is_some_and(|(path, _)| path != sale.claim.method)
        {
            return;
        }
        // A version of a rule earns only on events dated while it is in force.
        if let Some((from, to)) = rule.in_force {
            if date < from || to.is_some_and(|to| date > to) {
                return;
            }
        }
        // And so does a version of the whole policy (`program { in force … }`).
        if plan.program.in_force.is_some_and(|p| !p.covers(date)) {
            return;
        }
        // A fixed amount per new customer: on the customer's first payment
        // (any payment on its first payment day), once per customer.
        let fixed = match &rule.rate {
            RateSpec::Fixed { amount } => {
                let key = (r.0, sale.customer);
                if sale.first_payment != Some(date) || self.st.new_customers_paid.contains(&key) {
                    return;
                }
                Some(amount.amount)
            }
            RateSpec::Flat { .. } | RateSpec::ByTier { .. } | RateSpec::Brackets { .. } => None,
        };
        if !self.in_scope(rp.scope, date) {
            return;
        }
        if let Some(why) = self.ineligible(r, date) {
            if !self.seen(FindingCode::NotEligible, r.0 as u32, 0) {
                self.not_earned(FindingCode::NotEligible, r, date, sale, why);
            }
            return;
        }
        if let Some(why) = self.unmet_requirements(&rp.requirements, date) {
            if !self.seen(FindingCode::RequirementNotMet, r.0 as u32, 0) {
                self.not_earned(FindingCode::RequirementNotMet, r, date, sale, why);
            }
            return;
        }
        // The window selects invoices by their issue date.
        let window = match &rule.window {
            WindowSpec::Within { length, anchor } => {
                // `per subscription`: the window of the invoice's own subscription.
                let per_subscription = rule.per_subscription.is_some();
                let start = match anchor {
                    Anchor::FirstInvoice if per_subscription => sale.subscription_first_invoice,
                    Anchor::FirstInvoice => sale.first_invoice,
                    Anchor::FirstPayment => sale.first_payment,
                    Anchor::FirstOrder => sale.first_order,
                    Anchor::Referral | Anchor::Registration | Anchor::Attachment => {
                        Some(sale.claim.anchor)
                    }
                    Anchor::Attribution => Some(sale.claim.date),
                    Anchor::ContractStart => self.stat.joined.or(Some(sale.claim.date)),
                };
                let Some(start) = start else { return };
                let end = length.after(start, plan.holidays);
                if sale.invoice_date < start || sale.invoice_date >= end {
                    return;
                }
                WindowWhy::Within {
                    start,
                    end,
                    invoice_date: sale.invoice_date,
                }
            }
            WindowSpec::Lifetime | WindowSpec::WhileCustomerPays => WindowWhy::WhileCustomerPays,
            WindowSpec::WhileContractActive => WindowWhy::WhileContractActive,
            WindowSpec::Unbounded => WindowWhy::None,
        };
        // After the partner's contract ended. The contract runs through its
        // end date (LANGUAGE.md §4, Contract end): an invoice issued on that
        // day still earns, and a payment made on it is not a later one.
        let mut ended = None;
        if let Some(end) = self.contract_end() {
            if date > end {
                let terms = program.contract.as_ref();
                let waive = terms.is_some_and(|t| t.waive_renewals);
                let stop = terms.is_some_and(|t| t.stop_commissions);
                let inv_name = self.scenario.names.invoice(sale.invoice);
                let why = if sale.invoice_date > end {
                    Some(format!(
                        "invoice `{inv_name}` of {} was issued after the contract ended on {end}",
                        sale.invoice_date
                    ))
                } else if sale.renewal && waive {
                    Some(format!("on termination the partner waives renewal income; the contract ended on {end}"))
                } else if stop {
                    Some(format!(
                        "on termination commissions stop; the contract ended on {end}"
                    ))
                } else {
                    None
                };
                if let Some(why) = why {
                    if !self.seen(FindingCode::ContractEnded, r.0 as u32, sale.invoice.0 + 1) {
                        self.not_earned(FindingCode::ContractEnded, r, date, sale, why);
                    }
                    return;
                }
                ended = Some(end);
            }
        }
        // Payouts that wait for the invoice's full payment.
        let schedule = plan.schedule(r);
        let full = fixed.is_none() && self.waits_for_full_payment(r);
        let mut base = sale.amount;
        let mut exact_base = None;
        let base_why = if full {
            match &sale.full {
                FullPay::Waiting => return,
                // Paid in full before: later payments (overpayments) earn more.
                FullPay::Paid => BaseWhy::Further,
                FullPay::Completes(received) => {
                    let accepted = received.accepted(rule.base.collected_by);
                    self.out.full_paid.push(sale.invoice);
                    if accepted <= Exact::zero() {
                        return;
                    }
                    let (shown, approximate) = received.shown(rule.base.collected_by);
                    base = shown;
                    exact_base = Some(accepted);
                    BaseWhy::Full {
                        invoice_amount: sale.invoice_amount,
                        by: rule.base.collected_by,
                        approximate,
                    }
                }
            }
        } else {
            match sale.collected_by {
                Some(by) => BaseWhy::Payment { by },
                None => BaseWhy::Invoice,
            }
        };
        let rated = match self.rate(r, date, base, sale.amount) {
            Ok(rated) => rated,
            Err(why) => {
                if !self.seen(FindingCode::NotEligible, r.0 as u32, u32::MAX) {
                    self.not_earned(FindingCode::NotEligible, r, date, sale, why);
                }
                return;
            }
        };
        // `cut back … unless tier …`: after a missed deadline the rate is at
        // most the cut-back rate; before it, the shadow account earns at it.
        let cut = match fixed {
            Some(_) => CutRate::None,
            None => self.cut_rate(r),
        };
        let (paid_rate, cut_facts) = match &cut {
            CutRate::Cut(low, facts) => ((&rated.rate).min(low).clone(), Some(*facts)),
            CutRate::None | CutRate::Shadow(_) => (rated.rate.clone(), None),
        };
        // Reaching a retroactive bracket re-rates the trailing period's
        // earlier payments first; their top-ups are reported after this
        // payout. A commission cut back pays no top-ups.
        let top_ups = match rated.retroactive {
            Some((from, new_rate)) if cut_facts.is_none() => {
                self.retroactive_top_ups(r, date, from, new_rate)
            }
            Some(_) | None => Vec::new(),
        };
        let share = sale.claim.share;
        // Exact: base × rate / 100 × share (or the fixed amount × share),
        // rounded only as part of the running total.
        let raw = match fixed {
            Some(amount) => {
                self.st.new_customers_paid.insert((r.0, sale.customer));
                Exact::from_decimal(amount).mul_decimal(share)
            }
            None => match &exact_base {
                Some(exact) => exact.mul(&Exact::percent(Decimal::ONE)),
                None => Exact::percent(base),
            }
            .mul(&paid_rate)
            .mul_decimal(share),
        };
        // `at most … per PERIOD`: what the rule's caps still let through.
        let (earned, caps) = match self.through_caps(r, date, &raw) {
            Ok(through) => through,
            Err((cap, start)) => {
                let what = format!("{date}");
                self.cap_reached(r, cap, start, Some(sale.customer), &what);
                for top_up in top_ups {
                    self.out.payouts.push(top_up);
                    self.renumber_last();
                }
                return;
            }
        };
        let rounding = plan.rounding;
        let settled = account(&mut self.st.books, sale.invoice, r, base, |a| {
            a.earn(&earned, rounding)
        });
        let value = settled.amount;
        let path = Some(sale.claim.method);
        if let Some(c) = self
            .st
            .books
            .get_mut(&sale.invoice)
            .and_then(|b| b.commissions.iter_mut().find(|c| c.rule == r.0))
        {
            c.path = path;
        }
        let rate = paid_rate.to_decimal();
        if let CutRate::Shadow(low) = &cut {
            // What was earned (after any cap), at the lower rate instead.
            let at_cut = earned
                .mul((&rated.rate).min(low))
                .div(&rated.rate)
                .unwrap_or_else(Exact::zero);
            self.shadow_earn(r, sale.invoice, sale.customer, path, &at_cut, rate);
        }
        self.st.ledger.push(crate::partner::LedgerEntry {
            rule: r.0,
            date,
            base,
            rate,
            share,
            customer: sale.customer,
            invoice: sale.invoice,
            invoice_date: sale.invoice_date,
        });
        let (due, due_why) = self.due(schedule, rp.schedule, date, sale.invoice_date);
        let why = self.explain.then(|| {
            Box::new(Why::Commission(CommissionWhy {
                rule: r,
                method: sale.claim.method,
                claimed: sale.claim.date,
                anchor: sale.claim.anchor,
                share: sale.claim.share_k,
                window,
                ended,
                base: base_why,
                rate: rated.why,
                uplifts: rated.uplifts,
                bound: rated.bound,
                exact_rate: Shown::of(&paid_rate),
                raw: Shown::of(&raw),
                settled: settled_why(&settled, Some(&earned)),
                due: due_why,
                detail: CommissionDetail::boxed(
                    match rated.why {
                        RateWhy::Tier { tier, date } => self.standing_reasons(tier, date),
                        RateWhy::Flat
                        | RateWhy::Fixed
                        | RateWhy::Whole { .. }
                        | RateWhy::Retroactive { .. }
                        | RateWhy::Marginal { .. } => None,
                    },
                    caps,
                    cut_facts,
                ),
            }))
        });
        self.pay(
            Some(sale.customer),
            Some(sale.invoice),
            RuleRef::Commission(r),
            base,
            fixed.is_none().then_some(rate),
            value,
            date,
            due,
            rp.settlement,
            why,
        );
        if let Some(p) = self.out.payouts.last_mut() {
            p.path = path;
        }
        if !rule.caps.is_empty() {
            self.cap_paid(r, date, value);
        }
        for top_up in top_ups {
            self.out.payouts.push(top_up);
            self.renumber_last();
        }
    }
}

impl PartnerRun<'_, '_> {
    /// Whether rule `r`'s payout waits for the invoice's full payment (a
    /// percentage: a fixed amount is timed from the payment that earns it).
    pub(crate) fn waits_for_full_payment(&self, r: RuleId) -> bool {
        let rule = &self.plan.program.commissions[r.0 as usize];
        !matches!(rule.rate, RateSpec::Fixed { .. })
            && matches!(
                self.plan.schedule(r),
                Some(PayoutSchedule {
                    timing: PayoutTiming::Within { full: true, .. },
                    ..
                })
            )
    }
}

/// What an account's settlement says in an explanation.
pub(crate) fn settled_why(s: &Settled, raw: Option<&Exact>) -> SettledWhy {
    // The explanation shows the rounded total as amount + already paid.
    debug_assert_eq!(s.rounded, s.amount + s.already_paid);
    SettledWhy {
        total: Shown::of(&s.total),
        already_paid: s.already_paid,
        first: s.already_paid.is_zero() && raw.is_some_and(|raw| s.total == *raw),
    }
}

/// Runs `f` on the partner's account of rule `r` on `invoice` (opened on
/// first use, its base raised by `base`).
pub(crate) fn account<T>(
    books: &mut std::collections::BTreeMap<InvoiceId, InvoiceBook>,
    invoice: InvoiceId,
    r: RuleId,
    base: Decimal,
    f: impl FnOnce(&mut Account) -> T,
) -> T {
    let book = books.entry(invoice).or_default();
    let k = match book.commissions.iter().position(|c| c.rule == r.0) {
        Some(k) => k,
        None => {
            book.commissions.push(InvoiceCommission {
                rule: r.0,
                base: Decimal::ZERO,
                account: Account::default(),
                path: None,
            });
            book.commissions.len() - 1
        }
    };
    let entry = &mut book.commissions[k];
    entry.base += base;
    f(&mut entry.account)
}
