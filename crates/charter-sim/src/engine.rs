//! The replay: events in date order (same-day events by kind, then input
//! order), through the two phases.
//!
//! 1. The **prepass** walks the replay once, in order: it drops events of
//!    undeclared partners (S0101) and payments on invoices never issued
//!    (S0103), decides the track a partner without one takes at its first
//!    claim (S0206), routes every customer event to its customer (a payment
//!    or refund to the customer its invoice was last issued to) and turns
//!    partner events (activity, notice, invitation, staff) into credits.
//! 2. **Phase (a)**, attribution per customer (`attribution.rs`), in parallel:
//!    each customer's events, in replay order, become credits for partners.
//! 3. **Phase (b)**, payouts per partner (`payouts.rs` and the concept
//!    modules), in parallel: each partner's credits, in replay order, become
//!    payouts, standings and totals.
//! 4. The **merge** orders payouts and findings by replay position, so the
//!    output is the same, byte for byte, on any number of threads.
//!
//! When an attribution rule's scope is a tier or a benefit, who may claim a
//! customer depends on what partners earned: such a program is *coupled*,
//! and the same two phases run interleaved, event by event, on one thread.

use crate::attribution::{
    Attribution, Credit, CreditKind, CustomerState, DynamicScope, Keyed, Pending, StaticOnly,
};
use crate::findings::{event_location, Finding, FindingCode};
use crate::moves::Parts;
use crate::partner::PartnerStatic;
use crate::payouts::{PartnerOut, PartnerRun, PayoutRec};
use crate::plan::{Plan, ScopeId, TierId, TrackId};
use crate::timings::Timings;
use crate::SimOptions;
use charter_ir::units::FIRST_DATE;
use charter_ir::{AttributionMethod, Program};
use charter_scenario::{CustomerId, EventKind as Ev, InvoiceId, PartnerId, Scenario};
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Everything a run produced, by id: rendered to names and text by `run.rs`.
pub(crate) struct Outcome {
    pub as_of: NaiveDate,
    pub payouts: Vec<PayoutRec>,
    /// Declared partners in order, with their total and standing.
    pub partners: Vec<(PartnerId, Decimal, Option<TierId>)>,
    /// Beside each of `partners`: the requirements its standing took as met.
    pub assumed: Vec<Vec<String>>,
    pub findings: Vec<Finding>,
    /// The replay order (event indexes by replay position), kept when the
    /// policy converts payouts so that a finding can name the event that
    /// earned one (`exchange.rs`); empty otherwise.
    pub order: Vec<u32>,
}

/// How many events ahead phase (a) asks for an event's memory.
const PREFETCH: usize = 8;

/// How many pieces each phase is cut into per thread (for balance).
const PIECES_PER_THREAD: usize = 4;

/// Within one day, facts a payment depends on come first: contacts and claims,
/// then orders and invoices, then payments and refunds. Otherwise input order.
pub(crate) fn same_day_rank(kind: &Ev) -> u8 {
    match kind {
        // An exchange rate is a fact of the day: with the vendor contacts.
        Ev::VendorContact { .. } | Ev::ExchangeRate { .. } => 0,
        // A sign-up ranks with the claims: within a day, the file's order
        // says whether a referral came before the customer signed up.
        // A customer's choice to work directly ranks with the claims too: it
        // ends an attachment before that day's payments.
        Ev::Signup { .. }
        | Ev::DirectRequest { .. }
        | Ev::Referral { .. }
        | Ev::Registration { .. }
        | Ev::Attachment { .. }
        | Ev::Activity { .. }
        | Ev::Staff { .. }
        | Ev::Invitation { .. } => 1,
        // A trial or a lead ranks with the orders: after the day's claims,
        // so a referral made that day already owns the customer.
        Ev::Order { .. } | Ev::Trial { .. } | Ev::Lead { .. } => 2,
        Ev::Invoice { .. } => 3,
        Ev::Payment { .. } => 4,
        Ev::Refund { .. } => 5,
        Ev::Notice { .. } => 6,
    }
}

