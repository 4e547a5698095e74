//! Phase (a): attribution, one customer at a time. A customer's claims,
//! referral windows, approvals, attachments and invoices depend on its own
//! events only (and on partners' fixed facts), so customers are independent
//! and run in parallel. Each event becomes [`Credit`]s for the partners it
//! concerns — the only thing that crosses to phase (b).

use crate::findings::{Finding, FindingCode};
use crate::full_payment::{FullPay, Received, Settling, Stage};
use crate::partner::PartnerStatic;
use crate::plan::{AttrId, Plan, ScopeId, TrackId};
use charter_ir::{AttributionMethod, ClaimPolicy};
use charter_scenario::{
    CollectedBy, CustomerId, EventKind as Ev, InvoiceId, PartnerId, Scenario, SubscriptionId,
    Symbol,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Whether a partner is in a scope whose membership changes during a run
/// (a tier, a benefit): phase (b) knows, and only a coupled run asks.
pub(crate) trait DynamicScope {
    fn in_dynamic_scope(&self, partner: PartnerId, scope: ScopeId, date: NaiveDate) -> bool;
}

/// A run whose attribution rules name no tier or benefit never asks.
pub(crate) struct StaticOnly;

impl DynamicScope for StaticOnly {
    fn in_dynamic_scope(&self, _: PartnerId, _: ScopeId, _: NaiveDate) -> bool {
        false
    }
}

/// Who owns a customer when a sale is credited, and how.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClaimFacts {
    pub method: AttributionMethod,
    /// When the claim took effect (an order for a referral, an approval...).
    pub date: NaiveDate,
    /// The referral, registration or attachment date.
    pub anchor: NaiveDate,
    pub share: Decimal,
    /// Which share: 0 for the whole commission, k for `claims split`'s k-th.
    pub share_k: u8,
}

/// A sale (an invoice issued or a payment) credited to one owner.
#[derive(Clone, Debug)]
pub(crate) struct Sale {
    pub invoice: InvoiceId,
    pub customer: CustomerId,
    pub invoice_date: NaiveDate,
    pub invoice_amount: Decimal,
    pub renewal: bool,
    pub product: Option<Symbol>,
    /// The amount paid (a payment) or invoiced (an invoice).
    pub amount: Decimal,
    /// Where the sale stands against its invoice's full payment.
    pub full: FullPay,
    pub collected_by: Option<CollectedBy>,
    pub first_invoice: Option<NaiveDate>,
    pub first_payment: Option<NaiveDate>,
    pub first_order: Option<NaiveDate>,
    /// The first invoice of the invoice's subscription (`within D from
    /// first_invoice per subscription`).
    pub subscription_first_invoice: Option<NaiveDate>,
    /// Whether the invoice bills the customer's first subscription (`on
    /// first subscription`).
    pub first_subscription: bool,
    pub claim: ClaimFacts,
}

/// A date that may be absent, in four bytes (days from the common era).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Day(i32);

impl Day {
    pub fn of(d: Option<NaiveDate>) -> Day {
        Day(d.map_or(i32::MIN, |d| chrono::Datelike::num_days_from_ce(&d)))
    }

    pub fn get(self) -> Option<NaiveDate> {
        (self.0 != i32::MIN)
            .then(|| NaiveDate::from_num_days_from_ce_opt(self.0))
            .flatten()
    }
}

/// What crosses from phase (a) to phase (b) for a sale: the facts of the
/// invoice and the payment, and what the customer's history decides. Inline
/// in the credit (never boxed); phase (b) reads no event back.
#[derive(Clone, Debug)]
pub(crate) struct SaleFacts {
    pub invoice: InvoiceId,
    pub customer: CustomerId,
    pub invoice_amount: Decimal,
    /// The amount paid (a payment) or invoiced (an invoice).
    pub amount: Decimal,
    /// Where the sale stands against its invoice's full payment, and what
    /// was received on it for the payment that pays it in full (two fields,
    /// so that the stage takes a byte of the padding).
    pub full: Stage,
    pub received: Option<Box<Received>>,
    pub invoice_date: NaiveDate,
    pub product: CompactSymbol,
    pub first_invoice: Day,
    pub first_payment: Day,
    pub first_order: Day,
    pub subscription_first_invoice: Day,
    pub claim_date: NaiveDate,
    pub anchor: NaiveDate,
    pub method: AttributionMethod,
    pub collected_by: Option<CollectedBy>,
    pub flags: InvoiceFlags,
    /// 0: the whole commission; k: the k-th share of `claims split`.
    pub share: u8,
}

/// Whether an invoice renews an earlier sale and whether it bills the
/// customer's first subscription, in one byte that leaves room for the
/// credit's tag (a plain `u8` would not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InvoiceFlags {
    New,
    Renewal,
    FirstSubscriptionNew,
    FirstSubscriptionRenewal,
}

impl InvoiceFlags {
    pub fn of(renewal: bool, first_subscription: bool) -> InvoiceFlags {
        match (renewal, first_subscription) {
            (false, false) => InvoiceFlags::New,
            (true, false) => InvoiceFlags::Renewal,
            (false, true) => InvoiceFlags::FirstSubscriptionNew,
            (true, true) => InvoiceFlags::FirstSubscriptionRenewal,
        }
    }

    pub fn renewal(self) -> bool {
        matches!(
            self,
            InvoiceFlags::Renewal | InvoiceFlags::FirstSubscriptionRenewal
        )
    }

    pub fn first_subscription(self) -> bool {
        matches!(
            self,
            InvoiceFlags::FirstSubscriptionNew | InvoiceFlags::FirstSubscriptionRenewal
        )
    }
}

/// An optional symbol in four bytes (`Option<Symbol>` takes eight), so that
/// a sale's facts stay within a credit's budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CompactSymbol(Option<std::num::NonZeroU32>);

impl CompactSymbol {
    pub fn of(symbol: Option<Symbol>) -> CompactSymbol {
        CompactSymbol(symbol.map(|s| std::num::NonZeroU32::MIN.saturating_add(s.0)))
    }

    pub fn get(self) -> Option<Symbol> {
        self.0.map(|n| Symbol(n.get() - 1))
    }
}

