//! The engine's two phases one at a time, for runs that split a scenario
//! across processes (`charter.spark.simulate`): each call takes a part of
//! the scenario that the next step can load on its own, and what crosses
//! between calls is by name, serialisable (serde; amounts as exact decimal
//! strings, dates as ISO strings), and carries its place in the global
//! replay, so no call needs the whole scenario's ids.
//!
//! 1. [`replay_key`] / [`same_day_rank`]: where an event sits in the replay
//!    — (date, same-day rank, input order) — computable per row.
//! 2. [`assumed_tracks`]: the track each partner without one takes at its
//!    first claim no rule accepts (S0206). It depends on the partner's
//!    first claim of each method only, so it runs over that projection.
//! 3. [`attribute`], phase (a): the events of some customers (each
//!    customer's with the payments and refunds of the invoices last issued
//!    to it), or partner events, with the records of the partners they
//!    name, become [`NamedCredit`]s.
//! 4. [`pay`], phase (b): one partner's credits (in any order) with its
//!    record become its payouts, each with its [`PayoutKey`].
//! 5. [`merge`]: payouts of every partner ordered by key and numbered
//!    `P1…Pn` exactly as `charter simulate` numbers them.
//!
//! Splitting the scenario this way and merging gives the same payouts as
//! [`crate::simulate`], byte for byte (`tests/phases.rs`). A *coupled*
//! program (an attribution rule scoped to a tier or a benefit) cannot be
//! split: every function refuses it with [`PhaseError::Coupled`].

use crate::attribution::{
    Attribution, CompactSymbol, Credit, CreditKind, CustomerState, Day, InvoiceFlags, OwnedSpan,
    SaleFacts, StaticOnly,
};
use crate::bounty::{BountyEvent, BountyFacts};
use crate::engine::{prepass, Outcome};
use crate::full_payment::{FullPay, Received};
use crate::money::Exact;
use crate::partner::PartnerStatic;
use crate::plan::{Plan, TrackId};
use crate::run::Simulation;
use crate::{Payout, SimOptions};
use charter_check::CheckedProgram;
use charter_ir::AttributionMethod;
use charter_scenario::{CollectedBy, Event, EventKind, EventType, Names, PartnerId, Scenario};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Why a phase cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhaseError {
    /// The program's attribution depends on partners' standings, or its
    /// payouts are converted at the scenario's exchange rates: it runs whole
    /// (`crate::simulate`), not in phases.
    Coupled,
    /// The input does not fit the call (a count, a name the part lacks).
    Input(String),
}

impl std::fmt::Display for PhaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhaseError::Coupled => f.write_str(
                "the policy scopes an attribution rule to a tier or a benefit, or pays partners \
                 in their currency at the scenario's exchange rates (coupled): customers and \
                 partners cannot run apart",
            ),
            PhaseError::Input(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PhaseError {}

/// An event's place in the global replay: by date, same-day rank, then
/// input order (its position in the whole input, whatever part it is in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReplayKey {
    pub date: NaiveDate,
    pub rank: u8,
    pub input: u64,
}

/// Within one day, facts a payment depends on come first: contacts, then
/// claims and partner facts, orders, invoices, payments, refunds, notices
/// (the engine's order; a test keeps the two equal).
pub fn same_day_rank(event_type: EventType) -> u8 {
    match event_type {
        EventType::VendorContact | EventType::ExchangeRate => 0,
        EventType::Signup
        | EventType::DirectRequest
        | EventType::Referral
        | EventType::Registration
        | EventType::Attachment
        | EventType::Activity
        | EventType::Staff
        | EventType::Invitation => 1,
        EventType::Order | EventType::Trial | EventType::Lead => 2,
        EventType::Invoice => 3,
        EventType::Payment => 4,
        EventType::Refund => 5,
        EventType::Notice => 6,
    }
}

/// The replay key of `event`, `input` being its position in the whole input.
pub fn replay_key(event: &Event, input: u64) -> ReplayKey {
    ReplayKey {
        date: event.date,
        rank: same_day_rank(event.kind.event_type()),
        input,
    }
}

/// The track a partner without one takes from a point of the replay on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssumedTrack {
    pub partner: String,
    pub from: ReplayKey,
    pub track: String,
}

/// A period a partner owns a customer through a claim (see [`NamedKind::Owned`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSpan {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub claim: NaiveDate,
}