/// The customer an event is about, for events that have one directly.
fn customer_of(kind: &Ev) -> Option<CustomerId> {
    match *kind {
        Ev::VendorContact { customer }
        | Ev::DirectRequest { customer }
        | Ev::Signup { customer }
        | Ev::Trial { customer }
        | Ev::Lead { customer }
        | Ev::Referral { customer, .. }
        | Ev::Registration { customer, .. }
        | Ev::Attachment { customer, .. }
        | Ev::Order { customer, .. }
        | Ev::Invoice { customer, .. } => Some(customer),
        Ev::Payment { .. }
        | Ev::Refund { .. }
        | Ev::Activity { .. }
        | Ev::Notice { .. }
        | Ev::Invitation { .. }
        | Ev::Staff { .. }
        | Ev::ExchangeRate { .. } => None,
    }
}

/// The claim method of a partner's claim event.
fn claim_method(kind: &Ev) -> Option<(PartnerId, AttributionMethod)> {
    match *kind {
        Ev::Referral { partner, .. } => Some((partner, AttributionMethod::Referral)),
        Ev::Registration { partner, .. } => Some((partner, AttributionMethod::Registration)),
        Ev::Attachment { partner, .. } => Some((partner, AttributionMethod::Attachment)),
        Ev::Order {
            partner: Some(partner),
            ..
        } => Some((partner, AttributionMethod::PartnerSale)),
        Ev::Order { partner: None, .. }
        | Ev::VendorContact { .. }
        | Ev::DirectRequest { .. }
        | Ev::Signup { .. }
        | Ev::Trial { .. }
        | Ev::Lead { .. }
        | Ev::Invoice { .. }
        | Ev::Payment { .. }
        | Ev::Refund { .. }
        | Ev::Activity { .. }
        | Ev::Notice { .. }
        | Ev::Invitation { .. }
        | Ev::Staff { .. }
        | Ev::ExchangeRate { .. } => None,
    }
}

/// The track a partner without one takes at a claim no rule in its scope
/// accepts: the only track whose rules attribute by the claim's method.
fn assumed_track(
    plan: &Plan,
    stat: &PartnerStatic,
    method: AttributionMethod,
    seq: u32,
    in_dynamic: &dyn Fn(ScopeId) -> bool,
) -> Option<TrackId> {
    if stat.track_at(seq).is_some() {
        return None;
    }
    let accepted = plan.attributions_by(method).any(|(_, a)| match a.scope {
        ScopeId::Program => true,
        ScopeId::Track(t) => stat.in_track(t, seq),
        ScopeId::Module(m) => stat.holds_module(m),
        ScopeId::Tier(_) | ScopeId::Benefit(_) => in_dynamic(a.scope),
        ScopeId::Unknown => false,
    });
    if accepted {
        return None;
    }
    let mut tracks = plan
        .attributions_by(method)
        .filter_map(|(_, a)| match a.scope {
            ScopeId::Track(t) => Some(t),
            ScopeId::Program
            | ScopeId::Module(_)
            | ScopeId::Tier(_)
            | ScopeId::Benefit(_)
            | ScopeId::Unknown => None,
        });
    let first = tracks.next()?;
    tracks.all(|t| t == first).then_some(first)
}

fn track_assumed_finding(
    plan: &Plan,
    scenario: &Scenario,
    partner: PartnerId,
    method: AttributionMethod,
    track: TrackId,
    event: u32,
) -> Finding {
    let name = scenario.names.partner(partner);
    let track_name = &plan.program.tracks[track.0 as usize].name.name;
    Finding::new(
        FindingCode::TrackAssumed,
        format!(
            "partner `{name}` has no track; its {} makes it a `{track_name}` partner, the only track that attributes by {}",
            method.as_str(),
            method.as_str()
        ),
    )
    .partner(name)
    .event(event_location(scenario, event))
}

/// What the prepass hands the phases.
pub(crate) struct Routed {
    /// Customer events: (customer, replay position).
    pub customer_events: Vec<(CustomerId, u32)>,
    /// Credits of partner events, in parts (`moves::Parts`).
    pub credits: Vec<Vec<Credit>>,
    pub findings: Vec<Keyed>,
}

/// Runs `scenario` against the plan. `threads`: `None` for every core.
pub(crate) fn run<'a>(
    program: &'a Program,
    scenario: &Scenario,
    options: &SimOptions,
) -> (Outcome, Plan<'a>) {
    let mut plan = Plan::new(program, &scenario.names, options.sources);
    plan.assume = options.assume;
    let outcome = replay(&plan, scenario, options);
    (outcome, plan)
}

