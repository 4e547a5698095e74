//! §4 **Commissions.**
//!
//! > Each payment (`of payments`) or invoice (`of invoices`) of an attributed
//! > customer is tried against every commission. It earns when the filters
//! > match; the partner is in the commission's tier, track, module or benefit;
//! > `eligible` admits it (a `netted only` entity type is never paid by
//! > transfer); the program's and the track's or module's requirements are
//! > met; and the invoice's **issue date** lies in the window `[anchor, anchor
//! > + D)`. The amount is base × rate (× split share), exact, rounded once.
//!
//! Read plainly:
//! - the customer is attributed at the moment of the payment (or invoice): its
//!   owner then (see `contest`) is the partner tried; a payment made before any
//!   claim counts earns nothing;
//! - "the track's or module's requirements" are those of the commission's own
//!   scope (§3: "A track's requirements must be met for its commissions to be
//!   paid"); a commission inside a tier needs the tier, which needs its
//!   requirements; the program's requirements apply to every commission;
//! - a partner receives a benefit when the benefit is for everyone or for its
//!   tier, track or one of its modules, and, when the benefit belongs to a
//!   `choose one` group, when the partner elected it or one of its tier, track
//!   or modules grants it;
//! - `for products …` needs the invoice to name one of the products;
//! - `by METHOD` (commission by attribution path) needs the claim that
//!   attributes the customer to the partner (the owner's) to be of METHOD;
//! - `in force from D1 [to D2]` (§3 commission): the rule earns only when
//!   the earning date (the payment, the invoice, or the completing payment)
//!   lies in D1..=D2;
//! - window anchors: the customer's first invoice, payment or order so far;
//!   the partner's claim of that method (`referral`, `registration`,
//!   `attachment`); the claim that attributed the customer (`attribution`);
//!   the partner's `joined` date (`contract_start`). No anchor yet: no earning.
//!
//! Rounding is done where payouts are written (`lib.rs`), from the exact
//! amounts made here.

use charter_ir::{
    Anchor, AttributionMethod, BaseKind, Benefit, CommissionRule, InvoiceFilter, PayoutTiming,
    RateSpec, Scope, Settlement, WindowSpec,
};
use charter_scenario::{CollectedBy, EventKind, PartnerId};
use chrono::NaiveDate;

use crate::attribution::{self, Claim};
use crate::exact::{from_decimal, Fraction};
use crate::facts::{self, Facts};
use crate::world::{Invoice, World};
use crate::{
    contest, contract_end, cutback, due_dates, full_payment, new_customers, rates, standing,
    subscriptions, Unsupported,
};

/// An amount earned (or, negative, clawed back), before rounding.
#[derive(Clone, Debug)]
pub struct Earning {
    pub partner: PartnerId,
    pub customer: Option<String>,
    pub invoice: Option<String>,
    pub rule: String,
    pub exact: Fraction,
    /// The rate (a fraction of one) a percentage was earned at; `None` for
    /// fixed amounts, bonuses, clawbacks and cut backs (`cutback`).
    pub rate: Option<Fraction>,
    pub earned: NaiveDate,
    pub due: NaiveDate,
    /// The attribution path of the claim it was earned through (`None` for
    /// bonuses); a clawback's is its commission's (§4 Balances).
    pub path: Option<AttributionMethod>,
}

/// Whether the partner receives `benefit` at `now`.
pub fn receives(
    world: &World,
    now: usize,
    benefit: &Benefit,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    let tier = standing::tier(world, now, facts)?;
    let track = attribution::track(world, now, facts);
    let is_member = |name: &str| {
        tier.as_deref() == Some(name)
            || track.as_deref() == Some(name)
            || facts.modules.iter().any(|m| m == name)
    };
    let available = benefit.available_to.is_empty()
        || benefit
            .available_to
            .iter()
            .any(|t| is_member(&t.target.name));
    if !available {
        return Ok(false);
    }
    let name = &benefit.name.name;
    let in_group = world
        .program
        .choose_groups
        .iter()
        .any(|g| g.benefits.iter().any(|b| b.name == *name));
    if !in_group {
        return Ok(true);
    }
    let program = world.program;
    let granted_by = |member: &str| {
        program
            .tiers
            .iter()
            .filter(|t| t.name.name == member)
            .flat_map(|t| t.grants.iter())
            .chain(
                program
                    .tracks
                    .iter()
                    .chain(program.modules.iter())
                    .filter(|g| g.name.name == member)
                    .flat_map(|g| g.grants.iter()),
            )
            .any(|g| g.name == *name)
    };
    let granted = tier.as_deref().is_some_and(granted_by)
        || track.as_deref().is_some_and(granted_by)
        || facts.modules.iter().any(|m| granted_by(m));
    Ok(granted || facts.elected.iter().any(|e| e == name))
}