/// A sale (an invoice or a payment) credited to its owner, with what the
/// customer's history decided about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSale {
    pub invoice: String,
    pub customer: String,
    pub invoice_amount: Decimal,
    /// The amount paid (a payment) or invoiced (an invoice).
    pub amount: Decimal,
    /// Where the sale stands against its invoice's full payment.
    pub full: NamedFull,
    pub invoice_date: NaiveDate,
    pub product: Option<String>,
    pub first_invoice: Option<NaiveDate>,
    pub first_payment: Option<NaiveDate>,
    pub first_order: Option<NaiveDate>,
    /// The first invoice of the invoice's subscription.
    pub subscription_first_invoice: Option<NaiveDate>,
    /// Whether the invoice bills the customer's first subscription.
    pub first_subscription: bool,
    pub claim_date: NaiveDate,
    pub anchor: NaiveDate,
    /// `referral`, `registration`, `partner_sale` or `attachment`.
    pub method: String,
    /// `vendor` or `partner`.
    pub collected_by: Option<String>,
    pub renewal: bool,
    /// 0: the whole commission; k: the k-th share of `claims split`.
    pub share: u8,
}

/// Where a sale stands against its invoice's full payment (`after full
/// payment`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamedFull {
    /// Not paid in full yet, this payment included.
    Waiting,
    /// This payment pays the invoice in full: all payments less refunds
    /// (`net`), and the vendor's part of it as an exact fraction (`n/d`).
    Completes { net: Decimal, vendor: String },
    /// Paid in full by an earlier payment.
    Paid,
}

fn named_full(full: FullPay) -> NamedFull {
    match full {
        FullPay::Waiting => NamedFull::Waiting,
        FullPay::Completes(r) => NamedFull::Completes {
            net: r.net,
            vendor: r.vendor.fraction(),
        },
        FullPay::Paid => NamedFull::Paid,
    }
}

fn full_of(named: &NamedFull) -> Result<FullPay, PhaseError> {
    Ok(match named {
        NamedFull::Waiting => FullPay::Waiting,
        NamedFull::Completes { net, vendor } => FullPay::Completes(Received {
            net: *net,
            vendor: Exact::parse_fraction(vendor)
                .ok_or_else(|| PhaseError::Input(format!("not a fraction: `{vendor}`")))?,
        }),
        NamedFull::Paid => FullPay::Paid,
    })
}

/// A customer's first trial or lead, by name (see [`NamedKind::Bounty`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedBounty {
    /// `trial` or `lead`.
    pub event: String,
    pub customer: String,
    pub first_invoice: Option<NaiveDate>,
    pub first_payment: Option<NaiveDate>,
    pub first_order: Option<NaiveDate>,
    pub claim_date: NaiveDate,
    pub anchor: NaiveDate,
    /// `referral`, `registration`, `partner_sale` or `attachment`.
    pub method: String,
    /// 0: the whole amount; k: the k-th share of `claims split`.
    pub share: u8,
}

/// What one event means for one partner, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NamedKind {
    Referral {
        customer: String,
        first_order: Option<NaiveDate>,
    },
    ReferredOrdered {
        customer: String,
    },
    Registration,
    Attachment,
    Owned {
        customer: String,
        spans: Vec<NamedSpan>,
    },
    Order,
    VendorContact,
    Invoice(NamedSale),
    Payment(NamedSale),
    /// The customer's first trial or lead (commissions per trial or per
    /// qualified lead).
    Bounty(NamedBounty),
    /// The recurring revenue of one invoice changed (`managed mrr`,
    /// `sold mrr`).
    Mrr(NamedMrr),
    Refund {
        invoice: String,
        customer: String,
        owner: bool,
        takes: bool,
        refunded: Decimal,
        paid_before: Decimal,
        last_payment: Option<NaiveDate>,
    },
    Activity {
        activity: String,
    },
    Notice,
    Invitation {
        tier: String,
    },
    Staff {
        qualification: String,
        count: u32,
    },
}

/// An invoice's recurring revenue as phase (a) tells it (see `mrr.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedMrr {
    pub customer: String,
    /// The subscription's place among the customer's.
    pub subscription: u32,
    pub invoice: String,
    pub from: NaiveDate,
    pub months: u16,
    pub amount: Decimal,
    pub sold: bool,
}