fn replay(plan: &Plan, scenario: &Scenario, options: &SimOptions) -> Outcome {
    let mut timings = Timings::new();
    let as_of = crate::simulation_date(scenario, options.as_of).unwrap_or(FIRST_DATE);
    let (statics, mut partner_findings) = crate::partner::build(plan, scenario);
    partner_findings.extend(crate::tax::unused_rates(plan.program, scenario));
    partner_findings.extend(crate::exchange::unused_currencies(plan.program, scenario));
    let mut findings: Vec<Keyed> = partner_findings
        .into_iter()
        .enumerate()
        .map(|(i, finding)| Keyed {
            key: (0, 0, 0, i as u32),
            once: None,
            finding,
        })
        .collect();

    // The replay order: by date, same-day rank, input order.
    let mut order = replay_order(&scenario.events, as_of);
    if let Some(progress) = options.progress {
        progress(0, order.len());
    }

    let (payouts, partner_results, pending, full_paid) = if plan.coupled {
        coupled(
            plan,
            scenario,
            &statics,
            &order,
            as_of,
            options,
            &mut findings,
        )
    } else {
        timings.step("partners and replay order");
        let routed = prepass(plan, scenario, &statics, &order);
        timings.step("prepass");
        findings.extend(routed.findings);
        partitioned(
            plan,
            scenario,
            &statics,
            &order,
            routed.customer_events,
            routed.credits,
            as_of,
            options,
            &mut findings,
        )
    };
    // The report's order, and so the payouts' ids, rest on no two payouts
    // of a partner sharing a key (a sort would place them as it likes).
    debug_assert!(
        payouts
            .windows(2)
            .all(|w| (w[0].key, w[0].partner) < (w[1].key, w[1].partner)),
        "two payouts of a partner share a key"
    );
    if let Some(progress) = options.progress {
        progress(order.len(), order.len());
    }

    // End of run: invoices still waiting for their full payment, then
    // assumptions, then invite-only tiers.
    let full_paid: HashSet<InvoiceId> = full_paid.into_iter().collect();
    let mut end: Vec<Finding> = Vec::new();
    let mut pending = pending;
    pending.sort_by_key(|p| p.invoice);
    for p in pending {
        if full_paid.contains(&p.invoice) {
            continue;
        }
        let name = scenario.names.invoice(p.invoice);
        end.push(
            Finding::new(
                FindingCode::PendingFullPayment,
                format!(
                    "invoice `{name}` of {} {} is paid {} so far; its commission is earned when it is paid in full",
                    p.amount, plan.currency, p.paid
                ),
            )
            .customer(scenario.names.customer(p.customer)),
        );
    }
    let staff_events: Vec<bool> = partner_results.iter().map(|r| r.staff_events).collect();
    end.extend(crate::standing::assumptions(
        plan,
        &statics,
        &staff_events,
        &scenario.names,
    ));
    for r in &partner_results {
        if let Some(f) = &r.invite_only {
            end.push(f.clone());
        }
        end.extend(r.breaches.iter().cloned());
    }

    // The merge: findings by replay position; a finding reported once per
    // key across customers keeps its first.
    timings.step("phases (a) and (b)");
    findings.par_sort_by_key(|k| k.key);
    let mut once: HashSet<(FindingCode, u32, u32, u32)> = HashSet::new();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|k| k.once.is_none_or(|key| once.insert(key)))
        .map(|k| k.finding)
        .collect();
    out.extend(end);

    let mut partners = Vec::new();
    let mut assumed = Vec::new();
    for (i, r) in partner_results.into_iter().enumerate() {
        if statics[i].declared {
            let mut total = r.total;
            total.rescale(plan.rounding.scale);
            partners.push((PartnerId(i as u32), total, r.standing));
            assumed.push(r.assumed);
        }
    }
    timings.step("merge");
    if plan.program.partner_currency.is_none() {
        order = Vec::new();
    }
    Outcome {
        as_of,
        payouts,
        partners,
        assumed,
        findings: out,
        order,
    }
}

/// The events dated up to `as_of`, as indexes in replay order: by date,
/// same-day rank, input order. Each event's key is packed into one `u64`
/// (day, rank, index) read once, so the sort compares plain integers
/// instead of reaching into the event table at every comparison.
fn replay_order(events: &[charter_scenario::Event], as_of: NaiveDate) -> Vec<u32> {
    let mut keys: Vec<u64> = events
        .iter()
        .zip(0..u32::MAX)
        .filter(|(e, _)| e.date <= as_of)
        .map(|(e, i)| replay_sort_key(e.date, same_day_rank(&e.kind), i))
        .collect();
    keys.par_sort_unstable();
    keys.iter().map(|&k| k as u32).collect()
}