impl SaleFacts {
    /// The sale in full.
    pub fn expand(&self, plan: &Plan) -> Sale {
        Sale {
            invoice: self.invoice,
            customer: self.customer,
            invoice_date: self.invoice_date,
            invoice_amount: self.invoice_amount,
            renewal: self.flags.renewal(),
            product: self.product.get(),
            amount: self.amount,
            full: FullPay::unpack(self.full, self.received.as_deref(), self.invoice_amount),
            collected_by: self.collected_by,
            first_invoice: self.first_invoice.get(),
            first_payment: self.first_payment.get(),
            first_order: self.first_order.get(),
            subscription_first_invoice: self.subscription_first_invoice.get(),
            first_subscription: self.flags.first_subscription(),
            claim: ClaimFacts {
                method: self.method,
                date: self.claim_date,
                anchor: self.anchor,
                share: plan.share(self.share),
                share_k: self.share,
            },
        }
    }
}

/// Days on which a partner owns a customer under the claims rule, as far as
/// the claims made so far say: from `from` (included) until `until`
/// (excluded; open when `None`), through its claim that took effect on `claim`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnedSpan {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub claim: NaiveDate,
}

/// What one event means for one partner.
#[derive(Clone, Debug)]
pub(crate) enum CreditKind {
    /// The partner referred the customer (whatever came of it); the
    /// customer's first order if it has one.
    Referral {
        customer: CustomerId,
        first_order: Option<NaiveDate>,
    },
    /// A customer the partner referred placed its first order.
    ReferredOrdered {
        customer: CustomerId,
    },
    Registration,
    Attachment,
    /// The customer's claims changed: when the partner owns it from now on
    /// (the `customers` metric counts a customer only while the partner
    /// holds it under the claims rule).
    Owned {
        customer: CustomerId,
        spans: Vec<OwnedSpan>,
    },
    /// An order counted for the partner.
    Order,
    VendorContact,
    Invoice(SaleFacts),
    Payment(SaleFacts),
    /// The customer's first trial or lead, for the commissions per trial or
    /// per qualified lead.
    Bounty(crate::bounty::BountyFacts),
    /// The recurring revenue of one of the customer's invoices changed
    /// (`managed mrr`, `sold mrr`; only when a requirement measures it).
    Mrr(crate::mrr::MrrChange),
    /// A refund on an invoice the partner was credited on.
    Refund {
        invoice: InvoiceId,
        customer: CustomerId,
        /// Whether the partner owns the customer now (its refunds and sales count).
        owner: bool,
        /// Whether anything is refunded of something paid.
        takes: bool,
        refunded: Decimal,
        paid_before: Decimal,
        last_payment: Option<NaiveDate>,
    },
    Activity(Symbol),
    Notice,
    Invitation(Symbol),
    Staff(Symbol, u32),
}

/// One event's meaning for one partner, in replay order.
#[derive(Clone, Debug)]
pub(crate) struct Credit {
    /// The event's position in the replay (date, same-day rank, input order).
    pub seq: u32,
    /// Its rank among the event's credits.
    pub sub: u16,
    pub partner: PartnerId,
    pub date: NaiveDate,
    /// The event's index in the scenario (for locations).
    pub event: u32,
    pub kind: CreditKind,
}

/// A finding with its place in the report: the replay position of the
/// event it is about, the phase, a rank within; and, for findings reported
/// once per key across customers, the key.
pub(crate) struct Keyed {
    pub key: (u32, u8, u32, u32),
    pub once: Option<(FindingCode, u32, u32, u32)>,
    pub finding: Finding,
}

/// The claim a `claims` rule picks among `claims` (`split` picks the
/// earliest here: its shares are taken per track by the caller).
fn pick_claim<'c>(
    rule: &ClaimPolicy,
    claims: impl Iterator<Item = &'c Claim> + Clone,
) -> Option<&'c Claim> {
    let key = |c: &&Claim| (c.date, c.anchor, c.seq);
    match rule {
        ClaimPolicy::First | ClaimPolicy::Split { .. } => claims.min_by_key(key),
        ClaimPolicy::Last => claims.max_by_key(key),
        ClaimPolicy::ExclusiveFirst => claims
            .clone()
            .filter(|c| c.exclusive)
            .min_by_key(key)
            .or_else(|| claims.min_by_key(key)),
    }
}

#[derive(Clone)]
pub(crate) struct Claim {
    partner: PartnerId,
    method: AttributionMethod,
    date: NaiveDate,
    exclusive: bool,
    anchor: NaiveDate,
    /// The order in which the replay made the customer's claims.
    seq: u32,
    /// The first day the claim no longer counts: an attachment ended by the
    /// customer's `direct_request`.
    until: Option<NaiveDate>,
}

impl Claim {
    /// Whether the claim counts on `date`.
    fn counts_on(&self, date: NaiveDate) -> bool {
        self.date <= date && self.until.is_none_or(|until| date < until)
    }
}

struct InvoiceState {
    id: InvoiceId,
    date: NaiveDate,
    renewal: bool,
    product: Option<Symbol>,
    /// Index of its subscription in [`CustomerState::subscriptions`]
    /// (`usize::MAX` for an invoice out of the program's currency that
    /// names a subscription not opened yet: it opens none).
    subscription: usize,
    amount: Decimal,
    /// The months it bills from its date (`managed mrr`, `sold mrr`).
    months: u16,
    paid: Decimal,
    refunded: Decimal,
    /// Its way to its full payment (`after full payment`).
    settling: Settling,
    last_payment: Option<NaiveDate>,
    ignored: bool,
    /// Partners credited a sale on it, in the order of their first credit.
    credited: smallvec::SmallVec<[PartnerId; 2]>,
}

/// One customer's attribution state.
#[derive(Default)]
pub(crate) struct CustomerState {
    vendor_contacts: Vec<NaiveDate>,
    /// The customer's first sign-up (`new users only`).
    signed_up: Option<NaiveDate>,
    /// Whether the customer already had a trial, a lead (each paid for once).
    trialled: bool,
    qualified: bool,
    pending_referrals: Vec<(PartnerId, NaiveDate, AttrId, u32)>,
    referrers: Vec<PartnerId>,
    first_order: Option<NaiveDate>,
    first_purchase: Option<NaiveDate>,
    first_invoice: Option<NaiveDate>,
    first_payment: Option<NaiveDate>,
    /// The customer's subscriptions in the order of their first invoice: the
    /// first is the one its first invoice bills. Invoices that name none
    /// share one unnamed subscription.
    subscriptions: Vec<Subscription>,
    claims: Vec<Claim>,
    invoices: Vec<InvoiceState>,
    /// Partners told of the customer's recurring revenue so far (each
    /// partner with a claim, from its first claim on).
    mrr_told: Vec<PartnerId>,
    /// Findings reported once per customer or invoice.
    reported: Vec<(FindingCode, u32)>,
}

/// One subscription (or deal) of a customer, as its invoices so far say.
struct Subscription {
    id: Option<SubscriptionId>,
    first_invoice: NaiveDate,
}