/// One event's meaning for one partner: what crosses from phase (a) to
/// phase (b). `(key, sub)` is its place in the partner's replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedCredit {
    pub partner: String,
    pub key: ReplayKey,
    /// Its rank among the event's credits.
    pub sub: u16,
    pub date: NaiveDate,
    pub credit: NamedKind,
}

/// A payout's place in the report: the event that earned it, its credit's
/// rank, its rank among that credit's payouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PayoutKey {
    pub event: ReplayKey,
    pub sub: u16,
    pub n: u16,
}

/// A payout of phase (b), not numbered yet (`id` is empty until [`merge`]).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyedPayout {
    pub key: PayoutKey,
    pub payout: Payout,
}

/// Whether `program` is coupled: an attribution rule scoped to a tier or
/// a benefit, or payouts in partner currency (which read the whole
/// scenario's exchange rates), so its customers and partners cannot run apart.
pub fn is_coupled(program: &CheckedProgram) -> bool {
    Plan::new(program.program(), &Names::default(), None).coupled
        || program.program().partner_currency.is_some()
}

fn plan_for<'a>(
    program: &'a CheckedProgram,
    names: &Names,
    options: &SimOptions,
) -> Result<Plan<'a>, PhaseError> {
    let mut plan = Plan::new(program.program(), names, options.sources);
    // Payouts in the partner's currency read the exchange rates of the whole
    // scenario: a partner's phase (b) does not see them.
    if plan.coupled || program.program().partner_currency.is_some() {
        return Err(PhaseError::Coupled);
    }
    plan.assume = options.assume;
    Ok(plan)
}

/// The events of `scenario` up to `as_of` in replay order, with their keys.
fn local_replay(
    scenario: &Scenario,
    inputs: &[u64],
    as_of: NaiveDate,
) -> Result<(Vec<u32>, Vec<ReplayKey>), PhaseError> {
    if inputs.len() != scenario.events.len() {
        return Err(PhaseError::Input(format!(
            "{} input positions for {} events",
            inputs.len(),
            scenario.events.len()
        )));
    }
    let mut order: Vec<(ReplayKey, u32)> = scenario
        .events
        .iter()
        .zip(inputs)
        .enumerate()
        .filter(|(_, (e, _))| e.date <= as_of)
        .map(|(i, (e, &input))| (replay_key(e, input), i as u32))
        .collect();
    order.sort_unstable();
    Ok(order.into_iter().map(|(k, i)| (i, k)).unzip())
}

/// Sets each partner's assumed track, `keys` being the part's replay keys
/// in order: a local position is the count of the part's keys before.
fn preset_assumed(
    plan: &Plan,
    names: &Names,
    statics: &[PartnerStatic],
    keys: &[ReplayKey],
    assumed: &[AssumedTrack],
) -> Result<(), PhaseError> {
    for a in assumed {
        let Some(p) = names.find_partner(&a.partner) else {
            continue;
        };
        let Some(stat) = statics.get(p.0 as usize) else {
            continue;
        };
        let track = plan
            .program
            .tracks
            .iter()
            .position(|t| t.name.name == a.track)
            .ok_or_else(|| {
                PhaseError::Input(format!("assumed track `{}` is not in the policy", a.track))
            })?;
        let seq = keys.partition_point(|k| *k < a.from) as u32;
        let _ = stat.assumed.set((seq, TrackId(track as u16)));
    }
    Ok(())
}

/// The assumed tracks (S0206) decided by `scenario`'s claims. Each
/// partner's first claim of each method is enough (a claim's acceptance
/// depends on the partner's fixed facts and the method only), so Spark
/// hands this just those rows; `inputs[i]` is event i's input position.
pub fn assumed_tracks(
    program: &CheckedProgram,
    scenario: &Scenario,
    inputs: &[u64],
    as_of: NaiveDate,
    options: &SimOptions,
) -> Result<Vec<AssumedTrack>, PhaseError> {
    let plan = plan_for(program, &scenario.names, options)?;
    let (order, keys) = local_replay(scenario, inputs, as_of)?;
    let (statics, _) = crate::partner::build(&plan, scenario);
    drop(prepass(&plan, scenario, &statics, &order));
    let mut out = Vec::new();
    for (p, stat) in statics.iter().enumerate() {
        if let Some(&(seq, track)) = stat.assumed.get() {
            let Some(&from) = keys.get(seq as usize) else {
                continue;
            };
            out.push(AssumedTrack {
                partner: scenario.names.partner(PartnerId(p as u32)).to_string(),
                from,
                track: plan.program.tracks[track.0 as usize].name.name.clone(),
            });
        }
    }
    Ok(out)
}