/// A date, a same-day rank and an input index in one integer ordered as
/// the triple: the day (every `NaiveDate` is within ±2^27 days of the
/// common era's start: 28 bits once offset), the rank (3 bits), the index
/// (32 bits).
fn replay_sort_key(date: NaiveDate, rank: u8, index: u32) -> u64 {
    use chrono::Datelike;
    const DAY_OFFSET: i64 = 1 << 27;
    debug_assert!(rank < 8);
    let day = (i64::from(date.num_days_from_ce()) + DAY_OFFSET) as u64;
    (day << 35) | (u64::from(rank) << 32) | u64::from(index)
}

/// A payout's key (replay position, credit rank, rank among the credit's
/// payouts) in one integer ordered as the triple.
fn payout_sort_key((seq, sub, n): (u32, u16, u16)) -> u64 {
    (u64::from(seq) << 32) | (u64::from(sub) << 16) | u64::from(n)
}

/// What the end of a partner's replay says about it.
struct PartnerResult {
    total: Decimal,
    standing: Option<TierId>,
    /// The requirements the standing took as met (`Standing::assumed`).
    assumed: Vec<String>,
    staff_events: bool,
    invite_only: Option<Finding>,
    /// Obligations it (or the vendor towards it) breached (`obligations.rs`).
    breaches: Vec<Finding>,
}

fn finish_partner(run: &mut PartnerRun, as_of: NaiveDate) -> PartnerResult {
    run.finish(as_of);
    let total = run.out.payouts.iter().map(|p| p.amount).sum();
    let standing = run.stat.declared.then(|| run.standing_at(as_of)).flatten();
    PartnerResult {
        total,
        standing,
        assumed: run.assumed_in(standing),
        staff_events: run.st.staff_events,
        invite_only: run.invite_only(as_of),
        breaches: run.obligation_breaches(as_of),
    }
}

/// Where the prepass sends one event.
enum Route {
    Skip,
    Customer(CustomerId),
    Partner(Credit),
}

/// The prepass (module docs, step 1), one event at a time.
struct Router<'s> {
    scenario: &'s Scenario,
    unknown_partner: HashSet<PartnerId>,
    unknown_invoice: HashSet<InvoiceId>,
    /// Per invoice, the customer it was last issued to.
    issued: Vec<Option<CustomerId>>,
    findings: Vec<Keyed>,
}

impl<'s> Router<'s> {
    fn new(scenario: &'s Scenario) -> Self {
        Router {
            scenario,
            unknown_partner: HashSet::new(),
            unknown_invoice: HashSet::new(),
            issued: vec![None; scenario.names.invoice_count()],
            findings: Vec::new(),
        }
    }