/// Whether the partner is in `scope` at `now`.
pub fn in_scope(
    world: &World,
    now: usize,
    scope: &Scope,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    Ok(match scope {
        Scope::Program => true,
        Scope::Tier(t) => standing::tier(world, now, facts)?.as_deref() == Some(t.as_str()),
        Scope::Track(t) => attribution::track(world, now, facts).as_deref() == Some(t.as_str()),
        Scope::Module(m) => facts.modules.iter().any(|x| x == m),
        Scope::Benefit(b) => match world.program.benefits.iter().find(|x| x.name.name == *b) {
            Some(benefit) => receives(world, now, benefit, facts)?,
            None => false,
        },
    })
}

/// How a commission is settled: `settle netted` or `payout netted at source`
/// mean netted.
pub fn settlement(world: &World, rule: &CommissionRule) -> Settlement {
    let netted_at_source = due_dates::schedule(world, &rule.scope, rule.payout.as_ref())
        .is_some_and(|s| matches!(s.timing, PayoutTiming::NettedAtSource));
    if netted_at_source {
        Settlement::Netted
    } else {
        rule.settlement
    }
}

/// Whether `eligible` (and the entity's `netted only`) admits the partner.
pub(crate) fn admitted(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    if facts::netted_only(world, facts) && settlement(world, rule) == Settlement::Transfer {
        return Ok(false);
    }
    let Some(e) = &rule.eligibility else {
        return Ok(true);
    };
    if !e.entities.is_empty() && !e.entities.iter().any(|x| x.name == facts.entity) {
        return Ok(false);
    }
    if e.with_contract.is_some() && !facts.contract {
        return Ok(false);
    }
    if !e.tiers.is_empty() {
        let tier = standing::tier(world, now, facts)?;
        if !e
            .tiers
            .iter()
            .any(|t| tier.as_deref() == Some(t.name.as_str()))
        {
            return Ok(false);
        }
    }
    if !e.tracks.is_empty() {
        let track = attribution::track(world, now, facts);
        if !e
            .tracks
            .iter()
            .any(|t| track.as_deref() == Some(t.name.as_str()))
        {
            return Ok(false);
        }
    }
    if !e.modules.is_empty() && !e.modules.iter().any(|m| facts.modules.contains(&m.name)) {
        return Ok(false);
    }
    Ok(true)
}

/// The program's requirements and those of the commission's track or module.
pub fn requirements_met(
    world: &World,
    now: usize,
    scope: &Scope,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    if !standing::all_met(world, now, facts, &world.program.requirements)? {
        return Ok(false);
    }
    let group = match scope {
        Scope::Track(t) => world.program.tracks.iter().find(|g| g.name.name == *t),
        Scope::Module(m) => world.program.modules.iter().find(|g| g.name.name == *m),
        Scope::Program | Scope::Tier(_) | Scope::Benefit(_) => None,
    };
    match group {
        Some(g) => standing::all_met(world, now, facts, &g.requirements),
        None => Ok(true),
    }
}

/// Whether the base filters match an invoice (and the payment's collector).
pub fn filters_match(
    rule: &CommissionRule,
    invoice: &Invoice,
    collected_by: Option<CollectedBy>,
) -> bool {
    let collector_ok = rule.base.collected_by.is_none()
        || (collected_by.is_some() && full_payment::accepts(rule, collected_by));
    collector_ok && invoice_filters_match(rule, invoice)
}

/// The base's filters on the invoice: its kind and its product.
pub fn invoice_filters_match(rule: &CommissionRule, invoice: &Invoice) -> bool {
    let kind_ok = match rule.base.invoices {
        InvoiceFilter::Any => true,
        InvoiceFilter::New => !invoice.renewal,
        InvoiceFilter::Renewal => invoice.renewal,
    };
    let product_ok = rule.base.products.is_empty()
        || invoice
            .product
            .as_ref()
            .is_some_and(|p| rule.base.products.iter().any(|r| r.name == *p));
    kind_ok && product_ok
}