/// Phase (a) over a part of the scenario: every customer it holds must come
/// with all its events (and the payments and refunds of the invoices last
/// issued to it before them), a partner event may come alone; the records
/// of the partners the events name come along (others are undeclared, as
/// in the whole run). `inputs[i]` is event i's input position; `assumed`
/// from [`assumed_tracks`] over the whole scenario. Credits come in
/// replay order.
pub fn attribute(
    program: &CheckedProgram,
    scenario: &Scenario,
    inputs: &[u64],
    assumed: &[AssumedTrack],
    as_of: NaiveDate,
    options: &SimOptions,
) -> Result<Vec<NamedCredit>, PhaseError> {
    let plan = plan_for(program, &scenario.names, options)?;
    let (order, keys) = local_replay(scenario, inputs, as_of)?;
    let (statics, _) = crate::partner::build(&plan, scenario);
    preset_assumed(&plan, &scenario.names, &statics, &keys, assumed)?;
    let routed = prepass(&plan, scenario, &statics, &order);
    let mut credits: Vec<Credit> = routed.credits.into_iter().flatten().collect();
    let mut customer_events = routed.customer_events;
    customer_events.sort_by_key(|e| e.0);
    let mut found = Vec::new();
    for run in customer_events.chunk_by(|x, y| x.0 == y.0) {
        let mut state = CustomerState::default();
        let mut a = Attribution::new(
            &plan,
            scenario,
            &statics,
            &StaticOnly,
            run[0].0,
            &mut state,
            &mut credits,
            &mut found,
        );
        for &(_, seq) in run {
            a.event(seq, order[seq as usize]);
        }
    }
    credits.sort_by_key(|c| (c.seq, c.sub));
    let names = &scenario.names;
    Ok(credits
        .iter()
        .map(|c| NamedCredit {
            partner: names.partner(c.partner).to_string(),
            key: keys[c.seq as usize],
            sub: c.sub,
            date: c.date,
            credit: named_kind(names, &c.kind),
        })
        .collect())
}

fn method_name(m: AttributionMethod) -> &'static str {
    m.as_str()
}

fn method_of(name: &str) -> Result<AttributionMethod, PhaseError> {
    [
        AttributionMethod::Referral,
        AttributionMethod::Registration,
        AttributionMethod::PartnerSale,
        AttributionMethod::Attachment,
    ]
    .into_iter()
    .find(|m| m.as_str() == name)
    .ok_or_else(|| PhaseError::Input(format!("unknown attribution method `{name}`")))
}

fn collected_of(name: &str) -> Result<CollectedBy, PhaseError> {
    CollectedBy::ALL
        .into_iter()
        .find(|c| c.as_str() == name)
        .ok_or_else(|| PhaseError::Input(format!("unknown collector `{name}`")))
}

fn named_sale(names: &Names, s: &SaleFacts) -> NamedSale {
    NamedSale {
        invoice: names.invoice(s.invoice).to_string(),
        customer: names.customer(s.customer).to_string(),
        invoice_amount: s.invoice_amount,
        amount: s.amount,
        full: named_full(FullPay::unpack(
            s.full,
            s.received.as_deref(),
            s.invoice_amount,
        )),
        invoice_date: s.invoice_date,
        product: s.product.get().map(|p| names.symbol(p).to_string()),
        first_invoice: s.first_invoice.get(),
        first_payment: s.first_payment.get(),
        first_order: s.first_order.get(),
        subscription_first_invoice: s.subscription_first_invoice.get(),
        first_subscription: s.flags.first_subscription(),
        claim_date: s.claim_date,
        anchor: s.anchor,
        method: method_name(s.method).to_string(),
        collected_by: s.collected_by.map(|c| c.as_str().to_string()),
        renewal: s.flags.renewal(),
        share: s.share,
    }
}