    fn route(
        &mut self,
        plan: &Plan,
        statics: &[PartnerStatic],
        seq: u32,
        index: u32,
        in_dynamic: &dyn Fn(PartnerId, ScopeId) -> bool,
    ) -> Route {
        let scenario = self.scenario;
        let event = &scenario.events[index as usize];
        let date = event.date;
        if let Some(p) = event.kind.partner() {
            if !statics[p.0 as usize].declared {
                if self.unknown_partner.insert(p) {
                    let name = scenario.names.partner(p);
                    self.findings.push(Keyed {
                        key: (seq, 0, 0, 0),
                        once: None,
                        finding: Finding::new(
                            FindingCode::UnknownPartner,
                            format!("the event names partner `{name}`, which the scenario's partners do not declare"),
                        )
                        .partner(name)
                        .event(event_location(scenario, index)),
                    });
                }
                return Route::Skip;
            }
        }
        if let Some((partner, method)) = claim_method(&event.kind) {
            let stat = &statics[partner.0 as usize];
            if let Some(track) =
                assumed_track(plan, stat, method, seq, &|scope| in_dynamic(partner, scope))
            {
                let _ = stat.assumed.set((seq, track));
                self.findings.push(Keyed {
                    key: (seq, 0, 1, 0),
                    once: None,
                    finding: track_assumed_finding(plan, scenario, partner, method, track, index),
                });
            }
        }
        let credit = |kind: CreditKind, partner: PartnerId| {
            Route::Partner(Credit {
                seq,
                sub: 0,
                partner,
                date,
                event: index,
                kind,
            })
        };
        match &event.kind {
            Ev::Payment { invoice, .. } | Ev::Refund { invoice, .. } => {
                match self.issued.get(invoice.0 as usize).copied().flatten() {
                    Some(c) => Route::Customer(c),
                    None => {
                        if self.unknown_invoice.insert(*invoice) {
                            let what = if matches!(event.kind, Ev::Payment { .. }) {
                                "payment"
                            } else {
                                "refund"
                            };
                            let name = scenario.names.invoice(*invoice);
                            self.findings.push(Keyed {
                                key: (seq, 0, 2, 0),
                                once: None,
                                finding: Finding::new(
                                    FindingCode::UnknownInvoice,
                                    format!("a {what} names invoice `{name}`, which no invoice event issued (before {date})"),
                                )
                                .event(event_location(scenario, index)),
                            });
                        }
                        Route::Skip
                    }
                }
            }
            Ev::Activity { partner, kind } => credit(CreditKind::Activity(*kind), *partner),
            Ev::Notice { partner } => credit(CreditKind::Notice, *partner),
            Ev::Invitation { partner, tier } => credit(CreditKind::Invitation(*tier), *partner),
            Ev::Staff {
                partner,
                qualification,
                count,
            } => credit(CreditKind::Staff(*qualification, *count), *partner),
            Ev::Invoice {
                invoice, customer, ..
            } => {
                if let Some(slot) = self.issued.get_mut(invoice.0 as usize) {
                    *slot = Some(*customer);
                }
                Route::Customer(*customer)
            }
            kind @ (Ev::VendorContact { .. }
            | Ev::Signup { .. }
            | Ev::Trial { .. }
            | Ev::Lead { .. }
            | Ev::DirectRequest { .. }
            | Ev::Referral { .. }
            | Ev::Registration { .. }
            | Ev::Attachment { .. }
            | Ev::Order { .. }
            | Ev::ExchangeRate { .. }) => customer_of(kind).map_or(Route::Skip, Route::Customer),
        }
    }
}

/// The prepass over the whole replay, for a partitioned run.
pub(crate) fn prepass(
    plan: &Plan,
    scenario: &Scenario,
    statics: &[PartnerStatic],
    order: &[u32],
) -> Routed {
    let mut router = Router::new(scenario);
    let mut customer_events = Vec::with_capacity(order.len());
    let mut credits = Parts::new();
    let events = &scenario.events;
    for (seq, &index) in order.iter().enumerate() {
        // The replay reads each day's events rank by rank, not where the
        // input put them: ask for the events a few steps ahead early, and,
        // nearer, for their partner's record.
        if let Some(&ahead) = order.get(seq + 4 * PREFETCH) {
            crate::prefetch::prefetch_whole(&events[ahead as usize]);
        }
        if let Some(&ahead) = order.get(seq + 2 * PREFETCH) {
            if let Some(p) = events[ahead as usize].kind.partner() {
                if let Some(stat) = statics.get(p.0 as usize) {
                    crate::prefetch::prefetch(&stat.declared);
                }
            }
        }
        let seq = seq as u32;
        match router.route(plan, statics, seq, index, &|_, _| false) {
            Route::Skip => {}
            Route::Customer(c) => customer_events.push((c, seq)),
            Route::Partner(credit) => credits.room(1).push(credit),
        }
    }
    Routed {
        customer_events,
        credits: credits.finish(),
        findings: router.findings,
    }
}

/// Items grouped by a small integer key: `order` lists item positions key
/// by key (each key's in input order), `starts[k]..starts[k + 1]` is key k's part.
struct Grouped {
    starts: Vec<usize>,
    order: Vec<u32>,
}

fn group_by_key<T>(keys: usize, items: &[T], key: impl Fn(&T) -> usize) -> Grouped {
    let mut starts = vec![0usize; keys + 1];
    for item in items {
        starts[key(item) + 1] += 1;
    }
    for k in 0..keys {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; items.len()];
    for (i, item) in items.iter().enumerate() {
        let k = key(item);
        order[next[k]] = i as u32;
        next[k] += 1;
    }
    Grouped { starts, order }
}