/// The date a window's anchor falls on, if it has happened at `now`.
fn anchor_date(
    world: &World,
    now: usize,
    anchor: Anchor,
    customer: charter_scenario::CustomerId,
    owner: &Claim,
    facts: &Facts,
) -> Result<Option<NaiveDate>, Unsupported> {
    let history = world.upto(now);
    Ok(match anchor {
        Anchor::FirstInvoice => world.invoices_of(now, customer).first().map(|i| i.date),
        Anchor::FirstPayment => {
            let invoices = world.invoices_of(now, customer);
            history
                .iter()
                .find(|e| {
                    matches!(&e.kind, EventKind::Payment { invoice: i, .. } if invoices.iter().any(|x| x.id == *i))
                })
                .map(|e| e.date)
        }
        Anchor::FirstOrder => history
            .iter()
            .find(|e| matches!(e.kind, EventKind::Order { customer: c, .. } if c == customer))
            .map(|e| e.date),
        Anchor::Referral | Anchor::Registration | Anchor::Attachment => {
            let method = match anchor {
                Anchor::Referral => charter_ir::AttributionMethod::Referral,
                Anchor::Registration => charter_ir::AttributionMethod::Registration,
                _ => charter_ir::AttributionMethod::Attachment,
            };
            attribution::claims(world, now, customer)?
                .into_iter()
                .find(|c| c.partner == owner.partner && c.method == method)
                .map(|c| c.date)
        }
        Anchor::Attribution => Some(owner.date),
        Anchor::ContractStart => facts.joined,
    })
}

/// Whether the invoice's issue date lies in the commission's window.
fn in_window(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    invoice: &Invoice,
    owner: &Claim,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    day_in_window(
        world,
        now,
        rule,
        invoice.customer,
        invoice.date,
        Some(invoice),
        owner,
        facts,
    )
}

/// Whether `day` (an invoice's issue date; a trial's or lead's date, which
/// has no `invoice`) lies in the commission's window for `customer`.
#[expect(
    clippy::too_many_arguments,
    reason = "the window's inputs, each a plain fact"
)]
pub(crate) fn day_in_window(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    customer: charter_scenario::CustomerId,
    day: NaiveDate,
    invoice: Option<&Invoice>,
    owner: &Claim,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    Ok(match &rule.window {
        WindowSpec::Unbounded | WindowSpec::Lifetime | WindowSpec::WhileCustomerPays => true,
        WindowSpec::WhileContractActive => contract_end::runs_on(world, now, facts, day),
        WindowSpec::Within { length, anchor } => {
            // A trial or lead has no invoice, hence no subscription: its
            // window opens at the customer's anchor.
            let start = match invoice.filter(|_| rule.per_subscription.is_some()) {
                Some(invoice) => subscriptions::anchor_date(world, now, *anchor, invoice),
                None => anchor_date(world, now, *anchor, customer, owner, facts)?,
            };
            match start {
                Some(start) => start <= day && day < length.after(start, world.holidays()),
                None => false,
            }
        }
    })
}

/// Everything but the amount: does `rule` pay `owner` for this invoice at `now`?
pub fn earns(
    world: &World,
    now: usize,
    rule: &CommissionRule,
    invoice: &Invoice,
    owner: &Claim,
    facts: &Facts,
    earned: NaiveDate,
) -> Result<bool, Unsupported> {
    // §3: a rule's own `in force` dates and the program's both hold.
    let in_force = rule
        .in_force
        .is_none_or(|(from, to)| earned >= from && to.is_none_or(|to| earned <= to))
        && world
            .program
            .in_force
            .is_none_or(|p| earned >= p.from && p.to.is_none_or(|to| earned <= to));
    Ok(in_force
        && in_scope(world, now, &rule.scope, facts)?
        && admitted(world, now, rule, facts)?
        && requirements_met(world, now, &rule.scope, facts)?
        && subscriptions::on_first_subscription(world, now, rule, invoice)
        && in_window(world, now, rule, invoice, owner, facts)?
        && rule.base.path.is_none_or(|(path, _)| owner.method == path)
        && !contract_end::stops(world, now, facts, invoice, earned))
}