fn named_kind(names: &Names, kind: &CreditKind) -> NamedKind {
    let customer = |c| names.customer(c).to_string();
    match kind {
        CreditKind::Referral {
            customer: c,
            first_order,
        } => NamedKind::Referral {
            customer: customer(*c),
            first_order: *first_order,
        },
        CreditKind::ReferredOrdered { customer: c } => NamedKind::ReferredOrdered {
            customer: customer(*c),
        },
        CreditKind::Registration => NamedKind::Registration,
        CreditKind::Attachment => NamedKind::Attachment,
        CreditKind::Owned { customer: c, spans } => NamedKind::Owned {
            customer: customer(*c),
            spans: spans
                .iter()
                .map(|s| NamedSpan {
                    from: s.from,
                    until: s.until,
                    claim: s.claim,
                })
                .collect(),
        },
        CreditKind::Order => NamedKind::Order,
        CreditKind::VendorContact => NamedKind::VendorContact,
        CreditKind::Invoice(s) => NamedKind::Invoice(named_sale(names, s)),
        CreditKind::Payment(s) => NamedKind::Payment(named_sale(names, s)),
        CreditKind::Bounty(b) => NamedKind::Bounty(NamedBounty {
            event: b.event.as_str().to_string(),
            customer: names.customer(b.customer).to_string(),
            first_invoice: b.first_invoice.get(),
            first_payment: b.first_payment.get(),
            first_order: b.first_order.get(),
            claim_date: b.claim_date,
            anchor: b.anchor,
            method: b.method.as_str().to_string(),
            share: b.share,
        }),
        CreditKind::Mrr(m) => NamedKind::Mrr(NamedMrr {
            customer: customer(m.customer),
            subscription: m.subscription,
            invoice: names.invoice(m.invoice).to_string(),
            from: m.from,
            months: m.months,
            amount: m.amount,
            sold: m.sold,
        }),
        CreditKind::Refund {
            invoice,
            customer: c,
            owner,
            takes,
            refunded,
            paid_before,
            last_payment,
        } => NamedKind::Refund {
            invoice: names.invoice(*invoice).to_string(),
            customer: customer(*c),
            owner: *owner,
            takes: *takes,
            refunded: *refunded,
            paid_before: *paid_before,
            last_payment: *last_payment,
        },
        CreditKind::Activity(s) => NamedKind::Activity {
            activity: names.symbol(*s).to_string(),
        },
        CreditKind::Notice => NamedKind::Notice,
        CreditKind::Invitation(s) => NamedKind::Invitation {
            tier: names.symbol(*s).to_string(),
        },
        CreditKind::Staff(s, count) => NamedKind::Staff {
            qualification: names.symbol(*s).to_string(),
            count: *count,
        },
    }
}

/// Interns every name a credit holds, before the plan reads the symbols.
fn intern_names(names: &mut Names, c: &NamedCredit) {
    let sale = |names: &mut Names, s: &NamedSale| {
        names.intern_invoice(&s.invoice);
        names.intern_customer(&s.customer);
        if let Some(p) = &s.product {
            names.intern_symbol(p);
        }
    };
    match &c.credit {
        NamedKind::Referral { customer, .. }
        | NamedKind::ReferredOrdered { customer }
        | NamedKind::Owned { customer, .. }
        | NamedKind::Bounty(NamedBounty { customer, .. }) => {
            names.intern_customer(customer);
        }
        NamedKind::Invoice(s) | NamedKind::Payment(s) => sale(names, s),
        NamedKind::Refund {
            invoice, customer, ..
        }
        | NamedKind::Mrr(NamedMrr {
            invoice, customer, ..
        }) => {
            names.intern_invoice(invoice);
            names.intern_customer(customer);
        }
        NamedKind::Activity { activity: s }
        | NamedKind::Invitation { tier: s }
        | NamedKind::Staff {
            qualification: s, ..
        } => {
            names.intern_symbol(s);
        }
        NamedKind::Registration
        | NamedKind::Attachment
        | NamedKind::Order
        | NamedKind::VendorContact
        | NamedKind::Notice => {}
    }
}

fn lookup<T>(found: Option<T>, what: &str, name: &str) -> Result<T, PhaseError> {
    found.ok_or_else(|| PhaseError::Input(format!("{what} `{name}` is not interned")))
}

fn sale_facts(names: &Names, s: &NamedSale) -> Result<SaleFacts, PhaseError> {
    let (full, received) = full_of(&s.full)?.pack(s.invoice_amount);
    Ok(SaleFacts {
        invoice: lookup(names.find_invoice(&s.invoice), "invoice", &s.invoice)?,
        customer: lookup(names.find_customer(&s.customer), "customer", &s.customer)?,
        invoice_amount: s.invoice_amount,
        amount: s.amount,
        full,
        received,
        invoice_date: s.invoice_date,
        product: CompactSymbol::of(match &s.product {
            Some(p) => Some(lookup(names.find_symbol(p), "symbol", p)?),
            None => None,
        }),
        first_invoice: Day::of(s.first_invoice),
        first_payment: Day::of(s.first_payment),
        first_order: Day::of(s.first_order),
        subscription_first_invoice: Day::of(s.subscription_first_invoice),
        claim_date: s.claim_date,
        anchor: s.anchor,
        method: method_of(&s.method)?,
        collected_by: s.collected_by.as_deref().map(collected_of).transpose()?,
        flags: InvoiceFlags::of(s.renewal, s.first_subscription),
        share: s.share,
    })
}