/// Cuts `items` (sorted by `key`) into about `pieces` runs that never split a key.
fn pieces<T, K: PartialEq>(items: &[T], pieces: usize, key: impl Fn(&T) -> K) -> Vec<&[T]> {
    let mut out = Vec::new();
    let target = items.len().div_ceil(pieces.max(1)).max(1);
    let mut start = 0;
    while start < items.len() {
        let mut end = (start + target).min(items.len());
        while end < items.len() && key(&items[end]) == key(&items[end - 1]) {
            end += 1;
        }
        out.push(&items[start..end]);
        start = end;
    }
    out
}

type Phases = (
    Vec<PayoutRec>,
    Vec<PartnerResult>,
    Vec<Pending>,
    Vec<InvoiceId>,
);

#[allow(clippy::too_many_arguments)]
fn partitioned(
    plan: &Plan,
    scenario: &Scenario,
    statics: &[PartnerStatic],
    order: &[u32],
    customer_events: Vec<(CustomerId, u32)>,
    partner_credits: Vec<Vec<Credit>>,
    as_of: NaiveDate,
    options: &SimOptions,
    findings: &mut Vec<Keyed>,
) -> Phases {
    let mut timings = Timings::new();
    let threads = rayon::current_num_threads().max(1) * PIECES_PER_THREAD;
    // Phase (a): customers apart. The routed events grouped by customer in
    // one counting pass (stable: each customer's in replay order).
    let customer_count = scenario.names.customer_count();
    let by_customer = group_by_key(customer_count, &customer_events, |e| e.0 .0 as usize);
    let grouped: Vec<(CustomerId, u32)> = by_customer
        .order
        .iter()
        .map(|&i| customer_events[i as usize])
        .collect();
    drop(customer_events);
    let partner_count = statics.len();
    type PieceOut = (Vec<Vec<Credit>>, Vec<u32>, Vec<Keyed>, Vec<Pending>);
    let a: Vec<PieceOut> = pieces(&grouped, threads, |e| e.0)
        .into_par_iter()
        .map(|piece| {
            // At most about one credit per event: each part reserved for
            // the customers it takes. Credits are counted per partner while
            // they are fresh (for phase b's ranges).
            let mut credits = Parts::new();
            let mut per_partner = vec![0u32; partner_count];
            let (mut found, mut pending) = (Vec::new(), Vec::new());
            let events = &scenario.events;
            let mut start = 0;
            for run in piece.chunk_by(|x, y| x.0 == y.0) {
                let customer = run[0].0;
                let mut state = CustomerState::default();
                let part = credits.room(run.len());
                let before = part.len();
                let mut a = Attribution::new(
                    plan,
                    scenario,
                    statics,
                    &StaticOnly,
                    customer,
                    &mut state,
                    part,
                    &mut found,
                );
                for (k, &(_, seq)) in (start..).zip(run) {
                    // The events of a customer lie apart in the event
                    // table: ask for the ones a few steps ahead early (and,
                    // further ahead, their place in the replay order).
                    if let Some(&(_, ahead)) = piece.get(k + PREFETCH) {
                        crate::prefetch::prefetch(&events[order[ahead as usize] as usize]);
                    }
                    if let Some(&(_, ahead)) = piece.get(k + 2 * PREFETCH) {
                        crate::prefetch::prefetch(&order[ahead as usize]);
                    }
                    a.event(seq, order[seq as usize]);
                }
                start += run.len();
                pending.extend(a.pending(as_of));
                for c in &part[before..] {
                    per_partner[c.partner.0 as usize] += 1;
                }
            }
            (credits.finish(), per_partner, found, pending)
        })
        .collect();
    drop(grouped);
    let mut pending = Vec::new();
    let mut starts = vec![0usize; partner_count + 1];
    for c in partner_credits.iter().flatten() {
        starts[c.partner.0 as usize + 1] += 1;
    }
    let mut parts = partner_credits;
    for (c, n, f, p) in a {
        parts.extend(c);
        for (s, n) in starts[1..].iter_mut().zip(n) {
            *s += n as usize;
        }
        findings.extend(f);
        pending.extend(p);
    }
    if let Some(progress) = options.progress {
        progress(order.len() / 2, order.len());
    }

    timings.step("phase (a)");
    // Phase (b): partners apart. The partners are cut into ranges of about
    // equal credits, and the credits moved into one bucket per range (in
    // phase a's order, so each partner's keep their relative order; on
    // every core, `moves::scatter`): each worker owns its bucket and frees
    // it when its partners are done, so the credits of finished partners
    // make room for their payouts.
    for p in 0..partner_count {
        starts[p + 1] += starts[p];
    }
    let ranges: Vec<(usize, usize)> = {
        let per = starts[partner_count].div_ceil(threads).max(1);
        let mut out = Vec::new();
        let mut first = 0;
        while first < partner_count {
            let mut last = first + 1;
            while last < partner_count && starts[last] - starts[first] < per {
                last += 1;
            }
            out.push((first, last));
            first = last;
        }
        out
    };
    let mut bucket_of = vec![0u32; partner_count];
    for (bucket, &(first, last)) in ranges.iter().enumerate() {
        bucket_of[first..last].fill(bucket as u32);
    }
    let buckets = crate::moves::scatter(parts, ranges.len(), |c| {
        bucket_of[c.partner.0 as usize] as usize
    });
    drop(bucket_of);
    timings.step("credits grouped by partner");
    let explain = options.explain();
    let b: Vec<(PartnerOut, Vec<PartnerResult>)> = ranges
        .into_par_iter()
        .zip(buckets)
        .map(|((first, last), credits)| {
            // Each partner's credits in replay order: an index grouped by
            // partner in one counting pass (credits are large; they are
            // not moved), each partner's part then sorted.
            let mut by_partner =
                group_by_key(last - first, &credits, |c| c.partner.0 as usize - first);
            let starts = &by_partner.starts;
            for k in 0..last - first {
                by_partner.order[starts[k]..starts[k + 1]].sort_unstable_by_key(|&i| {
                    let c = &credits[i as usize];
                    (c.seq, c.sub)
                });
            }
            let mut out = PartnerOut::default();
            // About a payout per credit: reserved once.
            out.payouts.reserve(credits.len());
            let mut results = Vec::with_capacity(last - first);
            for (k, stat) in statics[first..last].iter().enumerate() {
                let id = PartnerId((first + k) as u32);
                let mut run = PartnerRun::new(plan, scenario, id, stat, explain);
                let mine = &by_partner.order[by_partner.starts[k]..by_partner.starts[k + 1]];
                // About a payout per credit: reserved once, not grown by doubling.
                run.out.payouts.reserve(mine.len());
                for &i in mine {
                    run.credit(&credits[i as usize]);
                }
                results.push(finish_partner(&mut run, as_of));
                out.payouts.append(&mut run.out.payouts);
                out.findings.append(&mut run.out.findings);
                out.full_paid.append(&mut run.out.full_paid);
            }
            (out, results)
        })
        .collect();
    let mut by_range = Vec::with_capacity(b.len());
    let mut results = Vec::with_capacity(partner_count);
    let mut full_paid = Vec::new();
    for (out, r) in b {
        by_range.push(out.payouts);
        findings.extend(out.findings);
        full_paid.extend(out.full_paid);
        results.extend(r);
    }
    timings.step("phase (b)");
    // By (key, partner); two payouts of a partner may share a key (cut-backs
    // at the end of the run of two rules): those stay in the partner's order.
    let payouts =
        crate::moves::sort_moving_once(by_range, |p| (payout_sort_key(p.key), p.partner.0));
    timings.step("payouts sorted");
    (payouts, results, pending, full_paid)
}

