//! §4 **Attribution.**
//!
//! > An event gives a partner a claim only through an `attribute` rule of that
//! > method that applies to it. A referral under `order within D after
//! > referral` waits for the customer's first purchase — its first order, or
//! > its first invoice when no order event came first — and fails if the
//! > customer had bought before the referral, buys too late, or was in contact
//! > with the vendor within the `no vendor_contact` period. A partner with no
//! > track whose claim only one track's rules accept is taken to be in that
//! > track (S0403). An unapproved registration gives no claim; an approved one
//! > dates from its decision, and a decision later than `decided within` still
//! > counts (the deadline is the vendor's; S0204). `before installation`
//! > refuses a customer already invoiced, unless `existing customers on
//! > request` and the customer asked.
//!
//! > An order that names a partner is also that partner's `partner_sale`
//! > claim, and it ranks as an order: a same-day referral, registration or
//! > attachment is a claim made before it, and a referral that this very order
//! > closes is decided (and its claim made) before the order's own sale claim.
//! > […] `new customers only` refuses a customer that had bought before the
//! > claiming event — its first order, or its first invoice when no order came
//! > first, was an earlier event (earlier day, or earlier the same day in the
//! > order above): a partner sale then gives no claim to a customer who already
//! > ordered or was invoiced. A partner's further claim on a customer it
//! > already claims is ignored — except an exclusive claim when the partner's
//! > earlier claims are not exclusive: that claim is added, with its own date
//! > and anchor.
//!
//! (The first paragraph is from §4 Attribution, the second from §4 Order and
//! Attribution.) Read plainly, for each claiming event (a referral, a
//! registration, an attachment, an order naming a partner) and each rule of
//! its method that applies to the partner, in the policy's order, the first
//! rule that accepts the event gives the claim:
//!
//! - `no vendor_contact within D before referral`: a vendor contact from
//!   D before the event's date up to the event (both ends included; same-day
//!   contacts come first, §4 Order) refuses it.
//! - `order within D after referral`: the customer's first purchase must come
//!   after the event (later in the order of §4) and on or before the event's
//!   date + D; the claim takes effect on the purchase's date and is made at the
//!   purchase. Until the purchase, there is no claim yet.
//! - `before installation`: a customer invoiced before the event refuses it,
//!   unless the rule says `existing customers on request` and the attachment
//!   says `requested_by_customer`.
//! - `new customers only`: a first purchase before the event refuses it.
//! - `no self_referral`: a customer listed in the claiming partner's
//!   `accounts` (the partner itself or its own company) refuses it, on every
//!   path (§4 Attribution: "`no self_referral` refuses a claim on one of the
//!   partner's own accounts").
//! - `of PRODUCT, …` (partner sales): the order is for one of them or names no
//!   product.
//! - A registration that is not approved gives no claim; an approved one takes
//!   effect on its `decided` date, else on its own date.
//! - Any other claim takes effect on its event's date.
//!
//! A claim counts once it takes effect. Every claim has an anchor, the date of
//! the event that made it (the referral, registration, attachment or sale).

use charter_ir::{AttributionMethod, AttributionRule, EventKind as RuleEvent, Scope};
use charter_scenario::{CustomerId, Event, EventKind, PartnerId};
use chrono::NaiveDate;

use crate::facts::Facts;
use crate::world::World;
use crate::Unsupported;

/// A partner's claim on a customer.
#[derive(Clone, Debug)]
pub struct Claim {
    pub partner: PartnerId,
    pub method: AttributionMethod,
    /// The date the claim takes effect.
    pub date: NaiveDate,
    /// The date of the referral, registration, attachment or sale.
    pub anchor: NaiveDate,
    /// When the replay made the claim: the position of the event that made it
    /// (a closing purchase for a referral that waited for it), then 0 for a
    /// claim decided before that event's own sale claim, 1 for the sale claim.
    pub made: (usize, u8),
    pub exclusive: bool,
}