fn credit_kind(names: &Names, kind: &NamedKind) -> Result<CreditKind, PhaseError> {
    let customer = |c: &str| lookup(names.find_customer(c), "customer", c);
    let symbol = |s: &str| lookup(names.find_symbol(s), "symbol", s);
    Ok(match kind {
        NamedKind::Referral {
            customer: c,
            first_order,
        } => CreditKind::Referral {
            customer: customer(c)?,
            first_order: *first_order,
        },
        NamedKind::ReferredOrdered { customer: c } => CreditKind::ReferredOrdered {
            customer: customer(c)?,
        },
        NamedKind::Registration => CreditKind::Registration,
        NamedKind::Attachment => CreditKind::Attachment,
        NamedKind::Owned { customer: c, spans } => CreditKind::Owned {
            customer: customer(c)?,
            spans: spans
                .iter()
                .map(|s| OwnedSpan {
                    from: s.from,
                    until: s.until,
                    claim: s.claim,
                })
                .collect(),
        },
        NamedKind::Order => CreditKind::Order,
        NamedKind::VendorContact => CreditKind::VendorContact,
        NamedKind::Invoice(s) => CreditKind::Invoice(sale_facts(names, s)?),
        NamedKind::Payment(s) => CreditKind::Payment(sale_facts(names, s)?),
        NamedKind::Bounty(b) => CreditKind::Bounty(BountyFacts {
            event: match b.event.as_str() {
                "trial" => BountyEvent::Trial,
                "lead" => BountyEvent::Lead,
                other => return Err(PhaseError::Input(format!("unknown bounty event `{other}`"))),
            },
            customer: customer(&b.customer)?,
            first_invoice: Day::of(b.first_invoice),
            first_payment: Day::of(b.first_payment),
            first_order: Day::of(b.first_order),
            claim_date: b.claim_date,
            anchor: b.anchor,
            method: method_of(&b.method)?,
            share: b.share,
        }),
        NamedKind::Mrr(m) => CreditKind::Mrr(crate::mrr::MrrChange {
            customer: customer(&m.customer)?,
            subscription: m.subscription,
            invoice: lookup(names.find_invoice(&m.invoice), "invoice", &m.invoice)?,
            from: m.from,
            months: m.months,
            amount: m.amount,
            sold: m.sold,
        }),
        NamedKind::Refund {
            invoice,
            customer: c,
            owner,
            takes,
            refunded,
            paid_before,
            last_payment,
        } => CreditKind::Refund {
            invoice: lookup(names.find_invoice(invoice), "invoice", invoice)?,
            customer: customer(c)?,
            owner: *owner,
            takes: *takes,
            refunded: *refunded,
            paid_before: *paid_before,
            last_payment: *last_payment,
        },
        NamedKind::Activity { activity } => CreditKind::Activity(symbol(activity)?),
        NamedKind::Notice => CreditKind::Notice,
        NamedKind::Invitation { tier } => CreditKind::Invitation(symbol(tier)?),
        NamedKind::Staff {
            qualification,
            count,
        } => CreditKind::Staff(symbol(qualification)?, *count),
    })
}