/// Partners' live standings answer a coupled run's dynamic attribution scopes.
struct Live<'x, 'r, 'p> {
    runs: &'x [PartnerRun<'r, 'p>],
}

impl DynamicScope for Live<'_, '_, '_> {
    fn in_dynamic_scope(&self, partner: PartnerId, scope: ScopeId, date: NaiveDate) -> bool {
        self.runs
            .get(partner.0 as usize)
            .is_some_and(|run| run.in_scope(scope, date))
    }
}

fn coupled(
    plan: &Plan,
    scenario: &Scenario,
    statics: &[PartnerStatic],
    order: &[u32],
    as_of: NaiveDate,
    options: &SimOptions,
    findings: &mut Vec<Keyed>,
) -> Phases {
    let mut router = Router::new(scenario);
    let mut customers: Vec<Option<CustomerState>> =
        (0..scenario.names.customer_count()).map(|_| None).collect();
    let mut runs: Vec<PartnerRun> = (0..statics.len())
        .map(|p| {
            PartnerRun::new(
                plan,
                scenario,
                PartnerId(p as u32),
                &statics[p],
                options.explain(),
            )
        })
        .collect();
    for (seq, &index) in order.iter().enumerate() {
        let seq = seq as u32;
        let date = scenario.events[index as usize].date;
        let route = {
            let live = |p: PartnerId, scope: ScopeId| {
                runs.get(p.0 as usize)
                    .is_some_and(|r| r.in_scope(scope, date))
            };
            router.route(plan, statics, seq, index, &live)
        };
        match route {
            Route::Skip => {}
            Route::Partner(c) => runs[c.partner.0 as usize].credit(&c),
            Route::Customer(customer) => {
                let (mut credits, mut found) = (Vec::new(), Vec::new());
                let state =
                    customers[customer.0 as usize].get_or_insert_with(CustomerState::default);
                let live = Live { runs: &runs };
                let mut a = Attribution::new(
                    plan,
                    scenario,
                    statics,
                    &live,
                    customer,
                    state,
                    &mut credits,
                    &mut found,
                );
                a.event(seq, index);
                findings.extend(found);
                for c in credits {
                    runs[c.partner.0 as usize].credit(&c);
                }
            }
        }
    }
    findings.append(&mut router.findings);
    let mut pending = Vec::new();
    for (c, state) in customers.iter_mut().enumerate() {
        let Some(state) = state else { continue };
        let live = Live { runs: &runs };
        let (mut credits, mut found) = (Vec::new(), Vec::new());
        let a = Attribution::new(
            plan,
            scenario,
            statics,
            &live,
            CustomerId(c as u32),
            state,
            &mut credits,
            &mut found,
        );
        pending.extend(a.pending(as_of));
    }
    let mut payouts = Vec::new();
    let mut results = Vec::with_capacity(runs.len());
    let mut full_paid = Vec::new();
    for mut run in runs {
        results.push(finish_partner(&mut run, as_of));
        payouts.append(&mut run.out.payouts);
        findings.append(&mut run.out.findings);
        full_paid.append(&mut run.out.full_paid);
    }
    payouts.sort_unstable_by_key(|p| (p.key, p.partner));
    (payouts, results, pending, full_paid)
}