fn earning(
    world: &World,
    owner: &Claim,
    invoice: &Invoice,
    rule: &CommissionRule,
    (exact, rate): (Fraction, Option<Fraction>),
    earned: NaiveDate,
) -> Earning {
    Earning {
        partner: owner.partner,
        customer: Some(world.scenario.names.customer(invoice.customer).to_string()),
        invoice: Some(world.scenario.names.invoice(invoice.id).to_string()),
        rule: rule.name.name.clone(),
        exact,
        rate,
        earned,
        due: due_dates::due(
            world,
            &rule.scope,
            rule.payout.as_ref(),
            earned,
            Some(invoice.date),
        ),
        path: Some(owner.method),
    }
}

/// What the payment at `now` earns, commission by commission.
pub fn on_payment(world: &World, now: usize) -> Result<Vec<Earning>, Unsupported> {
    let Some(event) = world.events.get(now) else {
        return Ok(Vec::new());
    };
    let EventKind::Payment {
        invoice: id,
        collected_by: _,
        ..
    } = &event.kind
    else {
        return Ok(Vec::new());
    };
    let Some(invoice) = world.invoice(now, *id) else {
        return Ok(Vec::new());
    };
    if !invoice.in_currency {
        return Ok(Vec::new());
    }
    let Some(owner) = contest::owner(world, now, invoice.customer)? else {
        return Ok(Vec::new());
    };
    let facts = facts::facts(world, owner.partner);
    let mut out = Vec::new();
    for rule in &world.program.commissions {
        if let RateSpec::Fixed { amount } = &rule.rate {
            // A fixed amount per new customer (`new_customers`).
            if let Some((_, invoice)) = new_customers::paid_at(world, now, rule)? {
                let exact = from_decimal(amount.amount);
                out.push(earning(
                    world,
                    &owner,
                    &invoice,
                    rule,
                    (exact, None),
                    event.date,
                ));
            }
            continue;
        }
        if rule.base.kind != BaseKind::Payments || !invoice_filters_match(rule, &invoice) {
            continue;
        }
        // Who collected the payment: tested by `full_payment::base`, as the
        // payment that pays an invoice in full earns on the payments the
        // filter accepts, whoever collected it.
        let Some(base) = full_payment::base(world, now, rule, &invoice)? else {
            continue;
        };
        if !earns(world, now, rule, &invoice, &owner, &facts, event.date)? {
            continue;
        }
        let Some(rate) = rates::rate(world, now, rule, &facts)? else {
            continue;
        };
        let rate = cutback::rate(world, now, rule, &facts, rate)?;
        out.push(earning(
            world,
            &owner,
            &invoice,
            rule,
            (base * rate.clone(), Some(rate)),
            event.date,
        ));
    }
    Ok(out)
}

/// What the invoice at `now` earns under commissions `of invoices`.
pub fn on_invoice(world: &World, now: usize) -> Result<Vec<Earning>, Unsupported> {
    let Some(event) = world.events.get(now) else {
        return Ok(Vec::new());
    };
    let EventKind::Invoice { invoice: id, .. } = &event.kind else {
        return Ok(Vec::new());
    };
    let Some(invoice) = world.invoice(now, *id).filter(|i| i.position == now) else {
        return Ok(Vec::new());
    };
    if !invoice.in_currency {
        return Ok(Vec::new());
    }
    let Some(owner) = contest::owner(world, now, invoice.customer)? else {
        return Ok(Vec::new());
    };
    let facts = facts::facts(world, owner.partner);
    let mut out = Vec::new();
    for rule in &world.program.commissions {
        if rule.base.kind != BaseKind::Invoices || !filters_match(rule, &invoice, None) {
            continue;
        }
        if full_payment::waits(world, rule) {
            return Err(Unsupported::Feature(
                "`after full payment` on a commission of invoices",
            ));
        }
        if !earns(world, now, rule, &invoice, &owner, &facts, event.date)? {
            continue;
        }
        let Some(rate) = rates::rate(world, now, rule, &facts)? else {
            continue;
        };
        let rate = cutback::rate(world, now, rule, &facts, rate)?;
        out.push(earning(
            world,
            &owner,
            &invoice,
            rule,
            (from_decimal(invoice.amount) * rate.clone(), Some(rate)),
            event.date,
        ));
    }
    Ok(out)
}