/// An invoice still waiting for its full payment at the end of the run.
pub(crate) struct Pending {
    pub invoice: InvoiceId,
    pub customer: CustomerId,
    pub amount: Decimal,
    pub paid: Decimal,
}

/// Runs one customer's events; what it emits goes to `out`.
pub(crate) struct Attribution<'r, 'p> {
    pub plan: &'r Plan<'p>,
    pub scenario: &'r Scenario,
    pub partners: &'r [PartnerStatic],
    pub dynamic: &'r dyn DynamicScope,
    pub customer: CustomerId,
    pub state: &'r mut CustomerState,
    pub credits: &'r mut Vec<Credit>,
    pub findings: &'r mut Vec<Keyed>,
    /// The event being replayed.
    seq: u32,
    event: u32,
    sub: u16,
    rank: u32,
}

impl<'r, 'p> Attribution<'r, 'p> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &'r Plan<'p>,
        scenario: &'r Scenario,
        partners: &'r [PartnerStatic],
        dynamic: &'r dyn DynamicScope,
        customer: CustomerId,
        state: &'r mut CustomerState,
        credits: &'r mut Vec<Credit>,
        findings: &'r mut Vec<Keyed>,
    ) -> Self {
        Attribution {
            plan,
            scenario,
            partners,
            dynamic,
            customer,
            state,
            credits,
            findings,
            seq: 0,
            event: 0,
            sub: 0,
            rank: 0,
        }
    }

    fn credit(&mut self, partner: PartnerId, date: NaiveDate, kind: CreditKind) {
        self.credits.push(Credit {
            seq: self.seq,
            sub: self.sub,
            partner,
            date,
            event: self.event,
            kind,
        });
        self.sub = self.sub.saturating_add(1);
    }

    fn push(&mut self, finding: Finding, once: Option<(FindingCode, u32, u32, u32)>) {
        self.findings.push(Keyed {
            key: (self.seq, 1, self.rank, 0),
            once,
            finding,
        });
        self.rank += 1;
    }

    /// Whether a finding keyed to this customer or one of its invoices was reported; marks it.
    fn seen(&mut self, code: FindingCode, key: u32) -> bool {
        if self.state.reported.contains(&(code, key)) {
            return true;
        }
        self.state.reported.push((code, key));
        false
    }

    fn partner_name(&self, p: PartnerId) -> &'r str {
        self.scenario.names.partner(p)
    }

    fn customer_name(&self) -> &'r str {
        self.scenario.names.customer(self.customer)
    }

    fn location(&self, index: u32) -> String {
        crate::findings::event_location(self.scenario, index)
    }

    /// Replays one event of the customer (`seq`: its position in the replay).
    pub fn event(&mut self, seq: u32, index: u32) {
        self.seq = seq;
        self.event = index;
        self.sub = 0;
        self.rank = 0;
        let event = &self.scenario.events[index as usize];
        let date = event.date;
        match &event.kind {
            Ev::VendorContact { .. } => {
                self.state.vendor_contacts.push(date);
                for (claim, _) in self.owners(date) {
                    self.credit(claim.partner, date, CreditKind::VendorContact);
                }
            }
            Ev::Signup { .. } => {
                self.state.signed_up.get_or_insert(date);
            }
            Ev::Trial { .. } => self.first_event(crate::bounty::BountyEvent::Trial, date),
            Ev::Lead { .. } => self.first_event(crate::bounty::BountyEvent::Lead, date),
            Ev::DirectRequest { .. } => self.direct_request(date),
            Ev::Referral { partner, .. } => self.referral(*partner, date),
            Ev::Registration {
                partner,
                approved,
                decided,
                ..
            } => self.registration(*partner, date, *approved, *decided),
            Ev::Attachment {
                partner,
                requested_by_customer,
                ..
            } => {
                self.credit(*partner, date, CreditKind::Attachment);
                self.attachment(*partner, date, *requested_by_customer)
            }
            Ev::Order {
                product, partner, ..
            } => self.order(*product, *partner, date),
            Ev::Invoice {
                invoice,
                amount,
                currency,
                product,
                renewal,
                subscription,
                months,
                ..
            } => self.invoice(
                *invoice,
                (*amount, *months),
                currency.as_ref().map(|c| c.as_str()),
                (*product, *subscription),
                *renewal,
                date,
            ),
            Ev::Payment {
                invoice,
                amount,
                collected_by,
            } => self.payment(*invoice, *amount, *collected_by, date),
            Ev::Refund { invoice, amount } => self.refund(*invoice, *amount, date),
            // Partner events and exchange rates never reach a customer.
            Ev::Activity { .. }
            | Ev::Notice { .. }
            | Ev::Invitation { .. }
            | Ev::Staff { .. }
            | Ev::ExchangeRate { .. } => {}
        }
    }

    /// The customer's first trial (or lead) credits the partners owning it
    /// that day (LANGUAGE.md §4, Fixed amounts per trial or lead); later
    /// ones credit nobody.
    fn first_event(&mut self, event: crate::bounty::BountyEvent, date: NaiveDate) {
        let seen = match event {
            crate::bounty::BountyEvent::Trial => &mut self.state.trialled,
            crate::bounty::BountyEvent::Lead => &mut self.state.qualified,
        };
        if std::mem::replace(seen, true) {
            return;
        }
        for (claim, share) in self.owners(date) {
            let facts = crate::bounty::BountyFacts {
                event,
                customer: self.customer,
                first_invoice: Day::of(self.state.first_invoice),
                first_payment: Day::of(self.state.first_payment),
                first_order: Day::of(self.state.first_order),
                claim_date: claim.date,
                anchor: claim.anchor,
                method: claim.method,
                share,
            };
            self.credit(claim.partner, date, CreditKind::Bounty(facts));
        }
    }

    // ------------------------------------------------------------ claims

    fn in_scope(&self, scope: ScopeId, partner: PartnerId, date: NaiveDate) -> bool {
        let p = &self.partners[partner.0 as usize];
        match scope {
            ScopeId::Program => true,
            ScopeId::Track(t) => p.in_track(t, self.seq),
            ScopeId::Module(m) => p.holds_module(m),
            ScopeId::Tier(_) | ScopeId::Benefit(_) => {
                self.dynamic.in_dynamic_scope(partner, scope, date)
            }
            ScopeId::Unknown => false,
        }
    }

    /// The first attribution rule of a method that applies to a partner.
    fn rule_for(
        &self,
        method: AttributionMethod,
        partner: PartnerId,
        date: NaiveDate,
    ) -> Option<AttrId> {
        self.plan
            .attributions_by(method)
            .find(|(_, a)| self.in_scope(a.scope, partner, date))
            .map(|(id, _)| id)
    }

    fn no_rule(&mut self, method: AttributionMethod, partner: PartnerId) {
        let name = self.partner_name(partner);
        let cust = self.customer_name();
        let location = self.location(self.event);
        self.push(
            Finding::new(
                FindingCode::AttributionRejected,
                format!(
                    "the policy attributes no customer to `{name}` by {}: the event gives it no claim",
                    method.as_str()
                ),
            )
            .partner(name)
            .customer(cust)
            .event(location),
            Some((FindingCode::AttributionRejected, partner.0, method as u32, 0)),
        );
    }

    /// A claim that does not attribute the customer (S0202), pointing at
    /// the event that made it and at the attribution rule it failed.
    fn reject(&mut self, partner: PartnerId, index: u32, rule: Option<AttrId>, why: String) {
        let name = self.partner_name(partner);
        let cust = self.customer_name();
        let location = self.location(index);
        let mut finding = Finding::new(FindingCode::AttributionRejected, why)
            .partner(name)
            .customer(cust)
            .event(location);
        if let Some(rule) = rule {
            finding = finding.rule(self.plan.program.attributions[rule.0 as usize].span);
        }
        self.push(finding, None);
    }

    fn referral(&mut self, partner: PartnerId, date: NaiveDate) {
        self.credit(
            partner,
            date,
            CreditKind::Referral {
                customer: self.customer,
                first_order: self.state.first_order,
            },
        );
        if !self.state.referrers.contains(&partner) {
            self.state.referrers.push(partner);
        }
        let Some(rule) = self.rule_for(AttributionMethod::Referral, partner, date) else {
            self.no_rule(AttributionMethod::Referral, partner);
            return;
        };
        if let Some(why) = self
            .own_account(rule, partner, "referral", date)
            .or_else(|| self.signed_up(rule, "referral", date))
            .or_else(|| self.installed(rule, "referred", date, false))
        {
            self.reject(partner, self.event, Some(rule), why);
            return;
        }
        let a = &self.plan.program.attributions[rule.0 as usize];
        if let (Some(_), Some(first)) = (a.closes_within, self.state.first_purchase) {
            // The first purchase the referral waits for is already past: no
            // later purchase can close it.
            let cust = self.customer_name();
            self.reject(
                partner,
                self.event,
                Some(rule),
                format!("`{cust}` had already bought on {first}, before the referral on {date}: it is not a new customer"),
            );
        } else if a.closes_within.is_some() {
            let event = self.event;
            self.state
                .pending_referrals
                .push((partner, date, rule, event));
        } else if let Some(why) = self
            .referral_blocked(date, rule)
            .or_else(|| self.not_new(rule, "referral", date))
        {
            self.reject(partner, self.event, Some(rule), why);
        } else {
            self.claim(
                partner,
                AttributionMethod::Referral,
                date,
                date,
                false,
                self.event,
            );
        }
    }

    /// Why a referral on `date` cannot attribute the customer, if it cannot.
    fn referral_blocked(&self, date: NaiveDate, rule: AttrId) -> Option<String> {
        let a = &self.plan.program.attributions[rule.0 as usize];
        let lookback = a.no_prior_contact?;
        let from = lookback.before(date, self.plan.holidays);
        let contact = self
            .state
            .vendor_contacts
            .iter()
            .find(|d| **d >= from && **d <= date)?;
        Some(format!(
            "the referral of `{}` on {date} does not count: the vendor was in contact with it on {contact}, within {lookback} before the referral",
            self.customer_name()
        ))
    }

    /// Why a claim under `before installation` fails: the customer was
    /// invoiced before the claiming event (on every attribution path), and
    /// `existing customers on request` does not let it through.
    fn installed(
        &self,
        rule: AttrId,
        what: &str,
        date: NaiveDate,
        requested: bool,
    ) -> Option<String> {
        let a = &self.plan.program.attributions[rule.0 as usize];
        if !a.before_installation {
            return None;
        }
        let installed = self.state.first_invoice.filter(|d| *d <= date)?;
        if a.existing_on_request && requested {
            return None;
        }
        let cust = self.customer_name();
        Some(if a.existing_on_request {
            format!("`{cust}` was already a customer (first invoice {installed}) when it was {what} on {date}; an existing customer is attached only at its own request (`requested_by_customer`)")
        } else {
            format!("`{cust}` was {what} on {date}, after its installation (first invoice {installed}); the policy claims customers only before installation")
        })
    }

    /// Why a claim under `no self_referral` fails: the customer is one of the
    /// partner's own accounts (its partner record's `accounts`).
    fn own_account(
        &self,
        rule: AttrId,
        partner: PartnerId,
        what: &str,
        date: NaiveDate,
    ) -> Option<String> {
        if !self.plan.program.attributions[rule.0 as usize].no_self_referral {
            return None;
        }
        let own = &self.partners.get(partner.0 as usize)?.accounts;
        own.contains(&self.customer).then(|| {
            format!(
                "`{}` is an account of `{}` itself (its `accounts`): the {what} on {date} gives no claim, the policy pays no self-referral",
                self.customer_name(),
                self.partner_name(partner)
            )
        })
    }

    /// Why a claim under `new users only` fails: the customer signed up
    /// before the claiming event (earlier, or earlier the same day).
    fn signed_up(&self, rule: AttrId, what: &str, date: NaiveDate) -> Option<String> {
        if !self.plan.program.attributions[rule.0 as usize].new_users_only {
            return None;
        }
        let signed = self.state.signed_up?;
        Some(format!(
            "`{}` had signed up on {signed}, before the {what} on {date}: the policy counts new users only",
            self.customer_name()
        ))
    }

    /// Why a claim under `new customers only` fails: the customer bought before it.
    fn not_new(&self, rule: AttrId, what: &str, date: NaiveDate) -> Option<String> {
        if !self.plan.program.attributions[rule.0 as usize].new_customers_only {
            return None;
        }
        let first = self.state.first_purchase?;
        Some(format!(
            "`{}` had already bought on {first}, before the {what} on {date}: the policy counts new customers only",
            self.customer_name()
        ))
    }

    fn registration(
        &mut self,
        partner: PartnerId,
        date: NaiveDate,
        approved: bool,
        decided: Option<NaiveDate>,
    ) {
        self.credit(partner, date, CreditKind::Registration);
        let Some(rule) = self.rule_for(AttributionMethod::Registration, partner, date) else {
            self.no_rule(AttributionMethod::Registration, partner);
            return;
        };
        let a = &self.plan.program.attributions[rule.0 as usize];
        let cust = self.customer_name();
        if a.approval_required && !approved {
            self.reject(
                partner,
                self.event,
                Some(rule),
                format!(
                    "the registration of `{cust}` on {date} was not approved, so it gives no claim"
                ),
            );
            return;
        }
        if let Some(why) = self
            .own_account(rule, partner, "registration", date)
            .or_else(|| self.signed_up(rule, "registration", date))
            .or_else(|| self.installed(rule, "registered", date, false))
            .or_else(|| self.not_new(rule, "registration", date))
        {
            self.reject(partner, self.event, Some(rule), why);
            return;
        }
        let at = decided.unwrap_or(date).max(date);
        if let (Some(limit), Some(decided)) = (a.decided_within, decided) {
            let deadline = limit.after(date, self.plan.holidays);
            if decided > deadline {
                let name = self.partner_name(partner);
                let location = self.location(self.event);
                self.push(
                    Finding::new(
                        FindingCode::LateDecision,
                        format!("the registration of `{cust}` on {date} was decided on {decided}, after the {limit} the policy gives the vendor (by {deadline}); the approval still counts"),
                    )
                    .partner(name)
                    .customer(cust)
                    .event(location),
                    None,
                );
            }
        }
        let exclusive = a.exclusive;
        self.claim(
            partner,
            AttributionMethod::Registration,
            at,
            date,
            exclusive,
            self.event,
        );
    }

    fn attachment(&mut self, partner: PartnerId, date: NaiveDate, requested: bool) {
        let Some(rule) = self.rule_for(AttributionMethod::Attachment, partner, date) else {
            self.no_rule(AttributionMethod::Attachment, partner);
            return;
        };
        if let Some(why) = self
            .own_account(rule, partner, "attachment", date)
            .or_else(|| self.signed_up(rule, "attachment", date))
            .or_else(|| self.installed(rule, "attached", date, requested))
        {
            self.reject(partner, self.event, Some(rule), why);
            return;
        }
        let a = &self.plan.program.attributions[rule.0 as usize];
        if let Some(why) = self.not_new(rule, "attachment", date) {
            self.reject(partner, self.event, Some(rule), why);
            return;
        }
        let exclusive = a.exclusive;
        self.claim(
            partner,
            AttributionMethod::Attachment,
            date,
            date,
            exclusive,
            self.event,
        );
    }

    fn order(&mut self, product: Option<Symbol>, partner: Option<PartnerId>, date: NaiveDate) {
        let bought_before = self.state.first_purchase;
        self.close_referrals(date, "ordered");
        if let Some(p) = partner {
            self.credit(p, date, CreditKind::Order);
            match self.rule_for(AttributionMethod::PartnerSale, p, date) {
                None => self.no_rule(AttributionMethod::PartnerSale, p),
                Some(rule) => {
                    let a = &self.plan.program.attributions[rule.0 as usize];
                    let allowed = &self.plan.attributions[rule.0 as usize].products;
                    let product_ok = match (allowed, product) {
                        (None, _) | (_, None) => true,
                        (Some(list), Some(s)) => list.contains(&s),
                    };
                    let cust = self.customer_name();
                    if let Some(why) = self
                        .own_account(rule, p, "sale", date)
                        .or_else(|| self.signed_up(rule, "sale", date))
                        .or_else(|| self.installed(rule, "sold to", date, false))
                    {
                        self.reject(p, self.event, Some(rule), why);
                    } else if let Some(first) = bought_before.filter(|_| a.new_customers_only) {
                        self.reject(
                            p,
                            self.event, Some(rule),
                            format!("`{cust}` had already bought on {first}, before the sale on {date}: the policy counts new customers only"));
                    } else if product_ok {
                        let exclusive = a.exclusive;
                        self.claim(
                            p,
                            AttributionMethod::PartnerSale,
                            date,
                            date,
                            exclusive,
                            self.event,
                        );
                    } else {
                        let wanted = a
                            .products
                            .iter()
                            .map(|x| format!("`{}`", x.name))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let product_name = product.map_or("", |s| self.scenario.names.symbol(s));
                        self.reject(
                            p,
                            self.event, Some(rule),
                            format!(
                                "the sale to `{cust}` on {date} was of `{product_name}`; the policy counts a partner's own sale only of {wanted}"
                            ));
                    }
                }
            }
        }
        if self.state.first_order.is_none() {
            self.state.first_order = Some(date);
            let referrers = std::mem::take(&mut self.state.referrers);
            for &r in &referrers {
                self.credit(
                    r,
                    date,
                    CreditKind::ReferredOrdered {
                        customer: self.customer,
                    },
                );
            }
            self.state.referrers = referrers;
        }
        // Orders of attributed customers count for the partner's order metrics.
        if partner.is_none() {
            if let Some(owner) = self.owners(date).first().map(|(c, _)| c.partner) {
                self.credit(owner, date, CreditKind::Order);
            }
        }
    }

    /// Decides the referrals waiting for the customer at its first purchase
    /// (an order, or an invoice when no order event came first).
    fn close_referrals(&mut self, date: NaiveDate, how: &str) {
        let first_order = self.state.first_purchase;
        let pending = std::mem::take(&mut self.state.pending_referrals);
        for (p, referred, rule, ref_index) in pending {
            if referred > date {
                self.state
                    .pending_referrals
                    .push((p, referred, rule, ref_index));
                continue;
            }
            let a = &self.plan.program.attributions[rule.0 as usize];
            let cust = self.customer_name();
            if let Some(first) = first_order.filter(|d| *d <= referred) {
                self.reject(
                    p,
                    ref_index, Some(rule),
                    format!("`{cust}` had already bought on {first}, before the referral on {referred}: it is not a new customer"));
                continue;
            }
            if first_order.is_some() {
                // An earlier order after the referral already decided this referral.
                continue;
            }
            if let Some((_, window)) = a.closes_within {
                let deadline = window.after(referred, self.plan.holidays);
                if date > deadline {
                    self.reject(
                        p,
                        ref_index, Some(rule),
                        format!("`{cust}` {how} on {date}, more than {window} after the referral on {referred} (by {deadline})"));
                    continue;
                }
            }
            if let Some(why) = self.referral_blocked(referred, rule) {
                self.reject(p, ref_index, Some(rule), why);
                continue;
            }
            self.claim(
                p,
                AttributionMethod::Referral,
                date,
                referred,
                false,
                ref_index,
            );
        }
        if self.state.first_purchase.is_none() {
            self.state.first_purchase = Some(date);
        }
    }

    fn claim(
        &mut self,
        partner: PartnerId,
        method: AttributionMethod,
        date: NaiveDate,
        anchor: NaiveDate,
        exclusive: bool,
        event: u32,
    ) {
        // A claim on a customer inside another partner's exclusive region is
        // refused (LANGUAGE.md §4, Regions).
        if let Some(country) = self.scenario.customer_country(self.customer) {
            if let Some((holder, region)) = self.plan.regions.holder(partner, country) {
                let claimant = self.partner_name(partner);
                let why = format!(
                    "`{claimant}`'s {} claim on `{}` is refused: the customer is in {country}, inside `{holder}`'s exclusive region `{region}`",
                    method.as_str(),
                    self.customer_name()
                );
                self.reject(partner, event, None, why);
                return;
            }
        }
        // A partner's further claim is ignored, unless it is exclusive and the
        // partner's earlier claims are not: then it is added (LANGUAGE.md §4).
        let mut earlier = self.state.claims.iter().filter(|c| c.partner == partner);
        let again = earlier.clone().next().is_some();
        if again && (!exclusive || earlier.any(|c| c.exclusive)) {
            return;
        }
        let contested = self.state.claims.iter().any(|c| c.partner != partner);
        let seq = u32::try_from(self.state.claims.len()).unwrap_or(u32::MAX);
        self.state.claims.push(Claim {
            partner,
            method,
            date,
            exclusive,
            anchor,
            seq,
            until: None,
        });
        self.ownership(date);
        if contested {
            let names = &self.scenario.names;
            let winner = self
                .owners(date)
                .iter()
                .map(|(c, _)| format!("`{}`", names.partner(c.partner)))
                .collect::<Vec<_>>()
                .join(" and ");
            let claims = self
                .state
                .claims
                .iter()
                .map(|c| {
                    // The claiming event's own date; a claim that took effect
                    // later (a referral at the first purchase, a registration
                    // at its approval) says so.
                    let effective = if c.date == c.anchor {
                        String::new()
                    } else {
                        format!(", in effect from {}", c.date)
                    };
                    format!(
                        "`{}` ({} on {}{effective})",
                        names.partner(c.partner),
                        c.method.as_str(),
                        c.anchor
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let rule = match &self.plan.program.claims {
                ClaimPolicy::First => "claims first: the earliest claim wins",
                ClaimPolicy::Last => "claims last: the latest claim wins",
                ClaimPolicy::ExclusiveFirst => {
                    "claims exclusive_first: an exclusive claim wins, else the earliest"
                }
                ClaimPolicy::Split { .. } => "claims split: the commission is shared by track",
            };
            // Tracks of the claimants that decide among their own partners first.
            let mut within: Vec<String> = Vec::new();
            for c in &self.state.claims {
                let track = self.partners[c.partner.0 as usize].track_at(self.seq);
                let group = track.and_then(|t| self.plan.program.tracks.get(t.0 as usize));
                if let Some((g, (own, _))) = group.and_then(|g| g.claims.as_ref().map(|r| (g, r))) {
                    let word = match own {
                        ClaimPolicy::Last => "last",
                        ClaimPolicy::ExclusiveFirst => "exclusive_first",
                        ClaimPolicy::First | ClaimPolicy::Split { .. } => "first",
                    };
                    let text = format!("within track `{}`, claims {word}", g.name.name);
                    if !within.contains(&text) {
                        within.push(text);
                    }
                }
            }
            let rule = if within.is_empty() {
                rule.to_owned()
            } else {
                format!("{}; between tracks, {rule}", within.join("; "))
            };
            let cust = self.customer_name();
            let location = self.location(event);
            let mut finding = Finding::new(
                FindingCode::ContestedCustomer,
                format!("`{cust}` is claimed by {claims}; by the policy's rule ({rule}) it is {winner}'s"),
            )
            .customer(cust)
            .event(location);
            if let Some(span) = self.plan.program.claims_span {
                finding = finding.rule(span);
            }
            self.push(finding, None);
        }
    }

    /// Tells every partner with a claim on the customer when it owns the
    /// customer now that the claims changed: between two claim dates the
    /// owners do not change, so the owners on each claim date say it all.
    fn ownership(&mut self, date: NaiveDate) {
        let mut dates: Vec<NaiveDate> = self.state.claims.iter().map(|c| c.date).collect();
        dates.extend(self.state.claims.iter().filter_map(|c| c.until));
        dates.sort_unstable();
        dates.dedup();
        let mut spans: Vec<(PartnerId, Vec<OwnedSpan>)> = Vec::new();
        for c in &self.state.claims {
            if !spans.iter().any(|(p, _)| *p == c.partner) {
                spans.push((c.partner, Vec::new()));
            }
        }
        for (i, &from) in dates.iter().enumerate() {
            let until = dates.get(i + 1).copied();
            for (claim, _) in self.owners(from) {
                let Some((_, list)) = spans.iter_mut().find(|(p, _)| *p == claim.partner) else {
                    continue;
                };
                match list.last_mut() {
                    Some(last) if last.claim == claim.date && last.until == Some(from) => {
                        last.until = until;
                    }
                    _ => list.push(OwnedSpan {
                        from,
                        until,
                        claim: claim.date,
                    }),
                }
            }
        }
        let customer = self.customer;
        let claimants: Vec<PartnerId> = spans.iter().map(|(p, _)| *p).collect();
        for (partner, spans) in spans {
            self.credit(partner, date, CreditKind::Owned { customer, spans });
        }
        if self.plan.measures_mrr {
            for partner in claimants {
                self.tell_mrr(partner, date);
            }
        }
    }

    /// Tells a partner newly claiming the customer of the recurring revenue
    /// of its invoices whose months still run (`managed mrr`).
    fn tell_mrr(&mut self, partner: PartnerId, date: NaiveDate) {
        if self.state.mrr_told.contains(&partner) {
            return;
        }
        self.state.mrr_told.push(partner);
        for k in 0..self.state.invoices.len() {
            let inv = &self.state.invoices[k];
            if crate::mrr::covered_until(inv.date, inv.months) > date {
                if let Some(change) = self.mrr_change(k, false) {
                    self.credit(partner, date, CreditKind::Mrr(change));
                }
            }
        }
    }

    /// Invoice `k`'s recurring revenue as it stands, unless it is out of the
    /// program's currency.
    fn mrr_change(&self, k: usize, sold: bool) -> Option<crate::mrr::MrrChange> {
        let inv = &self.state.invoices[k];
        if inv.ignored || inv.subscription == usize::MAX {
            return None;
        }
        Some(crate::mrr::MrrChange {
            customer: self.customer,
            subscription: u32::try_from(inv.subscription).unwrap_or(u32::MAX),
            invoice: inv.id,
            from: inv.date,
            months: inv.months,
            amount: inv.amount - inv.refunded,
            sold,
        })
    }

    /// Tells every partner told of the customer's recurring revenue that
    /// invoice `k`'s changed (issued, or refunded); the owners on the day of
    /// a subscription's first invoice sold it.
    fn mrr_changed(&mut self, k: usize, date: NaiveDate, first_of_subscription: bool) {
        if !self.plan.measures_mrr {
            return;
        }
        let owners: Vec<PartnerId> = if first_of_subscription {
            self.owners(date).iter().map(|(c, _)| c.partner).collect()
        } else {
            Vec::new()
        };
        for partner in self.state.mrr_told.clone() {
            if let Some(change) = self.mrr_change(k, owners.contains(&partner)) {
                self.credit(partner, date, CreditKind::Mrr(change));
            }
        }
    }

    /// The customer chose to work with the vendor directly (LANGUAGE.md §4,
    /// Attribution): every attachment claim made so far stops counting from
    /// this day on; the partner keeps what it earned before.
    fn direct_request(&mut self, date: NaiveDate) {
        let mut ended = false;
        for claim in &mut self.state.claims {
            if claim.method == AttributionMethod::Attachment && claim.until.is_none() {
                claim.until = Some(date.max(claim.date));
                ended = true;
            }
        }
        if ended {
            self.ownership(date);
        }
    }

    /// Who owns the customer on a date, with each owner's share (1 unless split).
    fn owners(&self, date: NaiveDate) -> Owners {
        let mut out = Owners::default();
        match self.state.claims.as_slice() {
            [] => return out,
            [only] => {
                if only.counts_on(date) {
                    out.push(only.clone(), 0);
                }
                return out;
            }
            _ => {}
        }
        let live = || self.state.claims.iter().filter(|c| c.counts_on(date));
        let key = |c: &&Claim| (c.date, c.anchor, c.seq);
        if live().next().is_none() {
            return out;
        }
        // A track with its own `claims` rule keeps one of its partners'
        // claims; the program's rule then decides between what is left.
        let track_of = |c: &Claim| self.partners[c.partner.0 as usize].track_at(self.seq);
        let own_rule = |t: TrackId| {
            let group = self.plan.program.tracks.get(t.0 as usize)?;
            group.claims.as_ref().map(|(rule, _)| rule)
        };
        let survives = |c: &&Claim| match track_of(c).and_then(|t| own_rule(t).map(|r| (t, r))) {
            None => true,
            Some((t, rule)) => pick_claim(rule, live().filter(|x| track_of(x) == Some(t)))
                .is_some_and(|kept| std::ptr::eq(kept, *c)),
        };
        let pick = match &self.plan.program.claims {
            ClaimPolicy::Split { shares } => {
                for (k, share) in shares.iter().enumerate() {
                    let track: Option<TrackId> = self.plan.track_id(&share.track.name);
                    let rule = track.and_then(own_rule).unwrap_or(&ClaimPolicy::First);
                    let of_track = pick_claim(
                        rule,
                        live().filter(|c| {
                            let p = &self.partners[c.partner.0 as usize];
                            track.is_some_and(|t| p.in_track(t, self.seq))
                        }),
                    );
                    if let Some(c) = of_track {
                        out.push(c.clone(), u8::try_from(k + 1).unwrap_or(u8::MAX));
                    }
                }
                if out.len() > 1 {
                    return out;
                }
                out = Owners::default();
                live().min_by_key(key)
            }
            rule @ (ClaimPolicy::First | ClaimPolicy::Last | ClaimPolicy::ExclusiveFirst) => {
                pick_claim(rule, live().filter(survives))
            }
        };
        if let Some(c) = pick {
            out.push(c.clone(), 0);
        }
        out
    }

    // ------------------------------------------------------------ invoices

    fn invoice_index(&self, id: InvoiceId) -> Option<usize> {
        self.state.invoices.iter().rposition(|i| i.id == id)
    }

    fn invoice(
        &mut self,
        id: InvoiceId,
        (amount, months): (Decimal, u16),
        currency: Option<&str>,
        (product, subscription): (Option<Symbol>, Option<SubscriptionId>),
        renewal: bool,
        date: NaiveDate,
    ) {
        let ignored = match currency {
            Some(c) if c != self.plan.currency => {
                let location = self.location(self.event);
                let message = format!(
                    "invoice `{}` is in {c} but the program pays in {}; it is left out",
                    self.scenario.names.invoice(id),
                    self.plan.currency
                );
                let cust = self.customer_name();
                self.push(
                    Finding::new(FindingCode::CurrencyMismatch, message)
                        .customer(cust)
                        .event(location),
                    None,
                );
                true
            }
            Some(_) | None => false,
        };
        if !ignored && self.state.first_purchase.is_none() {
            // No order event came first: the first invoice closes the lead.
            self.close_referrals(date, "was first invoiced");
        }
        if !ignored && self.state.first_invoice.is_none() {
            self.state.first_invoice = Some(date);
        }
        // An invoice out of the program's currency opens no subscription.
        let subscriptions = &mut self.state.subscriptions;
        let mut opened = false;
        let subscription = match subscriptions.iter().position(|s| s.id == subscription) {
            Some(i) => i,
            None if ignored => usize::MAX,
            None => {
                opened = true;
                subscriptions.push(Subscription {
                    id: subscription,
                    first_invoice: date,
                });
                subscriptions.len() - 1
            }
        };
        // An invoice id issued again replaces the earlier invoice.
        if let Some(i) = self.invoice_index(id) {
            self.state.invoices.remove(i);
        }
        self.state.invoices.push(InvoiceState {
            id,
            date,
            renewal,
            product,
            subscription,
            amount,
            months,
            paid: Decimal::ZERO,
            refunded: Decimal::ZERO,
            settling: Settling::default(),
            last_payment: None,
            ignored,
            credited: smallvec::SmallVec::new(),
        });
        if ignored {
            return;
        }
        let k = self.state.invoices.len() - 1;
        for (claim, share) in self.owners(date) {
            let full = self.state.invoices[k].settling.status();
            let sale = self.sale(k, amount, None, full, &claim, share);
            self.credited(k, claim.partner);
            self.credit(claim.partner, date, CreditKind::Invoice(sale));
        }
        self.mrr_changed(k, date, opened);
    }

    fn credited(&mut self, k: usize, partner: PartnerId) {
        let credited = &mut self.state.invoices[k].credited;
        if !credited.contains(&partner) {
            credited.push(partner);
        }
    }

    fn sale(
        &self,
        k: usize,
        amount: Decimal,
        collected_by: Option<CollectedBy>,
        full: FullPay,
        claim: &Claim,
        share: u8,
    ) -> SaleFacts {
        let inv = &self.state.invoices[k];
        let subscription = self.state.subscriptions.get(inv.subscription);
        let (full, received) = full.pack(inv.amount);
        SaleFacts {
            invoice: inv.id,
            customer: self.customer,
            invoice_amount: inv.amount,
            amount,
            full,
            received,
            invoice_date: inv.date,
            product: CompactSymbol::of(inv.product),
            first_invoice: Day::of(self.state.first_invoice),
            first_payment: Day::of(self.state.first_payment),
            first_order: Day::of(self.state.first_order),
            subscription_first_invoice: Day::of(subscription.map(|s| s.first_invoice)),
            claim_date: claim.date,
            anchor: claim.anchor,
            method: claim.method,
            collected_by,
            flags: InvoiceFlags::of(inv.renewal, inv.subscription == 0),
            share,
        }
    }

    fn payment(&mut self, id: InvoiceId, amount: Decimal, by: CollectedBy, date: NaiveDate) {
        // The replay routes a payment here only once its invoice was issued.
        let Some(k) = self.invoice_index(id) else {
            return;
        };
        let inv = &mut self.state.invoices[k];
        if inv.ignored {
            return;
        }
        inv.paid += amount;
        inv.last_payment = Some(date);
        let (paid, total) = (inv.paid - inv.refunded, inv.amount);
        let full = inv.settling.paid(amount, by, paid, total);
        if paid > total && !self.seen(FindingCode::Overpayment, id.0) {
            let name = self.scenario.names.invoice(id);
            let location = self.location(self.event);
            let cust = self.customer_name();
            self.push(
                Finding::new(
                    FindingCode::Overpayment,
                    format!(
                        "invoice `{name}` of {total} {} has been paid {paid}",
                        self.plan.currency
                    ),
                )
                .customer(cust)
                .event(location),
                None,
            );
        }
        if self.state.first_payment.is_none() {
            self.state.first_payment = Some(date);
        }
        let owners = self.owners(date);
        if owners.is_empty() {
            if self.seen(FindingCode::Unattributed, u32::MAX) {
                return;
            }
            let cust = self.customer_name();
            let location = self.location(self.event);
            self.push(
                Finding::new(
                    FindingCode::Unattributed,
                    format!("`{cust}` paid on {date} but no partner's claim attributes it: it earns nobody a commission"),
                )
                .customer(cust)
                .event(location),
                None,
            );
            return;
        }
        for (claim, share) in owners {
            let sale = self.sale(k, amount, Some(by), full.clone(), &claim, share);
            self.credited(k, claim.partner);
            self.credit(claim.partner, date, CreditKind::Payment(sale));
        }
    }

    /// A refund takes back the same share of every commission on the invoice
    /// (LANGUAGE.md §4, "Refunds"): each partner credited on it is told.
    fn refund(&mut self, id: InvoiceId, amount: Decimal, date: NaiveDate) {
        let Some(k) = self.invoice_index(id) else {
            return;
        };
        let inv = &mut self.state.invoices[k];
        if inv.ignored {
            return;
        }
        let paid_before = inv.paid - inv.refunded;
        let refunded = amount.min(paid_before.max(Decimal::ZERO));
        inv.refunded += refunded;
        inv.settling.refunded(refunded, paid_before);
        let last_payment = inv.last_payment;
        if amount > paid_before {
            let inv_name = self.scenario.names.invoice(id);
            let location = self.location(self.event);
            let cust = self.customer_name();
            self.push(
                Finding::new(
                    FindingCode::RefundExceedsPayments,
                    format!("the refund of {amount} on invoice `{inv_name}` exceeds the {paid_before} paid on it; {refunded} is refunded"),
                )
                .customer(cust)
                .event(location),
                None,
            );
        }
        let takes = !paid_before.is_zero() && !refunded.is_zero();
        let running =
            crate::mrr::covered_until(self.state.invoices[k].date, self.state.invoices[k].months)
                > date;
        if !refunded.is_zero() && running {
            self.mrr_changed(k, date, false);
        }
        let owners = self.owners(date);
        let mut told: Vec<(PartnerId, bool)> =
            owners.iter().map(|(c, _)| (c.partner, true)).collect();
        for &p in &self.state.invoices[k].credited {
            if !told.iter().any(|(x, _)| *x == p) {
                told.push((p, false));
            }
        }
        for (partner, owner) in told {
            self.credit(
                partner,
                date,
                CreditKind::Refund {
                    invoice: id,
                    customer: self.customer,
                    owner,
                    takes,
                    refunded,
                    paid_before,
                    last_payment,
                },
            );
        }
    }

    /// The invoice still waiting for its full payment at the end, if the
    /// program has a commission that waits for it and the customer is owned.
    pub fn pending(&self, as_of: NaiveDate) -> Vec<Pending> {
        if !self.plan.full_payment_rules || self.owners(as_of).is_empty() {
            return Vec::new();
        }
        self.state
            .invoices
            .iter()
            .filter(|inv| !inv.ignored && !inv.paid.is_zero() && !inv.settling.is_full())
            .map(|inv| Pending {
                invoice: inv.id,
                customer: self.customer,
                amount: inv.amount,
                paid: inv.paid - inv.refunded,
            })
            .collect()
    }
}

/// A customer's owners on a date: almost always one, never on the heap then.
#[derive(Default)]
struct Owners {
    first: Option<(Claim, u8)>,
    more: Vec<(Claim, u8)>,
}

impl Owners {
    fn push(&mut self, claim: Claim, share: u8) {
        if self.first.is_none() {
            self.first = Some((claim, share));
        } else {
            self.more.push((claim, share));
        }
    }

    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.more.len()
    }

    fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    fn first(&self) -> Option<&(Claim, u8)> {
        self.first.as_ref()
    }

    fn iter(&self) -> impl Iterator<Item = &(Claim, u8)> {
        self.first.iter().chain(&self.more)
    }
}

impl IntoIterator for Owners {
    type Item = (Claim, u8);
    type IntoIter =
        std::iter::Chain<std::option::IntoIter<(Claim, u8)>, std::vec::IntoIter<(Claim, u8)>>;
    fn into_iter(self) -> Self::IntoIter {
        self.first.into_iter().chain(self.more)
    }
}