#[cfg(test)]
mod sizes {
    /// What crosses between the phases and what a run keeps per payout stay
    /// small: a million events make about a million credits.
    #[test]
    fn credits_and_payouts_stay_small() {
        assert!(std::mem::size_of::<crate::attribution::Credit>() <= 120);
        assert!(std::mem::size_of::<crate::payouts::PayoutRec>() <= 104);
        // 200, and one pointer for what only some show (composite tier
        // metrics, caps).
        assert!(std::mem::size_of::<crate::explain::CommissionWhy>() <= 208);
    }
}

#[cfg(test)]
mod replay_keys {
    use super::replay_sort_key;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn date() -> impl Strategy<Value = NaiveDate> {
        let (min, max) = (
            NaiveDate::MIN.num_days_from_ce(),
            NaiveDate::MAX.num_days_from_ce(),
        );
        prop_oneof![min..=max, 730_000..740_000i32]
            .prop_filter_map("a day chrono holds", NaiveDate::from_num_days_from_ce_opt)
    }

    use chrono::Datelike;

    proptest! {
        /// The packed key orders events exactly as (date, rank, index) does,
        /// over every date chrono can hold, and gives the index back.
        #[test]
        fn packed_key_orders_as_the_triple(
            a in (date(), 0u8..8, any::<u32>()),
            b in (date(), 0u8..8, any::<u32>()),
        ) {
            let (ka, kb) = (replay_sort_key(a.0, a.1, a.2), replay_sort_key(b.0, b.1, b.2));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(ka as u32, a.2);
        }
    }

    proptest! {
        /// A payout's packed key orders payouts as its triple does.
        #[test]
        fn packed_payout_key_orders_as_the_triple(
            a in (any::<u32>(), any::<u16>(), any::<u16>()),
            b in (any::<u32>(), any::<u16>(), any::<u16>()),
        ) {
            prop_assert_eq!(super::payout_sort_key(a).cmp(&super::payout_sort_key(b)), a.cmp(&b));
        }
    }

    #[test]
    fn the_extreme_dates_fit() {
        let lo = replay_sort_key(NaiveDate::MIN, 0, 0);
        let hi = replay_sort_key(NaiveDate::MAX, 7, u32::MAX);
        assert!(lo < hi);
        assert_eq!(hi >> 63, 0);
    }
}