/// The method and partner of a claiming event.
fn claiming(event: &Event) -> Option<(AttributionMethod, PartnerId, CustomerId)> {
    match &event.kind {
        EventKind::Referral { partner, customer } => {
            Some((AttributionMethod::Referral, *partner, *customer))
        }
        EventKind::Registration {
            partner, customer, ..
        } => Some((AttributionMethod::Registration, *partner, *customer)),
        EventKind::Attachment {
            partner, customer, ..
        } => Some((AttributionMethod::Attachment, *partner, *customer)),
        EventKind::Order {
            partner: Some(partner),
            customer,
            ..
        } => Some((AttributionMethod::PartnerSale, *partner, *customer)),
        _ => None,
    }
}

/// The partner's track at `now`: the one the roster or scenario gives, else
/// the one track whose rules alone accept the method of one of its claiming
/// events (the first such event).
pub fn track(world: &World, now: usize, facts: &Facts) -> Option<String> {
    if facts.track.is_some() {
        return facts.track.clone();
    }
    for event in world.upto(now) {
        let Some((method, partner, _)) = claiming(event) else {
            continue;
        };
        if partner != facts.id {
            continue;
        }
        let rules: Vec<&AttributionRule> = world
            .program
            .attributions
            .iter()
            .filter(|r| r.method == method)
            .collect();
        if rules.iter().any(|r| !matches!(r.scope, Scope::Track(_))) {
            continue;
        }
        let mut tracks: Vec<&str> = rules
            .iter()
            .filter_map(|r| match &r.scope {
                Scope::Track(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        tracks.sort_unstable();
        tracks.dedup();
        if let [only] = tracks.as_slice() {
            return Some((*only).to_string());
        }
    }
    None
}

/// Whether an attribute rule applies to the partner at `now`.
fn applies(
    world: &World,
    now: usize,
    rule: &AttributionRule,
    facts: &Facts,
) -> Result<bool, Unsupported> {
    Ok(match &rule.scope {
        Scope::Program => true,
        Scope::Track(t) => track(world, now, facts).as_deref() == Some(t.as_str()),
        Scope::Module(m) => facts.modules.iter().any(|x| x == m),
        Scope::Tier(_) | Scope::Benefit(_) => {
            return Err(Unsupported::Feature(
                "an attribute rule inside a tier or benefit",
            ))
        }
    })
}

/// What a rule says about the claiming event at `position`, seen at `now`.
enum Verdict {
    /// The claim's effective date and the position of the event deciding it.
    Claim(NaiveDate, usize),
    /// Not yet decided: a referral waiting for the first purchase.
    Pending,
    Refused,
}

fn judge(
    world: &World,
    now: usize,
    rule: &AttributionRule,
    position: usize,
    customer: CustomerId,
) -> Result<Verdict, Unsupported> {
    let history = world.upto(now);
    let Some(event) = history.get(position) else {
        return Ok(Verdict::Pending);
    };
    let before = &history[..position];
    let holidays = world.holidays();
    if rule.no_self_referral {
        let name = world.scenario.names.customer(customer);
        let own = event
            .kind
            .partner()
            .and_then(|p| world.scenario.partner(p))
            .is_some_and(|p| p.accounts.iter().any(|a| a == name));
        if own {
            return Ok(Verdict::Refused);
        }
    }
    if let Some(lookback) = rule.no_prior_contact {
        let from = lookback.before(event.date, holidays);
        let contacted = before.iter().any(|e| {
            matches!(e.kind, EventKind::VendorContact { customer: c } if c == customer)
                && e.date >= from
        });
        if contacted {
            return Ok(Verdict::Refused);
        }
    }
    if rule.before_installation {
        let invoiced = before
            .iter()
            .any(|e| matches!(e.kind, EventKind::Invoice { customer: c, .. } if c == customer));
        let requested = matches!(
            event.kind,
            EventKind::Attachment {
                requested_by_customer: true,
                ..
            }
        );
        if invoiced && !(rule.existing_on_request && requested) {
            return Ok(Verdict::Refused);
        }
    }
    let first_purchase = history.iter().enumerate().find(|(_, e)| {
        matches!(&e.kind, EventKind::Order { customer: c, .. } | EventKind::Invoice { customer: c, .. } if *c == customer)
    });
    if rule.new_customers_only && first_purchase.is_some_and(|(at, _)| at < position) {
        return Ok(Verdict::Refused);
    }
    let mut date = event.date;
    let mut made = position;
    match &event.kind {
        EventKind::Registration {
            approved, decided, ..
        } => {
            if !approved {
                return Ok(Verdict::Refused);
            }
            date = decided.unwrap_or(event.date).max(event.date);
        }
        EventKind::Order {
            product: Some(p), ..
        } if !rule.products.is_empty() => {
            let name = world.scenario.names.symbol(*p);
            if !rule.products.iter().any(|r| r.name == name) {
                return Ok(Verdict::Refused);
            }
        }
        _ => {}
    }
    if let Some((kind, within)) = rule.closes_within {
        let purchase = |e: &Event| match (kind, &e.kind) {
            (RuleEvent::Order, EventKind::Order { customer: c, .. })
            | (RuleEvent::Order | RuleEvent::Invoice, EventKind::Invoice { customer: c, .. }) => {
                *c == customer
            }
            _ => false,
        };
        if !matches!(kind, RuleEvent::Order | RuleEvent::Invoice) {
            return Err(Unsupported::Feature(
                "a closing event other than an order or invoice",
            ));
        }
        let Some((at, first)) = history.iter().enumerate().find(|(_, e)| purchase(e)) else {
            return Ok(Verdict::Pending);
        };
        if at < position || first.date > within.after(event.date, holidays) {
            return Ok(Verdict::Refused);
        }
        date = first.date;
        made = at;
    }
    Ok(Verdict::Claim(date, made))
}

/// The claims on `customer` that count at `now`, in the order the replay
/// made them.
pub fn claims(world: &World, now: usize, customer: CustomerId) -> Result<Vec<Claim>, Unsupported> {
    let today = world.date(now)?;
    let mut made = Vec::new();
    for (position, event) in world.upto(now).iter().enumerate() {
        let Some((method, partner, c)) = claiming(event) else {
            continue;
        };
        if c != customer || crate::regions::refused(world, partner, customer) {
            continue;
        }
        let facts = crate::facts::facts(world, partner);
        for rule in world
            .program
            .attributions
            .iter()
            .filter(|r| r.method == method)
        {
            if !applies(world, now, rule, &facts)? {
                continue;
            }
            if let Verdict::Claim(date, at) = judge(world, now, rule, position, customer)? {
                let sale = method == AttributionMethod::PartnerSale && at == position;
                made.push(Claim {
                    partner,
                    method,
                    date,
                    anchor: event.date,
                    made: (at, u8::from(sale)),
                    exclusive: rule.exclusive,
                });
                break;
            }
        }
    }
    made.sort_by_key(|c| c.made);
    // A partner's further claim is ignored, unless it is its first exclusive one.
    let mut kept: Vec<Claim> = Vec::new();
    for claim in made {
        let earlier: Vec<&Claim> = kept.iter().filter(|k| k.partner == claim.partner).collect();
        if earlier.is_empty() || (claim.exclusive && earlier.iter().all(|k| !k.exclusive)) {
            kept.push(claim);
        }
    }
    // §4 Attribution: "A customer's `direct_request` ends every attachment
    // claim made before it: from its date on, the claim no longer counts."
    let requested = |claim: &Claim| {
        world.upto(now).iter().enumerate().any(|(position, e)| {
            position > claim.made.0
                && matches!(e.kind, EventKind::DirectRequest { customer: c } if c == customer)
        })
    };
    Ok(kept
        .into_iter()
        .filter(|c| c.date <= today)
        .filter(|c| c.method != AttributionMethod::Attachment || !requested(c))
        .collect())
}