/// Phase (b) for one partner: `scenario` holds its record (other partners'
/// records and any events are ignored), `credits` every credit phase (a)
/// made for it, in any order; `assumed` as for [`attribute`]; `options.as_of`
/// the run's date, up to which payout balances settle (default: the date of
/// its last credit). The payouts come in report order, not numbered yet.
pub fn pay(
    program: &CheckedProgram,
    mut scenario: Scenario,
    partner: &str,
    mut credits: Vec<NamedCredit>,
    assumed: &[AssumedTrack],
    options: &SimOptions,
) -> Result<Vec<KeyedPayout>, PhaseError> {
    let id = scenario
        .names
        .find_partner(partner)
        .filter(|&p| scenario.names.partner_is_declared(p))
        .ok_or_else(|| {
            PhaseError::Input(format!("partner `{partner}` has no record in the part"))
        })?;
    credits.sort_by_key(|c| (c.key, c.sub));
    for c in &credits {
        intern_names(&mut scenario.names, c);
    }
    // The partner's replay positions: one per event its credits come from.
    let mut keys: Vec<ReplayKey> = credits.iter().map(|c| c.key).collect();
    keys.dedup();
    // Findings name their event; phase (b)'s findings are not kept, and
    // every credit points at one stand-in event.
    if let Some(first) = credits.first() {
        scenario.events = vec![Event {
            date: first.date,
            kind: EventKind::Notice { partner: id },
            index: 0,
            line: 0,
            id: None,
        }];
    }
    let plan = plan_for(program, &scenario.names, options)?;
    let (statics, _) = crate::partner::build(&plan, &scenario);
    preset_assumed(&plan, &scenario.names, &statics, &keys, assumed)?;
    let stat = statics
        .get(id.0 as usize)
        .ok_or_else(|| PhaseError::Input(format!("partner `{partner}` has no record")))?;
    let mut run = crate::payouts::PartnerRun::new(&plan, &scenario, id, stat, options.explain());
    for c in &credits {
        if c.partner != partner {
            return Err(PhaseError::Input(format!(
                "a credit of partner `{}` given to partner `{partner}`",
                c.partner
            )));
        }
        let credit = Credit {
            seq: keys.partition_point(|k| *k < c.key) as u32,
            sub: c.sub,
            partner: id,
            date: c.date,
            event: 0,
            kind: credit_kind(&scenario.names, &c.credit)?,
        };
        run.credit(&credit);
    }
    let as_of = options.as_of.unwrap_or_else(|| {
        keys.last()
            .map_or(charter_ir::units::FIRST_DATE, |k| k.date)
    });
    run.finish(as_of);
    let mut recs = std::mem::take(&mut run.out.payouts);
    drop(run);
    recs.sort_by_key(|p| p.key);
    let payout_keys: Vec<PayoutKey> = recs
        .iter()
        .map(|p| PayoutKey {
            event: keys[p.key.0 as usize],
            sub: p.key.1,
            n: p.key.2,
        })
        .collect();
    let outcome = Outcome {
        as_of: keys
            .last()
            .map_or(charter_ir::units::FIRST_DATE, |k| k.date),
        payouts: recs,
        partners: Vec::new(),
        assumed: Vec::new(),
        findings: Vec::new(),
        order: Vec::new(),
    };
    let sim = Simulation::new(outcome, plan, &scenario);
    Ok(payout_keys
        .into_iter()
        .zip(sim.into_result().payouts)
        .map(|(key, mut payout)| {
            payout.id.clear();
            KeyedPayout { key, payout }
        })
        .collect())
}

/// Every partner's payouts in the report's order, numbered `P1…Pn`.
pub fn merge(mut payouts: Vec<KeyedPayout>) -> Vec<Payout> {
    payouts.sort_by(|a, b| (a.key, &a.payout.partner).cmp(&(b.key, &b.payout.partner)));
    payouts
        .into_iter()
        .enumerate()
        .map(|(n, p)| Payout {
            id: format!("P{}", n + 1),
            ..p.payout
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// The rank the phases compute from a type is the engine's.
    #[test]
    #[expect(clippy::unwrap_used, reason = "a generated scenario loads")]
    fn same_day_rank_is_the_engines() {
        let generated = charter_scenario::generate(&charter_scenario::GenConfig {
            events: 3000,
            partners: 20,
            tiers_and_modules: true,
            ..charter_scenario::GenConfig::default()
        });
        let scenario = charter_scenario::parse_ndjson(
            charter_scenario::SourceText {
                name: "events.ndjson",
                text: generated.events_ndjson.as_bytes(),
            },
            Some(charter_scenario::SourceText {
                name: "partners.json",
                text: generated.partners_json.as_bytes(),
            }),
            None,
        )
        .unwrap();
        let mut seen = std::collections::HashSet::new();
        for e in &scenario.events {
            assert_eq!(
                super::same_day_rank(e.kind.event_type()),
                crate::engine::same_day_rank(&e.kind)
            );
            seen.insert(e.kind.event_type());
        }
        assert_eq!(seen.len(), charter_scenario::EventType::ALL.len());
    }
}
