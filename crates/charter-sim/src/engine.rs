//! The event loop: attribution, commissions, clawbacks, bonuses and due dates.

use crate::findings::{Finding, FindingCode};
use crate::money::{Account, Exact, Rounding};
use crate::policy_index::PolicyIndex;
use crate::standing::TierContext;
use crate::{Payout, SimOptions, SimResult, Standing, Total};
use charter_check::CheckedProgram;
use charter_diagnostics::Span;
use charter_ir::units::{minor_units, FIRST_DATE};
use charter_ir::*;
use charter_scenario::{
    CollectedBy, CustomerId, Entity, EventKind as Ev, InvoiceId, PartnerId, Scenario, Symbol,
};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A partner as the engine sees it: scenario data merged with its roster entry.
pub(crate) struct Profile {
    pub name: String,
    pub declared: bool,
    pub track: Option<usize>,
    pub modules: Vec<usize>,
    pub granted_tier: Option<usize>,
    pub entity: &'static str,
    pub contract: bool,
    pub elected: Vec<usize>,
    pub staff: HashMap<String, u32>,
    pub staff_changes: Vec<(NaiveDate, String, u32)>,
    pub revenue_target: Option<Decimal>,
    pub joined: Option<NaiveDate>,
    /// The last day the contract runs (notice date + notice period), once notice is given.
    pub contract_end: Option<NaiveDate>,
    pub invitations: Vec<(NaiveDate, usize)>,
    pub activities: Vec<(NaiveDate, Symbol)>,
    /// Payments (positive) and refunds (negative) on the partner's customers, by date, with running sums.
    pub sales: Vec<(NaiveDate, Decimal, Decimal)>,
    /// Invoices issued to the partner's customers, by date, with running sums (revenue).
    pub invoiced: Vec<(NaiveDate, Decimal, Decimal)>,
    pub orders: Vec<NaiveDate>,
    pub claims: Vec<NaiveDate>,
    /// Referrals made: (customer, date).
    pub referrals: Vec<(CustomerId, NaiveDate)>,
    pub registrations: Vec<NaiveDate>,
    /// The dates of the other events `require count` counts for the partner.
    pub counted: Counted,
    /// For retroactive brackets: earlier commissions by rule.
    pub ledger: Vec<LedgerEntry>,
    pub bonuses_paid: Vec<(usize, i32)>,
}

/// Dates of events a `require count` counts for a partner that no other
/// field of [`Profile`] keeps (LANGUAGE.md §3 `require`, "What each event
/// counts"): customer-side events of the partner's attributed customers and
/// partner-side events naming it.
#[derive(Default)]
pub(crate) struct Counted {
    /// Vendor contacts with a customer attributed to the partner on that day.
    pub vendor_contacts: Vec<NaiveDate>,
    /// Attachment events naming the partner (accepted or not).
    pub attachments: Vec<NaiveDate>,
    /// Payments on invoices of customers attributed to the partner on that day.
    pub payments: Vec<NaiveDate>,
    /// Refunds on invoices of customers attributed to the partner on that day.
    pub refunds: Vec<NaiveDate>,
    /// Notices the partner gave.
    pub notices: Vec<NaiveDate>,
    /// Invitation events naming the partner (whatever the tier).
    pub invitations: Vec<NaiveDate>,
}

pub(crate) struct LedgerEntry {
    pub rule: usize,
    pub date: NaiveDate,
    pub base: Decimal,
    pub rate: Decimal,
    /// The claim's share of the commission (1 unless split).
    pub share: Decimal,
    pub customer: CustomerId,
    pub invoice: InvoiceId,
}

impl Profile {
    /// Whether the scenario (or roster) says anything of the partner's staff.
    pub fn staff_known(&self) -> bool {
        !self.staff.is_empty() || !self.staff_changes.is_empty()
    }

    pub fn staff_at(&self, qualification: &str, date: NaiveDate) -> u32 {
        let mut count = self.staff.get(qualification).copied().unwrap_or(0);
        for (d, q, n) in &self.staff_changes {
            if *d <= date && q == qualification {
                count = *n;
            }
        }
        count
    }

    /// Sales (payments less refunds) in the window `(from, to]`.
    pub fn sales_between(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
        sum_between(&self.sales, from, to)
    }

    /// Revenue (invoiced value) in the window `(from, to]`.
    pub fn invoiced_between(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
        sum_between(&self.invoiced, from, to)
    }

    fn add_sale(&mut self, date: NaiveDate, amount: Decimal) {
        let running = self.sales.last().map_or(Decimal::ZERO, |s| s.2) + amount;
        self.sales.push((date, amount, running));
    }
}

#[derive(Clone)]
struct Claim {
    partner: PartnerId,
    method: AttributionMethod,
    date: NaiveDate,
    exclusive: bool,
    /// The referral, registration or attachment date (the claim's own anchor).
    anchor: NaiveDate,
    /// The order in which the replay made the customer's claims: it breaks
    /// ties of date and anchor, never the file's line order.
    seq: u32,
}

#[derive(Default)]
pub(crate) struct CustomerState {
    vendor_contacts: Vec<NaiveDate>,
    pending_referrals: Vec<(PartnerId, NaiveDate, usize, u32)>,
    pub(crate) first_order: Option<NaiveDate>,
    /// The first order or invoice, whichever came first.
    first_purchase: Option<NaiveDate>,
    first_invoice: Option<NaiveDate>,
    first_payment: Option<NaiveDate>,
    claims: Vec<Claim>,
    paid_anything: bool,
}

struct InvoiceState {
    customer: CustomerId,
    date: NaiveDate,
    amount: Decimal,
    renewal: bool,
    product: Option<Symbol>,
    paid: Decimal,
    refunded: Decimal,
    last_payment: Option<(NaiveDate, CollectedBy)>,
    ignored: bool,
    /// What each (partner, rule) has earned on this invoice.
    commissions: Vec<InvoiceCommission>,
    /// Rules whose commission waits for the full payment, per partner.
    full_paid: Vec<(PartnerId, usize)>,
}

/// One commission's earnings for one partner on one invoice.
#[derive(Clone)]
struct InvoiceCommission {
    partner: PartnerId,
    rule: usize,
    /// The base it was earned on, for explanations.
    base: Decimal,
    account: Account,
}

pub(crate) struct Engine<'a> {
    pub program: &'a Program,
    pub scenario: &'a Scenario,
    pub profiles: Vec<Profile>,
    pub(crate) customers: Vec<CustomerState>,
    invoices: Vec<Option<InvoiceState>>,
    pub findings: Vec<Finding>,
    /// Findings reported once per key (partner, rule, invoice, ...), so repeats cost nothing.
    reported: HashSet<(FindingCode, u32, u32, u32)>,
    payouts: Vec<Payout>,
    locations: Vec<String>,
    bonus_locations: Vec<String>,
    currency: String,
    rounding: Rounding,
    pub tiers: TierContext,
    /// The policy's names, indexed once.
    index: PolicyIndex<'a>,
}

pub fn run(checked: &CheckedProgram, scenario: &Scenario, options: &SimOptions) -> SimResult {
    let program = checked.program();
    let locate = |span: Span| match options.sources {
        Some(db) => {
            let (line, col) = db
                .get(span.file)
                .map_or((0, 0), |f| f.line_col(span.start as usize));
            format!("{}:{}:{}", db.path(span.file), line, col)
        }
        None => format!("byte {}", span.start),
    };
    let mut engine = Engine {
        program,
        scenario,
        profiles: Vec::new(),
        customers: (0..scenario.names.customer_count())
            .map(|_| CustomerState::default())
            .collect(),
        invoices: (0..scenario.names.invoice_count()).map(|_| None).collect(),
        findings: Vec::new(),
        reported: HashSet::new(),
        payouts: Vec::new(),
        locations: program
            .commissions
            .iter()
            .map(|c| locate(c.name.span))
            .collect(),
        bonus_locations: program
            .bonuses
            .iter()
            .map(|b| locate(b.name.span))
            .collect(),
        currency: program.currency.clone(),
        rounding: Rounding {
            scale: program
                .rounding
                .scale
                .unwrap_or_else(|| minor_units(&program.currency)),
            mode: program.rounding.mode,
        },
        tiers: TierContext::new(program),
        index: PolicyIndex::new(program),
    };
    engine.build_profiles();
    let as_of = crate::simulation_date(scenario, options.as_of).unwrap_or(FIRST_DATE);

    // Stable sort by date: same-day events keep their input order.
    let mut order: Vec<u32> =
        (0..u32::try_from(scenario.events.len()).unwrap_or(u32::MAX)).collect();
    order.sort_by_key(|&i| {
        let e = &scenario.events[i as usize];
        (e.date, same_day_rank(&e.kind))
    });
    let total = order.len();
    for (done, &i) in order.iter().enumerate() {
        if let Some(progress) = options.progress {
            if done % 65_536 == 0 {
                progress(done, total);
            }
        }
        let event = &scenario.events[i as usize];
        if event.date > as_of {
            continue;
        }
        engine.event(i);
    }
    if let Some(progress) = options.progress {
        progress(total, total);
    }
    engine.finish(as_of)
}

impl<'a> Engine<'a> {
    /// Whether a finding with this code and key was reported already; marks it reported.
    pub(crate) fn seen(&mut self, code: FindingCode, key: (u32, u32, u32)) -> bool {
        !self.reported.insert((code, key.0, key.1, key.2))
    }

    pub(crate) fn report_once(&mut self, key: (u32, u32, u32), finding: Finding) {
        if !self.seen(finding.code, key) {
            self.findings.push(finding);
        }
    }

    fn partner_name(&self, p: PartnerId) -> &str {
        self.scenario.names.partner(p)
    }

    fn customer_name(&self, c: CustomerId) -> &str {
        self.scenario.names.customer(c)
    }

    fn event_location(&self, index: u32) -> String {
        let event = &self.scenario.events[index as usize];
        match &event.id {
            Some(id) => format!("{} ({})", self.scenario.event_location(event), id),
            None => self.scenario.event_location(event),
        }
    }

    fn build_profiles(&mut self) {
        let program = self.program;
        let names = &self.scenario.names;
        for index in 0..names.partner_count() {
            let id = PartnerId(u32::try_from(index).unwrap_or(u32::MAX));
            let name = names.partner(id).to_string();
            let declared = names.partner_is_declared(id);
            let partner = self.scenario.partner(id).filter(|_| declared);
            let roster = self.index.roster(&name);
            let mut profile = Profile {
                name: name.clone(),
                declared,
                track: None,
                modules: Vec::new(),
                granted_tier: None,
                entity: "company",
                contract: true,
                elected: Vec::new(),
                staff: HashMap::new(),
                staff_changes: Vec::new(),
                revenue_target: None,
                joined: None,
                contract_end: None,
                invitations: Vec::new(),
                activities: Vec::new(),
                sales: Vec::new(),
                invoiced: Vec::new(),
                orders: Vec::new(),
                claims: Vec::new(),
                referrals: Vec::new(),
                registrations: Vec::new(),
                counted: Counted::default(),
                ledger: Vec::new(),
                bonuses_paid: Vec::new(),
            };
            // The roster entry gives defaults; the scenario's own data wins.
            if let Some(r) = roster {
                profile.track = r.track.as_ref().and_then(|t| self.index.track(&t.name));
                profile.modules = r
                    .modules
                    .iter()
                    .filter_map(|m| self.index.module(&m.name))
                    .collect();
                profile.granted_tier = r.tier.as_ref().and_then(|t| self.tiers.index_of(&t.name));
                if let Some(e) = &r.entity {
                    profile.entity = static_entity(&e.name);
                }
                if let Some(c) = r.contract {
                    profile.contract = c;
                }
                profile.elected = r
                    .elected
                    .iter()
                    .filter_map(|b| self.index.benefit(&b.name))
                    .collect();
                profile.staff = r.staff.iter().map(|(q, n)| (q.name.clone(), *n)).collect();
                profile.revenue_target = r.revenue_target.as_ref().map(|m| m.amount);
                profile.joined = r.joined;
            }
            if let Some(p) = partner {
                // Partners come from their own file when one was given.
                let file = (self.scenario.source.partners_file.as_deref())
                    .unwrap_or(&self.scenario.source.events_file);
                let location = format!("{file}:{}", p.line);
                if let Some(track) = &p.track {
                    match self.index.track(track) {
                        Some(t) => profile.track = Some(t),
                        None => self.findings.push(
                            Finding::new(
                                FindingCode::UnknownTrack,
                                format!(
                                    "partner `{name}` is in track `{track}`, which the policy does not define{}",
                                    list_hint(program.tracks.iter().map(|t| t.name.name.as_str()))
                                ),
                            )
                            .partner(&name)
                            .event(&location),
                        ),
                    }
                }
                if !p.modules.is_empty() {
                    profile.modules.clear();
                }
                for m in &p.modules {
                    match self.index.module(m) {
                        Some(i) => profile.modules.push(i),
                        None => self.findings.push(
                            Finding::new(
                                FindingCode::UnknownModule,
                                format!(
                                    "partner `{name}` holds module `{m}`, which the policy does not define{}",
                                    list_hint(program.modules.iter().map(|t| t.name.name.as_str()))
                                ),
                            )
                            .partner(&name)
                            .event(&location),
                        ),
                    }
                }
                if let Some(tier) = &p.tier {
                    match self.tiers.index_of(tier) {
                        Some(t) => profile.granted_tier = Some(t),
                        None => self.findings.push(
                            Finding::new(
                                FindingCode::UnknownTier,
                                format!(
                                    "partner `{name}` is granted tier `{tier}`, which the policy does not define{}",
                                    list_hint(program.tiers.iter().map(|t| t.name.name.as_str()))
                                ),
                            )
                            .partner(&name)
                            .event(&location),
                        ),
                    }
                }
                profile.entity = entity_name(p.entity);
                profile.contract = p.contract;
                if !p.elected.is_empty() {
                    profile.elected.clear();
                }
                for b in &p.elected {
                    match self.index.benefit(b) {
                        Some(i) => profile.elected.push(i),
                        None => self.findings.push(
                            Finding::new(
                                FindingCode::UnknownBenefit,
                                format!("partner `{name}` elected benefit `{b}`, which the policy does not define"),
                            )
                            .partner(&name)
                            .event(&location),
                        ),
                    }
                }
                for (q, n) in &p.staff {
                    profile.staff.insert(q.clone(), *n);
                    let counted: Vec<&str> = if program.qualifications.is_empty() {
                        vec!["sales", "technical", "trained"]
                    } else {
                        program
                            .qualifications
                            .iter()
                            .map(|x| x.name.as_str())
                            .collect()
                    };
                    if !counted.contains(&q.as_str()) {
                        self.findings.push(
                            Finding::new(
                                FindingCode::UnknownQualification,
                                format!(
                                    "partner `{name}` has staff `{q}`, a qualification the policy does not count (it counts {}); it is ignored",
                                    counted.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                                ),
                            )
                            .partner(&name)
                            .event(&location),
                        );
                    }
                }
                if p.revenue_target.is_some() {
                    profile.revenue_target = p.revenue_target;
                }
                if p.joined.is_some() {
                    profile.joined = p.joined;
                }
                // The program may not admit this entity type at all.
                if !program.entities.is_empty()
                    && !program
                        .entities
                        .iter()
                        .any(|e| e.name.name == profile.entity)
                {
                    self.findings.push(
                        Finding::new(
                            FindingCode::EntityNotAdmitted,
                            format!(
                                "partner `{name}` is a `{}`, which the program does not admit{}",
                                profile.entity,
                                list_hint(program.entities.iter().map(|e| e.name.name.as_str()))
                            ),
                        )
                        .partner(&name)
                        .event(&location),
                    );
                }
                // Two elected benefits of one choose-one group: the election is
                // void until resolved, so the partner receives none of them
                // (LANGUAGE.md §4, Conflicting elections).
                let mut void: Vec<usize> = Vec::new();
                let mut chosen_in: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
                for &b in &profile.elected {
                    let b = program.benefits[b].name.name.as_str();
                    for &g in self.index.groups_of(b) {
                        chosen_in.entry(g).or_default().push(b);
                    }
                }
                for (g, chosen) in chosen_in {
                    let group = &program.choose_groups[g];
                    if chosen.len() > 1 {
                        void.extend(chosen.iter().filter_map(|b| self.index.benefit(b)));
                        self.findings.push(
                            Finding::new(
                                FindingCode::DualFinancialBenefit,
                                format!(
                                    "partner `{name}` elected `{}` together, but the policy lets a partner choose one of {}; until the election is resolved it receives none of them",
                                    chosen.join("` and `"),
                                    group
                                        .benefits
                                        .iter()
                                        .map(|b| format!("`{}`", b.name))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            )
                            .partner(&name)
                            .rule(group.span)
                            .event(&location),
                        );
                    }
                }
                profile.elected.retain(|b| !void.contains(b));
            }
            self.profiles.push(profile);
        }
    }

    fn event(&mut self, index: u32) {
        let scenario = self.scenario;
        let event = &scenario.events[index as usize];
        let date = event.date;
        if let Some(p) = event.kind.partner() {
            if !self.profiles[p.0 as usize].declared {
                if self.seen(FindingCode::UnknownPartner, (p.0, 0, 0)) {
                    return;
                }
                let name = self.partner_name(p).to_string();
                let location = self.event_location(index);
                self.findings.push(
                    Finding::new(
                        FindingCode::UnknownPartner,
                        format!("the event names partner `{name}`, which the scenario's partners do not declare"),
                    )
                    .partner(name)
                    .event(location),
                );
                return;
            }
        }
        match &event.kind {
            Ev::VendorContact { customer } => {
                self.customers[customer.0 as usize]
                    .vendor_contacts
                    .push(date);
                for (claim, _) in self.owners(*customer, date) {
                    self.profiles[claim.partner.0 as usize]
                        .counted
                        .vendor_contacts
                        .push(date);
                }
            }
            Ev::Referral { partner, customer } => self.referral(*partner, *customer, date, index),
            Ev::Registration {
                partner,
                customer,
                approved,
                decided,
                ..
            } => self.registration(*partner, *customer, date, *approved, *decided, index),
            Ev::Attachment {
                partner,
                customer,
                requested_by_customer,
            } => {
                self.profiles[partner.0 as usize]
                    .counted
                    .attachments
                    .push(date);
                self.attachment(*partner, *customer, date, *requested_by_customer, index)
            }
            Ev::Order {
                customer,
                product,
                partner,
                ..
            } => self.order(*customer, *product, *partner, date, index),
            Ev::Invoice {
                invoice,
                customer,
                amount,
                currency,
                product,
                renewal,
            } => {
                let ignored = match currency {
                    Some(c) if c.as_str() != self.currency => {
                        let location = self.event_location(index);
                        let message = format!(
                            "invoice `{}` is in {} but the program pays in {}; it is left out",
                            scenario.names.invoice(*invoice),
                            c.as_str(),
                            self.currency
                        );
                        self.findings.push(
                            Finding::new(FindingCode::CurrencyMismatch, message)
                                .customer(self.customer_name(*customer).to_string())
                                .event(location),
                        );
                        true
                    }
                    Some(_) | None => false,
                };
                if !ignored && self.customers[customer.0 as usize].first_purchase.is_none() {
                    // No order event came first: the first invoice closes the lead.
                    self.close_referrals(*customer, date, "was first invoiced");
                }
                let state = &mut self.customers[customer.0 as usize];
                if !ignored && state.first_invoice.is_none() {
                    state.first_invoice = Some(date);
                }
                self.invoices[invoice.0 as usize] = Some(InvoiceState {
                    customer: *customer,
                    date,
                    amount: *amount,
                    renewal: *renewal,
                    product: *product,
                    paid: Decimal::ZERO,
                    refunded: Decimal::ZERO,
                    last_payment: None,
                    ignored,
                    commissions: Vec::new(),
                    full_paid: Vec::new(),
                });
                if !ignored {
                    for (claim, _) in self.owners(*customer, date) {
                        let profile = &mut self.profiles[claim.partner.0 as usize];
                        let running =
                            profile.invoiced.last().map_or(Decimal::ZERO, |s| s.2) + *amount;
                        profile.invoiced.push((date, *amount, running));
                    }
                    self.invoice_commissions(*invoice, index);
                }
            }
            Ev::Payment {
                invoice,
                amount,
                collected_by,
            } => self.payment(*invoice, *amount, *collected_by, date, index),
            Ev::Refund { invoice, amount } => self.refund(*invoice, *amount, date, index),
            Ev::Activity { partner, kind } => self.profiles[partner.0 as usize]
                .activities
                .push((date, *kind)),
            Ev::Notice { partner } => {
                let notice = self
                    .program
                    .contract
                    .as_ref()
                    .and_then(|c| c.notice)
                    .unwrap_or(Duration::days(0));
                let end = notice.after(date, &self.program.holidays);
                let profile = &mut self.profiles[partner.0 as usize];
                profile.counted.notices.push(date);
                if profile.contract_end.is_none_or(|e| end < e) {
                    profile.contract_end = Some(end);
                }
            }
            Ev::Invitation { partner, tier } => {
                self.profiles[partner.0 as usize]
                    .counted
                    .invitations
                    .push(date);
                let tier_name = scenario.names.symbol(*tier);
                match self.tiers.index_of(tier_name) {
                    Some(t) => self.profiles[partner.0 as usize]
                        .invitations
                        .push((date, t)),
                    None => {
                        let location = self.event_location(index);
                        let name = self.partner_name(*partner).to_string();
                        self.findings.push(
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
            Ev::Staff {
                partner,
                qualification,
                count,
            } => {
                let q = scenario.names.symbol(*qualification).to_string();
                self.profiles[partner.0 as usize]
                    .staff_changes
                    .push((date, q, *count));
            }
        }
    }

    // ------------------------------------------------------------ attribution

    /// The first attribution rule of a method that applies to a partner.
    fn attribution_rule(
        &self,
        method: AttributionMethod,
        partner: PartnerId,
        date: NaiveDate,
    ) -> Option<usize> {
        self.program
            .attributions
            .iter()
            .position(|a| a.method == method && self.in_scope(&a.scope, partner, date))
    }

    /// The attribution rule for a partner's claim; a partner without a track whose
    /// claim only one track's rules accept is taken to be in that track.
    fn rule_for_claim(
        &mut self,
        method: AttributionMethod,
        partner: PartnerId,
        date: NaiveDate,
        index: u32,
    ) -> Option<usize> {
        if let Some(rule) = self.attribution_rule(method, partner, date) {
            return Some(rule);
        }
        if self.profiles[partner.0 as usize].track.is_some() {
            return None;
        }
        let program = self.program;
        let tracks: Vec<usize> = program
            .tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                program
                    .attributions
                    .iter()
                    .any(|a| a.method == method && a.scope == Scope::Track(t.name.name.clone()))
            })
            .map(|(i, _)| i)
            .collect();
        let [track] = tracks.as_slice() else {
            return None;
        };
        self.profiles[partner.0 as usize].track = Some(*track);
        let name = self.partner_name(partner).to_string();
        let location = self.event_location(index);
        let track_name = &program.tracks[*track].name.name;
        self.findings.push(
            Finding::new(
                FindingCode::TrackAssumed,
                format!(
                    "partner `{name}` has no track; its {} makes it a `{track_name}` partner, the only track that attributes by {}",
                    method.as_str(),
                    method.as_str()
                ),
            )
            .partner(name)
            .event(location),
        );
        self.attribution_rule(method, partner, date)
    }

    fn no_rule(
        &mut self,
        method: AttributionMethod,
        partner: PartnerId,
        customer: CustomerId,
        index: u32,
    ) {
        let name = self.partner_name(partner).to_string();
        let cust = self.customer_name(customer).to_string();
        let location = self.event_location(index);
        self.report_once(
            (partner.0, method as u32, 0),
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
        );
    }

    fn reject(&mut self, partner: PartnerId, customer: CustomerId, index: u32, why: String) {
        let name = self.partner_name(partner).to_string();
        let cust = self.customer_name(customer).to_string();
        let location = self.event_location(index);
        self.findings.push(
            Finding::new(FindingCode::AttributionRejected, why)
                .partner(name)
                .customer(cust)
                .event(location),
        );
    }

    fn referral(&mut self, partner: PartnerId, customer: CustomerId, date: NaiveDate, index: u32) {
        self.profiles[partner.0 as usize]
            .referrals
            .push((customer, date));
        let Some(rule) = self.rule_for_claim(AttributionMethod::Referral, partner, date, index)
        else {
            self.no_rule(AttributionMethod::Referral, partner, customer, index);
            return;
        };
        let a = &self.program.attributions[rule];
        if a.closes_within.is_some() {
            self.customers[customer.0 as usize]
                .pending_referrals
                .push((partner, date, rule, index));
        } else if let Some(why) = self
            .referral_blocked(customer, date, rule)
            .or_else(|| self.not_new(customer, rule, "referral", date))
        {
            self.reject(partner, customer, index, why);
        } else {
            self.claim(
                customer,
                partner,
                AttributionMethod::Referral,
                date,
                date,
                false,
                index,
            );
        }
    }

    /// Why a referral on `date` cannot attribute the customer, if it cannot.
    fn referral_blocked(
        &self,
        customer: CustomerId,
        date: NaiveDate,
        rule: usize,
    ) -> Option<String> {
        let a = &self.program.attributions[rule];
        let state = &self.customers[customer.0 as usize];
        let cust = self.customer_name(customer);
        if let Some(lookback) = a.no_prior_contact {
            let from = lookback.before(date, &self.program.holidays);
            if let Some(contact) = state
                .vendor_contacts
                .iter()
                .find(|d| **d >= from && **d <= date)
            {
                return Some(format!(
                    "the referral of `{cust}` on {date} does not count: the vendor was in contact with it on {contact}, within {lookback} before the referral"
                ));
            }
        }
        None
    }

    /// Why a claim under `new customers only` fails: the customer bought before it.
    fn not_new(
        &self,
        customer: CustomerId,
        rule: usize,
        what: &str,
        date: NaiveDate,
    ) -> Option<String> {
        if !self.program.attributions[rule].new_customers_only {
            return None;
        }
        let first = self.customers[customer.0 as usize].first_purchase?;
        let cust = self.customer_name(customer);
        Some(format!(
            "`{cust}` had already bought on {first}, before the {what} on {date}: the policy counts new customers only"
        ))
    }

    fn registration(
        &mut self,
        partner: PartnerId,
        customer: CustomerId,
        date: NaiveDate,
        approved: bool,
        decided: Option<NaiveDate>,
        index: u32,
    ) {
        self.profiles[partner.0 as usize].registrations.push(date);
        let Some(rule) = self.rule_for_claim(AttributionMethod::Registration, partner, date, index)
        else {
            self.no_rule(AttributionMethod::Registration, partner, customer, index);
            return;
        };
        let a = &self.program.attributions[rule];
        if a.approval_required && !approved {
            let cust = self.customer_name(customer).to_string();
            self.reject(
                partner,
                customer,
                index,
                format!(
                    "the registration of `{cust}` on {date} was not approved, so it gives no claim"
                ),
            );
            return;
        }
        if let Some(why) = self.not_new(customer, rule, "registration", date) {
            self.reject(partner, customer, index, why);
            return;
        }
        let at = decided.unwrap_or(date).max(date);
        if let (Some(limit), Some(decided)) = (a.decided_within, decided) {
            let deadline = limit.after(date, &self.program.holidays);
            if decided > deadline {
                let cust = self.customer_name(customer).to_string();
                let name = self.partner_name(partner).to_string();
                let location = self.event_location(index);
                self.findings.push(
                    Finding::new(
                        FindingCode::LateDecision,
                        format!("the registration of `{cust}` on {date} was decided on {decided}, after the {limit} the policy gives the vendor (by {deadline}); the approval still counts"),
                    )
                    .partner(name)
                    .customer(cust)
                    .event(location),
                );
            }
        }
        self.claim(
            customer,
            partner,
            AttributionMethod::Registration,
            at,
            date,
            a.exclusive,
            index,
        );
    }

    fn attachment(
        &mut self,
        partner: PartnerId,
        customer: CustomerId,
        date: NaiveDate,
        requested: bool,
        index: u32,
    ) {
        let Some(rule) = self.rule_for_claim(AttributionMethod::Attachment, partner, date, index)
        else {
            self.no_rule(AttributionMethod::Attachment, partner, customer, index);
            return;
        };
        let a = &self.program.attributions[rule];
        let state = &self.customers[customer.0 as usize];
        if a.before_installation {
            if let Some(installed) = state.first_invoice.filter(|d| *d <= date) {
                let allowed = a.existing_on_request && requested;
                if !allowed {
                    let cust = self.customer_name(customer).to_string();
                    let why = if a.existing_on_request {
                        format!("`{cust}` was already a customer (first invoice {installed}) when it was attached on {date}; an existing customer is attached only at its own request (`requested_by_customer`)")
                    } else {
                        format!("`{cust}` was attached on {date}, after its installation (first invoice {installed}); the policy attaches customers only before installation")
                    };
                    self.reject(partner, customer, index, why);
                    return;
                }
            }
        }
        if let Some(why) = self.not_new(customer, rule, "attachment", date) {
            self.reject(partner, customer, index, why);
            return;
        }
        let exclusive = a.exclusive;
        self.claim(
            customer,
            partner,
            AttributionMethod::Attachment,
            date,
            date,
            exclusive,
            index,
        );
    }

    fn order(
        &mut self,
        customer: CustomerId,
        product: Option<Symbol>,
        partner: Option<PartnerId>,
        date: NaiveDate,
        index: u32,
    ) {
        // A purchase before this order (an earlier event): a partner sale under
        // `new customers only` cannot claim the customer.
        let bought_before = self.customers[customer.0 as usize].first_purchase;
        self.close_referrals(customer, date, "ordered");
        if let Some(p) = partner {
            self.profiles[p.0 as usize].orders.push(date);
            match self.rule_for_claim(AttributionMethod::PartnerSale, p, date, index) {
                None => self.no_rule(AttributionMethod::PartnerSale, p, customer, index),
                Some(rule) => {
                    let a = &self.program.attributions[rule];
                    let product_name = product.map(|s| self.scenario.names.symbol(s));
                    let product_ok = a.products.is_empty()
                        || product_name.is_none_or(|n| a.products.iter().any(|x| x.name == n));
                    if let Some(first) = bought_before.filter(|_| a.new_customers_only) {
                        let cust = self.customer_name(customer).to_string();
                        self.reject(
                            p,
                            customer,
                            index,
                            format!("`{cust}` had already bought on {first}, before the sale on {date}: the policy counts new customers only"),
                        );
                    } else if product_ok {
                        let exclusive = a.exclusive;
                        self.claim(
                            customer,
                            p,
                            AttributionMethod::PartnerSale,
                            date,
                            date,
                            exclusive,
                            index,
                        );
                    } else {
                        let cust = self.customer_name(customer).to_string();
                        let wanted = a
                            .products
                            .iter()
                            .map(|x| format!("`{}`", x.name))
                            .collect::<Vec<_>>()
                            .join(", ");
                        self.reject(
                            p,
                            customer,
                            index,
                            format!(
                                "the sale to `{cust}` on {date} was of `{}`; the policy counts a partner's own sale only of {wanted}",
                                product_name.unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        }
        let state = &mut self.customers[customer.0 as usize];
        if state.first_order.is_none() {
            state.first_order = Some(date);
        }
        // Orders of attributed customers count for the partner's order metrics.
        if partner.is_none() {
            if let Some(owner) = self.owners(customer, date).first().map(|(c, _)| c.partner) {
                self.profiles[owner.0 as usize].orders.push(date);
            }
        }
    }

    /// Decides the referrals waiting for a customer at its first purchase (an
    /// order, or an invoice when no order event came first).
    fn close_referrals(&mut self, customer: CustomerId, date: NaiveDate, how: &str) {
        let first_order = self.customers[customer.0 as usize].first_purchase;
        // Referrals waiting for this customer to close.
        let pending = std::mem::take(&mut self.customers[customer.0 as usize].pending_referrals);
        for (p, referred, rule, ref_index) in pending {
            if referred > date {
                self.customers[customer.0 as usize]
                    .pending_referrals
                    .push((p, referred, rule, ref_index));
                continue;
            }
            let a = &self.program.attributions[rule];
            let cust = self.customer_name(customer).to_string();
            if let Some(first) = first_order.filter(|d| *d <= referred) {
                self.reject(
                    p,
                    customer,
                    ref_index,
                    format!("`{cust}` had already bought on {first}, before the referral on {referred}: it is not a new customer"),
                );
                continue;
            }
            if first_order.is_some() {
                // An earlier order after the referral already decided this referral.
                continue;
            }
            if let Some((_, window)) = a.closes_within {
                let deadline = window.after(referred, &self.program.holidays);
                if date > deadline {
                    self.reject(
                        p,
                        customer,
                        ref_index,
                        format!("`{cust}` {how} on {date}, more than {window} after the referral on {referred} (by {deadline})"),
                    );
                    continue;
                }
            }
            if let Some(why) = self.referral_blocked(customer, referred, rule) {
                self.reject(p, customer, ref_index, why);
                continue;
            }
            self.claim(
                customer,
                p,
                AttributionMethod::Referral,
                date,
                referred,
                false,
                ref_index,
            );
        }
        let state = &mut self.customers[customer.0 as usize];
        if state.first_purchase.is_none() {
            state.first_purchase = Some(date);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn claim(
        &mut self,
        customer: CustomerId,
        partner: PartnerId,
        method: AttributionMethod,
        date: NaiveDate,
        anchor: NaiveDate,
        exclusive: bool,
        event: u32,
    ) {
        let state = &mut self.customers[customer.0 as usize];
        // A partner's further claim is ignored, unless it is exclusive and the
        // partner's earlier claims are not: then it is added (LANGUAGE.md §4).
        let mut earlier = state.claims.iter().filter(|c| c.partner == partner);
        let again = earlier.clone().next().is_some();
        if again && (!exclusive || earlier.any(|c| c.exclusive)) {
            return;
        }
        let others: Vec<PartnerId> = state
            .claims
            .iter()
            .map(|c| c.partner)
            .filter(|p| *p != partner)
            .collect();
        let seq = u32::try_from(state.claims.len()).unwrap_or(u32::MAX);
        state.claims.push(Claim {
            partner,
            method,
            date,
            exclusive,
            anchor,
            seq,
        });
        if !again {
            // A customer counts once for the partner's `customers` metric.
            self.profiles[partner.0 as usize].claims.push(date);
        }
        if !others.is_empty() {
            let owners = self.owners(customer, date);
            let winner = owners
                .iter()
                .map(|(c, _)| format!("`{}`", self.partner_name(c.partner)))
                .collect::<Vec<_>>()
                .join(" and ");
            let claims = self.customers[customer.0 as usize]
                .claims
                .iter()
                .map(|c| {
                    format!(
                        "`{}` ({} on {})",
                        self.partner_name(c.partner),
                        c.method.as_str(),
                        c.date
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let rule = match &self.program.claims {
                ClaimPolicy::First => "claims first: the earliest claim wins",
                ClaimPolicy::Last => "claims last: the latest claim wins",
                ClaimPolicy::ExclusiveFirst => {
                    "claims exclusive_first: an exclusive claim wins, else the earliest"
                }
                ClaimPolicy::Split { .. } => "claims split: the commission is shared by track",
            };
            let cust = self.customer_name(customer).to_string();
            let location = self.event_location(event);
            self.findings.push(
                Finding::new(
                    FindingCode::ContestedCustomer,
                    format!("`{cust}` is claimed by {claims}; by the policy's rule ({rule}) it is {winner}'s"),
                )
                .customer(cust)
                .event(location),
            );
        }
    }

    /// Who owns a customer on a date, with each owner's share (1 unless split).
    fn owners(&self, customer: CustomerId, date: NaiveDate) -> Vec<(Claim, Decimal)> {
        // The common case: one claim, nothing to resolve.
        match self.customers[customer.0 as usize].claims.as_slice() {
            [] => return Vec::new(),
            [only] => {
                return if only.date <= date {
                    vec![(only.clone(), Decimal::ONE)]
                } else {
                    Vec::new()
                }
            }
            _ => {}
        }
        let claims: Vec<&Claim> = self.customers[customer.0 as usize]
            .claims
            .iter()
            .filter(|c| c.date <= date)
            .collect();
        if claims.is_empty() {
            return Vec::new();
        }
        let earliest = |list: &[&Claim]| -> Option<Claim> {
            list.iter()
                .min_by_key(|c| (c.date, c.anchor, c.seq))
                .map(|c| (*c).clone())
        };
        let pick = match &self.program.claims {
            ClaimPolicy::First => earliest(&claims),
            ClaimPolicy::Last => claims
                .iter()
                .max_by_key(|c| (c.date, c.anchor, c.seq))
                .map(|c| (*c).clone()),
            ClaimPolicy::ExclusiveFirst => {
                let exclusive: Vec<&Claim> =
                    claims.iter().copied().filter(|c| c.exclusive).collect();
                earliest(&exclusive).or_else(|| earliest(&claims))
            }
            ClaimPolicy::Split { shares } => {
                let mut out: Vec<(Claim, Decimal)> = Vec::new();
                for share in shares {
                    let of_track: Vec<&Claim> = claims
                        .iter()
                        .copied()
                        .filter(|c| {
                            self.profiles[c.partner.0 as usize].track.is_some_and(|t| {
                                self.program.tracks[t].name.name == share.track.name
                            })
                        })
                        .collect();
                    if let Some(c) = earliest(&of_track) {
                        out.push((c, share.share.fraction()));
                    }
                }
                if out.len() > 1 {
                    return out;
                }
                earliest(&claims)
            }
        };
        pick.map(|c| vec![(c, Decimal::ONE)]).unwrap_or_default()
    }

    // ------------------------------------------------------------ scope and eligibility

    pub(crate) fn in_scope(&self, scope: &Scope, partner: PartnerId, date: NaiveDate) -> bool {
        let profile = &self.profiles[partner.0 as usize];
        match scope {
            Scope::Program => true,
            Scope::Track(name) => profile
                .track
                .is_some_and(|t| self.program.tracks[t].name.name == *name),
            Scope::Module(name) => profile
                .modules
                .iter()
                .any(|m| self.program.modules[*m].name.name == *name),
            Scope::Tier(name) => self
                .standing_at(partner, date)
                .is_some_and(|t| self.program.tiers[t].name.name == *name),
            Scope::Benefit(name) => self.receives_benefit(partner, name, date),
        }
    }

    fn receives_benefit(&self, partner: PartnerId, name: &str, date: NaiveDate) -> bool {
        let program = self.program;
        let Some(index) = self.index.benefit(name) else {
            return false;
        };
        let benefit = &program.benefits[index];
        let profile = &self.profiles[partner.0 as usize];
        let in_group = !self.index.groups_of(name).is_empty();
        let granted = self.index.is_granted(name);
        if in_group && !profile.elected.contains(&index) && !granted {
            return false;
        }
        if benefit.available_to.is_empty() {
            return true;
        }
        benefit.available_to.iter().any(|t| {
            let target = t.target.name.as_str();
            if let Some(ti) = self.tiers.index_of(target) {
                return self.standing_at(partner, date).is_some_and(|s| s == ti);
            }
            self.in_scope(&Scope::Track(target.to_string()), partner, date)
                || self.in_scope(&Scope::Module(target.to_string()), partner, date)
        })
    }

    /// Why commission rule `r` is closed to a partner, if it is.
    fn ineligible(&self, r: usize, partner: PartnerId, date: NaiveDate) -> Option<String> {
        let rule = &self.program.commissions[r];
        let profile = &self.profiles[partner.0 as usize];
        let entity_def = self
            .program
            .entities
            .iter()
            .find(|e| e.name.name == profile.entity);
        if self.settlement_of(r) == Settlement::Transfer
            && entity_def.is_some_and(|e| e.netted_only.is_some())
        {
            return Some(format!(
                "the program pays `{}` partners only by netting at source, and `{}` is paid by transfer",
                profile.entity, rule.name.name
            ));
        }
        if let Some(e) = &rule.eligibility {
            if !e.entities.is_empty() && !e.entities.iter().any(|x| x.name == profile.entity) {
                return Some(format!(
                    "`{}` is open to {} only, and the partner is a `{}`",
                    rule.name.name,
                    e.entities
                        .iter()
                        .map(|x| format!("`{}`", x.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    profile.entity
                ));
            }
            if e.with_contract.is_some() {
                let no_contract = entity_def.is_some_and(|d| d.no_contract.is_some());
                if !profile.contract || no_contract {
                    return Some(format!(
                        "`{}` requires a signed partner contract",
                        rule.name.name
                    ));
                }
            }
            if !e.tiers.is_empty() {
                let standing = self.standing_at(partner, date);
                if !e
                    .tiers
                    .iter()
                    .any(|t| standing.is_some_and(|s| self.program.tiers[s].name.name == t.name))
                {
                    return Some(format!(
                        "`{}` is open to tiers {} only",
                        rule.name.name,
                        e.tiers
                            .iter()
                            .map(|x| format!("`{}`", x.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            if !e.tracks.is_empty()
                && !e
                    .tracks
                    .iter()
                    .any(|t| self.in_scope(&Scope::Track(t.name.clone()), partner, date))
            {
                return Some(format!("`{}` is open to other tracks only", rule.name.name));
            }
            if !e.modules.is_empty()
                && !e
                    .modules
                    .iter()
                    .any(|t| self.in_scope(&Scope::Module(t.name.clone()), partner, date))
            {
                return Some(format!(
                    "`{}` is open to other modules only",
                    rule.name.name
                ));
            }
        }
        None
    }

    /// The requirements a commission or bonus in `scope` depends on that the
    /// partner fails: the program's, and its track's or module's (a tier's
    /// are met by standing in it).
    ///
    /// The contract's end does not touch them: `require contract` and
    /// `require agreement` ask for a signed contract, which a partner that
    /// gave notice still has (LANGUAGE.md §4, Tier standing).
    fn unmet_requirements(
        &mut self,
        scope: &Scope,
        partner: PartnerId,
        date: NaiveDate,
    ) -> Option<String> {
        let program = self.program;
        let group: &[Requirement] = match scope {
            Scope::Track(name) => program
                .tracks
                .iter()
                .find(|t| t.name.name == *name)
                .map_or(&[], |t| &t.requirements),
            Scope::Module(name) => program
                .modules
                .iter()
                .find(|t| t.name.name == *name)
                .map_or(&[], |t| &t.requirements),
            Scope::Program | Scope::Tier(_) | Scope::Benefit(_) => &[],
        };
        for req in program.requirements.iter().chain(group) {
            if let Some(why) = self.requirement_fails(req, partner, date, "") {
                return Some(why);
            }
        }
        None
    }

    // ------------------------------------------------------------ commissions

    fn invoice_commissions(&mut self, invoice: InvoiceId, index: u32) {
        let program = self.program;
        if !program
            .commissions
            .iter()
            .any(|c| c.base.kind == BaseKind::Invoices)
        {
            return;
        }
        let Some(inv) = self.invoices[invoice.0 as usize].as_ref() else {
            return;
        };
        let (customer, date, amount) = (inv.customer, inv.date, inv.amount);
        for (claim, share) in self.owners(customer, date) {
            for (r, rule) in program.commissions.iter().enumerate() {
                if rule.base.kind != BaseKind::Invoices {
                    continue;
                }
                self.commission(r, &claim, share, invoice, amount, date, None, index);
            }
        }
    }

    fn payment(
        &mut self,
        invoice: InvoiceId,
        amount: Decimal,
        collected_by: CollectedBy,
        date: NaiveDate,
        index: u32,
    ) {
        if self.invoices[invoice.0 as usize].is_none() {
            self.unknown_invoice(invoice, "payment", date, index);
            return;
        }
        let Some(inv) = self.invoices[invoice.0 as usize].as_mut() else {
            return;
        };
        if inv.ignored {
            return;
        }
        inv.paid += amount;
        inv.last_payment = Some((date, collected_by));
        let (customer, paid, total) = (inv.customer, inv.paid - inv.refunded, inv.amount);
        if paid > total {
            let name = self.scenario.names.invoice(invoice).to_string();
            let location = self.event_location(index);
            self.report_once(
                (invoice.0, 0, 0),
                Finding::new(
                    FindingCode::Overpayment,
                    format!(
                        "invoice `{name}` of {total} {} has been paid {paid}",
                        self.currency
                    ),
                )
                .customer(self.customer_name(customer).to_string())
                .event(location),
            );
        }
        let state = &mut self.customers[customer.0 as usize];
        if state.first_payment.is_none() {
            state.first_payment = Some(date);
        }
        state.paid_anything = true;
        let owners = self.owners(customer, date);
        if owners.is_empty() {
            if self.seen(FindingCode::Unattributed, (customer.0, 0, 0)) {
                return;
            }
            let cust = self.customer_name(customer).to_string();
            let location = self.event_location(index);
            self.findings.push(
                Finding::new(
                    FindingCode::Unattributed,
                    format!("`{cust}` paid on {date} but no partner's claim attributes it: it earns nobody a commission"),
                )
                .customer(cust)
                .event(location),
            );
            return;
        }
        for (claim, _) in &owners {
            let profile = &mut self.profiles[claim.partner.0 as usize];
            profile.add_sale(date, amount);
            profile.counted.payments.push(date);
        }
        let program = self.program;
        for (claim, share) in &owners {
            for (r, rule) in program.commissions.iter().enumerate() {
                if rule.base.kind != BaseKind::Payments {
                    continue;
                }
                if let Some(c) = rule.base.collected_by {
                    let matches = matches!(
                        (c, collected_by),
                        (Collector::Vendor, CollectedBy::Vendor)
                            | (Collector::Partner, CollectedBy::Partner)
                    );
                    if !matches {
                        continue;
                    }
                }
                self.commission(
                    r,
                    claim,
                    *share,
                    invoice,
                    amount,
                    date,
                    Some(collected_by),
                    index,
                );
            }
            self.bonuses(claim.partner, date, index);
        }
    }

    /// Applies commission rule `r` to an amount on `invoice`, for the claim's partner.
    #[allow(clippy::too_many_arguments)]
    fn commission(
        &mut self,
        r: usize,
        claim: &Claim,
        share: Decimal,
        invoice: InvoiceId,
        amount: Decimal,
        date: NaiveDate,
        collected_by: Option<CollectedBy>,
        index: u32,
    ) {
        let program = self.program;
        let rule = &program.commissions[r];
        let partner = claim.partner;
        let Some(inv) = self.invoices[invoice.0 as usize].as_ref() else {
            return;
        };
        let (customer, invoice_date, invoice_amount, renewal, product) =
            (inv.customer, inv.date, inv.amount, inv.renewal, inv.product);
        // Which invoices the rule covers.
        match rule.base.invoices {
            InvoiceFilter::New if renewal => return,
            InvoiceFilter::Renewal if !renewal => return,
            InvoiceFilter::Any | InvoiceFilter::New | InvoiceFilter::Renewal => {}
        }
        if !rule.base.products.is_empty() {
            let name = product.map(|p| self.scenario.names.symbol(p));
            if !name.is_some_and(|n| rule.base.products.iter().any(|x| x.name == n)) {
                return;
            }
        }
        if !self.in_scope(&rule.scope, partner, date) {
            return;
        }
        let pname = self.partner_name(partner).to_string();
        let cust = self.customer_name(customer).to_string();
        let inv_name = self.scenario.names.invoice(invoice).to_string();
        if let Some(why) = self.ineligible(r, partner, date) {
            let location = self.event_location(index);
            self.report_once(
                (partner.0, r as u32, 0),
                Finding::new(
                    FindingCode::NotEligible,
                    format!("`{pname}` earns nothing from `{}`: {why}", rule.name.name),
                )
                .partner(pname)
                .customer(cust)
                .rule(rule.span)
                .event(location),
            );
            return;
        }
        if let Some(why) = self.unmet_requirements(&rule.scope, partner, date) {
            let location = self.event_location(index);
            self.report_once(
                (partner.0, r as u32, 0),
                Finding::new(
                    FindingCode::RequirementNotMet,
                    format!(
                        "`{pname}` earns nothing from `{}` on {date}: {why}",
                        rule.name.name
                    ),
                )
                .partner(pname)
                .customer(cust)
                .rule(rule.span)
                .event(location),
            );
            return;
        }
        // The window selects invoices by their issue date.
        let mut window_line: Option<String> = None;
        match &rule.window {
            WindowSpec::Within { length, anchor } => {
                let state = &self.customers[customer.0 as usize];
                let start = match anchor {
                    Anchor::FirstInvoice => state.first_invoice,
                    Anchor::FirstPayment => state.first_payment,
                    Anchor::FirstOrder => state.first_order,
                    Anchor::Referral | Anchor::Registration | Anchor::Attachment => {
                        Some(claim.anchor)
                    }
                    Anchor::Attribution => Some(claim.date),
                    Anchor::ContractStart => self.profiles[partner.0 as usize]
                        .joined
                        .or(Some(claim.date)),
                };
                let Some(start) = start else { return };
                let end = length.after(start, &self.program.holidays);
                if invoice_date < start || invoice_date >= end {
                    return;
                }
                window_line = Some(format!(
                    "window: invoice `{inv_name}` of {invoice_date} is within {length} from {} {start} (until {end})",
                    anchor.as_str()
                ));
            }
            WindowSpec::Lifetime | WindowSpec::WhileCustomerPays => {
                window_line = Some("window: for as long as the customer pays".to_string())
            }
            WindowSpec::WhileContractActive => {
                window_line = Some("window: while the partner's contract is active".to_string())
            }
            WindowSpec::Unbounded => {}
        }
        let mut explain = Vec::new();
        explain.push(format!(
            "rule `{}` ({}), {}",
            rule.name.name,
            self.locations[r],
            describe_rule(rule)
        ));
        explain.push(format!(
            "attribution: `{cust}` is `{pname}`'s by {} ({}){}",
            claim.method.as_str(),
            match claim.method {
                AttributionMethod::Referral =>
                    format!("referred {}, ordered {}", claim.anchor, claim.date),
                AttributionMethod::Registration =>
                    format!("registered {}, approved {}", claim.anchor, claim.date),
                AttributionMethod::Attachment => format!("attached {}", claim.date),
                AttributionMethod::PartnerSale => format!("sold {}", claim.date),
            },
            if share < Decimal::ONE {
                format!(", share {}%", (share * Decimal::ONE_HUNDRED).normalize())
            } else {
                String::new()
            }
        ));
        explain.extend(window_line);
        // After the partner's contract ended. The contract runs through its
        // end date (LANGUAGE.md §4, Contract end): an invoice issued on that
        // day still earns, and a payment made on it is not a later one.
        if let Some(end) = self.profiles[partner.0 as usize].contract_end {
            if date > end {
                let terms = program.contract.as_ref();
                let waive = terms.is_some_and(|t| t.waive_renewals);
                let stop = terms.is_some_and(|t| t.stop_commissions);
                let why = if invoice_date > end {
                    Some(format!("invoice `{inv_name}` of {invoice_date} was issued after the contract ended on {end}"))
                } else if renewal && waive {
                    Some(format!("on termination the partner waives renewal income; the contract ended on {end}"))
                } else if stop {
                    Some(format!(
                        "on termination commissions stop; the contract ended on {end}"
                    ))
                } else {
                    None
                };
                if let Some(why) = why {
                    let location = self.event_location(index);
                    self.report_once(
                        (partner.0, r as u32, invoice.0 + 1),
                        Finding::new(
                            FindingCode::ContractEnded,
                            format!(
                                "`{pname}` earns nothing from `{}` on {date}: {why}",
                                rule.name.name
                            ),
                        )
                        .partner(pname)
                        .customer(cust)
                        .rule(rule.span)
                        .event(location),
                    );
                    return;
                }
                explain.push(format!(
                    "the contract ended on {end}; income on invoices issued by then is kept"
                ));
            }
        }
        // Payouts that wait for the invoice's full payment.
        let schedule = self.schedule(r);
        let mut base = amount;
        if let Some(PayoutSchedule {
            timing: PayoutTiming::Within { full: true, .. },
            ..
        }) = schedule
        {
            let inv = self.invoices[invoice.0 as usize].as_ref();
            let Some(inv) = inv else { return };
            if inv.full_paid.contains(&(partner, r)) {
                // Already earned in full: later payments (overpayments) earn more.
                explain.push(format!(
                    "base: a further payment of {amount} {} on {date}",
                    self.currency
                ));
            } else if inv.paid - inv.refunded < invoice_amount {
                return;
            } else {
                base = inv.paid - inv.refunded;
                if let Some(inv) = self.invoices[invoice.0 as usize].as_mut() {
                    inv.full_paid.push((partner, r));
                }
                explain.push(format!(
                    "base: invoice `{inv_name}` of {invoice_amount} {} paid in full on {date} ({base} {} received)",
                    self.currency, self.currency
                ));
            }
        } else {
            match collected_by {
                Some(c) => explain.push(format!(
                    "base: payment of {amount} {} on {date} on invoice `{inv_name}`, collected by {}",
                    self.currency,
                    c.as_str()
                )),
                None => explain.push(format!("base: invoice `{inv_name}` of {amount} {} issued {date}", self.currency)),
            }
        }
        let (rate, rate_explain, extra) = self.rate(r, partner, date, base);
        let Some(rate) = rate else {
            let location = self.event_location(index);
            self.report_once(
                (partner.0, r as u32, u32::MAX),
                Finding::new(
                    FindingCode::NotEligible,
                    format!(
                        "`{pname}` earns nothing from `{}`: {rate_explain}",
                        rule.name.name
                    ),
                )
                .partner(pname)
                .customer(cust)
                .rule(rule.span)
                .event(location),
            );
            return;
        };
        explain.push(rate_explain);
        // Exact: base × rate / 100 × share, rounded only as part of the running total.
        let raw = Exact::percent(base).mul(&rate).mul_decimal(share);
        let Some(settlement) = self.account(invoice, partner, r, base, |account, rounding| {
            account.earn(&raw, rounding)
        }) else {
            return;
        };
        let value = settlement.amount;
        let product = format!(
            "amount: {base} × {rate}%{} = {raw}",
            if share < Decimal::ONE {
                format!(" × {}", share.normalize())
            } else {
                String::new()
            }
        );
        explain.push(
            if settlement.already_paid.is_zero() && settlement.total == raw {
                format!(
                    "{product} → {value} {} ({})",
                    self.currency,
                    self.rounding.describe()
                )
            } else {
                format!(
                    "{product}; {} ({})",
                    settlement.describe(&self.currency),
                    self.rounding.describe()
                )
            },
        );
        let rate = rate.to_decimal();
        self.profiles[partner.0 as usize].ledger.push(LedgerEntry {
            rule: r,
            date,
            base,
            rate,
            share,
            customer,
            invoice,
        });
        let (due, due_text) = self.due(schedule, date, invoice_date);
        explain.push(due_text);
        let settlement = self.settlement(r);
        self.push_payout(
            partner,
            Some(customer),
            Some(invoice),
            rule.name.name.clone(),
            base,
            Some(rate),
            value,
            date,
            due,
            settlement,
            explain,
        );
        self.payouts.extend(extra);
    }

    /// Runs `f` on the account of rule `r` for `partner` on `invoice` (opened
    /// on first use, its base raised by `base`), with the program's rounding.
    fn account<T>(
        &mut self,
        invoice: InvoiceId,
        partner: PartnerId,
        r: usize,
        base: Decimal,
        f: impl FnOnce(&mut Account, Rounding) -> T,
    ) -> Option<T> {
        let rounding = self.rounding;
        let inv = self.invoices[invoice.0 as usize].as_mut()?;
        let position = inv
            .commissions
            .iter()
            .position(|c| c.partner == partner && c.rule == r);
        let entry = match position {
            Some(i) => inv.commissions.get_mut(i)?,
            None => {
                inv.commissions.push(InvoiceCommission {
                    partner,
                    rule: r,
                    base: Decimal::ZERO,
                    account: Account::default(),
                });
                inv.commissions.last_mut()?
            }
        };
        entry.base += base;
        Some(f(&mut entry.account, rounding))
    }

    /// The rate of rule `r` for a partner on a date (in percent, exact), its
    /// explanation, and the retroactive top-ups it triggers.
    fn rate(
        &mut self,
        r: usize,
        partner: PartnerId,
        date: NaiveDate,
        base: Decimal,
    ) -> (Option<Exact>, String, Vec<Payout>) {
        let program = self.program;
        let rule = &program.commissions[r];
        let mut extra = Vec::new();
        let (mut rate, mut text) = match &rule.rate {
            RateSpec::Flat { rate } => (Exact::from_decimal(rate.0), format!("rate: {rate} flat")),
            RateSpec::ByTier { rates } => {
                let standing = self.standing_at(partner, date);
                let Some(tier) = standing else {
                    return (
                        None,
                        "the partner has reached no tier, and the rate is set by tier".to_string(),
                        extra,
                    );
                };
                let tier_name = &program.tiers[tier].name.name;
                match rates.iter().find(|x| &x.tier.name == tier_name) {
                    Some(x) => (
                        Exact::from_decimal(x.rate.0),
                        format!(
                            "rate: {} for tier `{tier_name}` (the partner's standing on {date})",
                            x.rate
                        ),
                    ),
                    None => {
                        return (
                            None,
                            format!("the rate table names no rate for tier `{tier_name}`"),
                            extra,
                        );
                    }
                }
            }
            RateSpec::Brackets { table } => {
                let from = table.metric.trailing.before(date, &program.holidays);
                let after = self.metric_value(partner, &table.metric, date);
                let before = match table.metric.kind {
                    MetricKind::Sales => after - base,
                    MetricKind::Orders | MetricKind::Customers => after,
                };
                let unit = if table.metric.kind == MetricKind::Sales {
                    format!(" {}", self.currency)
                } else {
                    String::new()
                };
                let metric_text = |value: Decimal, what: &str| {
                    format!(
                        "{} over trailing {} ({}..{}) {what} = {value}{unit}",
                        metric_name(table.metric.kind),
                        table.metric.trailing,
                        from,
                        date
                    )
                };
                match table.mode.unwrap_or(BracketMode::WholeAmount) {
                    BracketMode::WholeAmount => {
                        // The volume reached before this payment sets its rate:
                        // a new partner's first sale earns the starting rate.
                        let bracket = find_bracket(&table.brackets, before);
                        let rate = bracket.map_or(Decimal::ZERO, |b| b.rate.0);
                        let text = format!(
                            "rate: {}% from bracket {} ({}, whole amount)",
                            rate.normalize(),
                            bracket.map(|b| bracket_text(b, &unit)).unwrap_or_default(),
                            metric_text(before, "before this payment")
                        );
                        (Exact::from_decimal(rate), text)
                    }
                    BracketMode::Retroactive => {
                        // Reaching a bracket re-rates the whole trailing period, this payment included.
                        let bracket = find_bracket(&table.brackets, after);
                        let rate = bracket.map_or(Decimal::ZERO, |b| b.rate.0);
                        let text = format!(
                            "rate: {}% from bracket {} ({}, retroactive)",
                            rate.normalize(),
                            bracket.map(|b| bracket_text(b, &unit)).unwrap_or_default(),
                            metric_text(after, "with this payment")
                        );
                        extra = self.retroactive_top_ups(r, partner, date, from, rate);
                        (Exact::from_decimal(rate), text)
                    }
                    BracketMode::Marginal => {
                        // Each part of the payment at the rate of the bracket it
                        // falls in; the effective rate is kept as a fraction.
                        let mut commission = Exact::zero();
                        let mut parts = Vec::new();
                        for b in &table.brackets {
                            let low = b.low.unwrap_or(Decimal::MIN).max(before);
                            let high = b.high.unwrap_or(Decimal::MAX).min(after);
                            if high > low {
                                let part = high - low;
                                commission =
                                    commission.add(&Exact::percent(part).mul_decimal(b.rate.0));
                                parts.push(format!("{part} at {}", b.rate));
                            }
                        }
                        let rate = commission
                            .mul_decimal(Decimal::ONE_HUNDRED)
                            .div(&Exact::from_decimal(base))
                            .unwrap_or_else(Exact::zero);
                        let text = format!(
                            "rate: marginal over brackets ({}): {} = {}% effective",
                            metric_text(after, "with this payment"),
                            parts.join(" + "),
                            rate.to_decimal().round_dp(4).normalize()
                        );
                        (rate, text)
                    }
                }
            }
        };
        for u in &rule.uplifts {
            if self.condition_holds(&u.condition, partner, date) {
                rate = rate.add(&Exact::from_decimal(u.amount.0));
                text.push_str(&format!(
                    " + {} uplift ({})",
                    u.amount,
                    describe_condition(&u.condition)
                ));
            }
        }
        if let Some((low, high, _)) = rule.bounds {
            if rate > Exact::from_decimal(high.0) {
                rate = Exact::from_decimal(high.0);
                text.push_str(&format!(", capped at the upper bound {high}"));
            } else if rate < Exact::from_decimal(low.0) {
                rate = Exact::from_decimal(low.0);
                text.push_str(&format!(", raised to the lower bound {low}"));
            }
        }
        (Some(rate), text, extra)
    }

    /// Tops up the partner's earlier payments under rule `r` in the trailing
    /// period to `rate`; each top-up joins its invoice's running total.
    fn retroactive_top_ups(
        &mut self,
        r: usize,
        partner: PartnerId,
        date: NaiveDate,
        from: NaiveDate,
        rate: Decimal,
    ) -> Vec<Payout> {
        let mut top_ups = Vec::new();
        let entries: Vec<(
            usize,
            Decimal,
            Decimal,
            Decimal,
            CustomerId,
            InvoiceId,
            NaiveDate,
        )> = self.profiles[partner.0 as usize]
            .ledger
            .iter()
            .enumerate()
            .filter(|(_, e)| e.rule == r && e.date > from && e.date <= date && e.rate < rate)
            .map(|(i, e)| (i, e.base, e.rate, e.share, e.customer, e.invoice, e.date))
            .collect();
        let schedule = self.schedule(r);
        for (i, base, old, share, customer, invoice, paid_on) in entries {
            let raw = Exact::percent(base)
                .mul_decimal(rate - old)
                .mul_decimal(share);
            let Some(settlement) =
                self.account(invoice, partner, r, Decimal::ZERO, |account, rounding| {
                    account.earn(&raw, rounding)
                })
            else {
                continue;
            };
            let value = settlement.amount;
            self.profiles[partner.0 as usize].ledger[i].rate = rate;
            let invoice_date = self.invoices[invoice.0 as usize]
                .as_ref()
                .map_or(date, |x| x.date);
            let (due, due_text) = self.due(schedule, date, invoice_date);
            let rule = &self.program.commissions[r];
            let explain = vec![
                format!("rule `{}` ({}), retroactive brackets", rule.name.name, self.locations[r]),
                format!("the bracket rate rose to {}% on {date}: the payment of {base} on {paid_on}, paid at {}%, is re-rated", rate.normalize(), old.normalize()),
                format!(
                    "amount: {base} × ({}% − {}%){} = {raw}; {} ({})",
                    rate.normalize(),
                    old.normalize(),
                    if share < Decimal::ONE {
                        format!(" × {}", share.normalize())
                    } else {
                        String::new()
                    },
                    settlement.describe(&self.currency),
                    self.rounding.describe()
                ),
                due_text,
            ];
            let payout = self.make_payout(
                partner,
                Some(customer),
                Some(invoice),
                rule.name.name.clone(),
                base,
                Some(rate - old),
                value,
                date,
                due,
                self.settlement(r),
                explain,
            );
            top_ups.push(payout);
        }
        top_ups
    }

    pub(crate) fn metric_value(
        &self,
        partner: PartnerId,
        metric: &Metric,
        date: NaiveDate,
    ) -> Decimal {
        let profile = &self.profiles[partner.0 as usize];
        let from = metric.trailing.before(date, &self.program.holidays);
        match metric.kind {
            MetricKind::Sales => profile.sales_between(from, date),
            MetricKind::Orders => Decimal::from(
                profile
                    .orders
                    .iter()
                    .filter(|d| **d > from && **d <= date)
                    .count(),
            ),
            MetricKind::Customers => Decimal::from(
                profile
                    .claims
                    .iter()
                    .filter(|d| **d > from && **d <= date)
                    .count(),
            ),
        }
    }

    pub(crate) fn condition_holds(
        &self,
        condition: &Condition,
        partner: PartnerId,
        date: NaiveDate,
    ) -> bool {
        match condition {
            Condition::Staff {
                qualification,
                comparator,
                count,
            } => compare(
                Decimal::from(
                    self.profiles[partner.0 as usize].staff_at(&qualification.name, date),
                ),
                *comparator,
                Decimal::from(*count),
            ),
            Condition::Metric {
                metric,
                comparator,
                threshold,
            } => compare(
                self.metric_value(partner, metric, date),
                *comparator,
                *threshold,
            ),
            Condition::Elected { benefit } => {
                let profile = &self.profiles[partner.0 as usize];
                profile
                    .elected
                    .iter()
                    .any(|b| self.program.benefits[*b].name.name == benefit.name)
            }
        }
    }

    /// The bonuses the partner earns after a payment of one of its customers
    /// (`index`, the payment event). LANGUAGE.md §4, Bonuses: like a
    /// commission, a bonus needs the partner in its scope and the program's
    /// requirements and its track's or module's met.
    fn bonuses(&mut self, partner: PartnerId, date: NaiveDate, index: u32) {
        let program = self.program;
        for (b, bonus) in program.bonuses.iter().enumerate() {
            if !self.in_scope(&bonus.scope, partner, date) {
                continue;
            }
            let profile = &self.profiles[partner.0 as usize];
            let already = match bonus.frequency {
                BonusFrequency::Once => profile.bonuses_paid.iter().any(|(x, _)| *x == b),
                BonusFrequency::OncePerYear => profile
                    .bonuses_paid
                    .iter()
                    .any(|(x, y)| *x == b && *y == date.year()),
            };
            if already || !self.condition_holds(&bonus.condition, partner, date) {
                continue;
            }
            if let Some(why) = self.unmet_requirements(&bonus.scope, partner, date) {
                // Keyed apart from the commissions' S0302 (whose third part is 0).
                let pname = self.partner_name(partner).to_string();
                let location = self.event_location(index);
                self.report_once(
                    (partner.0, b as u32, 1),
                    Finding::new(
                        FindingCode::RequirementNotMet,
                        format!(
                            "`{pname}` earns nothing from bonus `{}` on {date}: {why}",
                            bonus.name.name
                        ),
                    )
                    .partner(pname)
                    .rule(bonus.span)
                    .event(location),
                );
                continue;
            }
            self.profiles[partner.0 as usize]
                .bonuses_paid
                .push((b, date.year()));
            let schedule = program
                .payouts
                .iter()
                .find(|p| p.scope == bonus.scope)
                .or_else(|| program.payouts.iter().find(|p| p.scope == Scope::Program));
            let (due, due_text) = self.due(schedule, date, date);
            let value = self.rounding.round_decimal(bonus.amount.amount);
            let explain = vec![
                format!(
                    "bonus `{}` ({}): {} {} when {}",
                    bonus.name.name,
                    self.bonus_locations[b],
                    match bonus.frequency {
                        BonusFrequency::Once => "once",
                        BonusFrequency::OncePerYear => "once per year",
                    },
                    bonus.amount,
                    describe_condition(&bonus.condition)
                ),
                format!("condition met on {date}"),
                due_text,
            ];
            self.push_payout(
                partner,
                None,
                None,
                bonus.name.name.clone(),
                bonus.amount.amount,
                None,
                value,
                date,
                due,
                "transfer",
                explain,
            );
        }
    }

    /// A payment or refund names an invoice no event issued (an error finding, once per invoice).
    fn unknown_invoice(&mut self, invoice: InvoiceId, what: &str, date: NaiveDate, index: u32) {
        let name = self.scenario.names.invoice(invoice).to_string();
        let location = self.event_location(index);
        self.report_once(
            (invoice.0, 0, 0),
            Finding::new(
                FindingCode::UnknownInvoice,
                format!("a {what} names invoice `{name}`, which no invoice event issued (before {date})"),
            )
            .event(location),
        );
    }

    /// A refund takes back the same share of every commission on the invoice:
    /// refunded / paid (LANGUAGE.md §4, "Refunds").
    fn refund(&mut self, invoice: InvoiceId, amount: Decimal, date: NaiveDate, index: u32) {
        if self.invoices[invoice.0 as usize].is_none() {
            self.unknown_invoice(invoice, "refund", date, index);
            return;
        }
        let Some(inv) = self.invoices[invoice.0 as usize].as_mut() else {
            return;
        };
        if inv.ignored {
            return;
        }
        let paid_before = inv.paid - inv.refunded;
        let refunded = amount.min(paid_before.max(Decimal::ZERO));
        inv.refunded += refunded;
        let customer = inv.customer;
        let last_payment = inv.last_payment.map(|(d, _)| d);
        let inv_name = self.scenario.names.invoice(invoice).to_string();
        if amount > paid_before {
            let location = self.event_location(index);
            self.findings.push(
                Finding::new(
                    FindingCode::RefundExceedsPayments,
                    format!("the refund of {amount} on invoice `{inv_name}` exceeds the {paid_before} paid on it; {refunded} is refunded"),
                )
                .customer(self.customer_name(customer).to_string())
                .event(location),
            );
        }
        // The refund counts for `count refunds` whatever it takes back.
        for (claim, _) in self.owners(customer, date) {
            self.profiles[claim.partner.0 as usize]
                .counted
                .refunds
                .push(date);
        }
        let Some(share) = Exact::from_decimal(refunded).div(&Exact::from_decimal(paid_before))
        else {
            return;
        };
        if refunded.is_zero() {
            return;
        }
        for (claim, _) in self.owners(customer, date) {
            self.profiles[claim.partner.0 as usize].add_sale(date, -refunded);
        }
        let program = self.program;
        let count = self.invoices[invoice.0 as usize]
            .as_ref()
            .map_or(0, |inv| inv.commissions.len());
        for k in 0..count {
            let Some((partner, r, before)) = self.invoices[invoice.0 as usize]
                .as_ref()
                .and_then(|inv| inv.commissions.get(k))
                .map(|c| (c.partner, c.rule, c.account.refundable()))
            else {
                continue;
            };
            if before.is_zero() {
                continue;
            }
            let rule = &program.commissions[r];
            let outside = match (&rule.clawback, last_payment) {
                (Some(clawback), Some(last)) => clawback
                    .within
                    .is_some_and(|within| date > within.after(last, &program.holidays)),
                (Some(_), None) | (None, _) => false,
            };
            let rounding = self.rounding;
            let Some(c) = self.invoices[invoice.0 as usize]
                .as_mut()
                .and_then(|inv| inv.commissions.get_mut(k))
            else {
                continue;
            };
            if outside {
                // The commission on the refunded share is kept for good.
                c.account.keep(&share);
                continue;
            }
            let (taken, settlement) = c.account.claw_back(&share, rounding);
            let value = settlement.amount;
            if value.is_zero() {
                continue;
            }
            let schedule = self.schedule(r);
            let (due, due_text) = self.due(schedule, date, date);
            let explain = vec![
                format!("rule `{}` ({}): clawback on refund", rule.name.name, self.locations[r]),
                format!(
                    "refund of {refunded} {} on {date} on invoice `{inv_name}`, of the {paid_before} {} paid on it",
                    self.currency, self.currency
                ),
                format!(
                    "amount: −{before} commission × {refunded} refunded / {paid_before} paid = −{taken}; {} ({})",
                    settlement.describe(&self.currency),
                    self.rounding.describe()
                ),
                due_text,
            ];
            // The clawback's rate on the refunded amount: the commission per unit paid.
            let rate = taken
                .mul_decimal(Decimal::ONE_HUNDRED)
                .div(&Exact::from_decimal(refunded))
                .map(|x| x.to_decimal().round_dp(4).normalize());
            self.push_payout(
                partner,
                Some(customer),
                Some(invoice),
                rule.name.name.clone(),
                -refunded,
                rate,
                value,
                date,
                due,
                self.settlement(r),
                explain,
            );
        }
    }

    // ------------------------------------------------------------ timing and money

    fn schedule(&self, r: usize) -> Option<&'a PayoutSchedule> {
        self.program.schedule_of(&self.program.commissions[r])
    }

    /// How rule `r` is settled (LANGUAGE.md §3, `commission`): see
    /// [`Program::settlement_of`].
    fn settlement_of(&self, r: usize) -> Settlement {
        self.program.settlement_of(&self.program.commissions[r])
    }

    fn settlement(&self, r: usize) -> &'static str {
        self.settlement_of(r).as_str()
    }

    fn due(
        &self,
        schedule: Option<&PayoutSchedule>,
        earned: NaiveDate,
        invoice_date: NaiveDate,
    ) -> (NaiveDate, String) {
        let holidays = &self.program.holidays;
        let Some(schedule) = schedule else {
            return (
                earned,
                "due: the policy sets no payout timing, so it is due when earned".to_string(),
            );
        };
        let (held, hold_text) = match schedule.hold {
            Some(h) => (h.after(earned, holidays), format!(" after a hold of {h}")),
            None => (earned, String::new()),
        };
        match &schedule.timing {
            PayoutTiming::Within {
                delay,
                full,
                anchor,
            } => {
                let (from, what) = match anchor {
                    PayoutAnchor::Invoice => (invoice_date.max(held), "the invoice"),
                    PayoutAnchor::Payment | PayoutAnchor::Collection if *full => {
                        (held, "the full payment")
                    }
                    PayoutAnchor::Payment | PayoutAnchor::Collection => (held, "the payment"),
                };
                let due = delay.after(from, holidays);
                (
                    due,
                    format!("due: within {delay} after {what} on {from}{hold_text} → {due}"),
                )
            }
            PayoutTiming::MonthlyStatement { week, .. } => {
                let (year, month) = if held.month() == 12 {
                    (held.year() + 1, 1)
                } else {
                    (held.year(), held.month() + 1)
                };
                let day = (week * 7).min(28);
                let due = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(held);
                (
                    due,
                    format!(
                        "due: on the statement of {}-{:02}{hold_text}, paid in week {week} of the next month → by {due}",
                        held.year(),
                        held.month()
                    ),
                )
            }
            PayoutTiming::NettedAtSource => (earned, format!("due: netted at source on {earned}")),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_payout(
        &self,
        partner: PartnerId,
        customer: Option<CustomerId>,
        invoice: Option<InvoiceId>,
        rule: String,
        base: Decimal,
        rate: Option<Decimal>,
        amount: Decimal,
        earned: NaiveDate,
        due: NaiveDate,
        settlement: &'static str,
        explain: Vec<String>,
    ) -> Payout {
        Payout {
            id: String::new(),
            partner: self.partner_name(partner).to_string(),
            customer: customer.map(|c| self.customer_name(c).to_string()),
            invoice: invoice.map(|i| self.scenario.names.invoice(i).to_string()),
            rule,
            base,
            rate: rate.map(|r| r.normalize()),
            amount,
            currency: self.currency.clone(),
            earned,
            due,
            settlement,
            explain,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_payout(
        &mut self,
        partner: PartnerId,
        customer: Option<CustomerId>,
        invoice: Option<InvoiceId>,
        rule: String,
        base: Decimal,
        rate: Option<Decimal>,
        amount: Decimal,
        earned: NaiveDate,
        due: NaiveDate,
        settlement: &'static str,
        explain: Vec<String>,
    ) {
        let payout = self.make_payout(
            partner, customer, invoice, rule, base, rate, amount, earned, due, settlement, explain,
        );
        self.payouts.push(payout);
    }

    fn finish(mut self, as_of: NaiveDate) -> SimResult {
        // Invoices whose commission still waits for the full payment.
        for (i, inv) in self.invoices.iter().enumerate() {
            let Some(inv) = inv else { continue };
            if inv.ignored
                || inv.paid.is_zero()
                || inv.paid - inv.refunded >= inv.amount
                || !inv.full_paid.is_empty()
            {
                continue;
            }
            let waits = self.program.commissions.iter().enumerate().any(|(r, _)| {
                matches!(
                    self.schedule(r),
                    Some(PayoutSchedule {
                        timing: PayoutTiming::Within { full: true, .. },
                        ..
                    })
                )
            });
            if waits && !self.owners(inv.customer, as_of).is_empty() {
                let name = self
                    .scenario
                    .names
                    .invoice(InvoiceId(u32::try_from(i).unwrap_or(0)))
                    .to_string();
                self.findings.push(
                    Finding::new(
                        FindingCode::PendingFullPayment,
                        format!(
                            "invoice `{name}` of {} {} is paid {} so far; its commission is earned when it is paid in full",
                            inv.amount,
                            self.currency,
                            inv.paid - inv.refunded
                        ),
                    )
                    .customer(self.customer_name(inv.customer).to_string()),
                );
            }
        }
        let mut standings = Vec::new();
        let mut totals = Vec::new();
        for index in 0..self.profiles.len() {
            if !self.profiles[index].declared {
                continue;
            }
            let id = PartnerId(u32::try_from(index).unwrap_or(u32::MAX));
            let tier = self.standing_at(id, as_of);
            standings.push(Standing {
                partner: self.profiles[index].name.clone(),
                tier: tier.map(|t| self.program.tiers[t].name.name.clone()),
            });
        }
        self.explain_standings(as_of);
        let mut sums: Vec<Decimal> = vec![Decimal::ZERO; self.profiles.len()];
        let index_of: HashMap<&str, usize> = self
            .profiles
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        for (n, payout) in self.payouts.iter_mut().enumerate() {
            payout.id = format!("P{}", n + 1);
            if let Some(&i) = index_of.get(payout.partner.as_str()) {
                sums[i] += payout.amount;
            }
        }
        for (i, profile) in self.profiles.iter().enumerate() {
            if profile.declared {
                let mut amount = sums[i];
                amount.rescale(self.rounding.scale);
                totals.push(Total {
                    partner: profile.name.clone(),
                    currency: self.currency.clone(),
                    amount,
                });
            }
        }
        SimResult {
            as_of,
            payouts: self.payouts,
            totals,
            standings,
            findings: self.findings,
        }
    }
}

pub(crate) fn compare(value: Decimal, comparator: Comparator, threshold: Decimal) -> bool {
    match comparator {
        Comparator::Ge => value >= threshold,
        Comparator::Gt => value > threshold,
        Comparator::Le => value <= threshold,
        Comparator::Lt => value < threshold,
        Comparator::Eq => value == threshold,
    }
}

fn find_bracket(brackets: &[Bracket], value: Decimal) -> Option<&Bracket> {
    brackets
        .iter()
        .find(|b| b.low.is_none_or(|l| value >= l) && b.high.is_none_or(|h| value < h))
}

fn bracket_text(b: &Bracket, unit: &str) -> String {
    match (b.low, b.high) {
        (None, Some(h)) => format!("below {h}{unit}"),
        (Some(l), Some(h)) => format!("{l}{unit} to {h}{unit}"),
        (Some(l), None) => format!("from {l}{unit}"),
        (None, None) => "any".to_string(),
    }
}

fn metric_name(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Sales => "sales",
        MetricKind::Orders => "orders",
        MetricKind::Customers => "customers",
    }
}

pub(crate) fn describe_condition(c: &Condition) -> String {
    match c {
        Condition::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "staff {} {} {count}",
            qualification.name,
            comparator.as_str()
        ),
        Condition::Metric {
            metric,
            comparator,
            threshold,
        } => format!(
            "{} over trailing {} {} {threshold}",
            metric_name(metric.kind),
            metric.trailing,
            comparator.as_str()
        ),
        Condition::Elected { benefit } => format!("elected {}", benefit.name),
    }
}

fn describe_rule(rule: &CommissionRule) -> String {
    let rate = match &rule.rate {
        RateSpec::Flat { rate } => rate.to_string(),
        RateSpec::ByTier { .. } => "a rate by tier".to_string(),
        RateSpec::Brackets { table } => format!(
            "a rate by {} over trailing {}",
            metric_name(table.metric.kind),
            table.metric.trailing
        ),
    };
    let base = match rule.base.kind {
        BaseKind::Payments => "payments",
        BaseKind::Invoices => "invoices",
    };
    let invoices = match rule.base.invoices {
        InvoiceFilter::Any => "",
        InvoiceFilter::New => " on new invoices",
        InvoiceFilter::Renewal => " on renewal invoices",
    };
    let collected = match rule.base.collected_by {
        Some(Collector::Vendor) => " collected by the vendor",
        Some(Collector::Partner) => " collected by the partner",
        None => "",
    };
    let window = match &rule.window {
        WindowSpec::Within { length, anchor } => {
            format!(", within {length} from {}", anchor.as_str())
        }
        WindowSpec::Lifetime => ", for lifetime".to_string(),
        WindowSpec::WhileContractActive => ", while the contract is active".to_string(),
        WindowSpec::WhileCustomerPays => ", while the customer pays".to_string(),
        WindowSpec::Unbounded => String::new(),
    };
    format!("{rate} of {base}{invoices}{collected}{window}")
}

fn list_hint<'x>(names: impl Iterator<Item = &'x str>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        " (it defines none)".to_string()
    } else {
        format!(" (it defines {})", list.join(", "))
    }
}

fn entity_name(e: Entity) -> &'static str {
    static_entity(e.as_str())
}

fn static_entity(name: &str) -> &'static str {
    match name {
        "sole_proprietor" => "sole_proprietor",
        "self_employed" => "self_employed",
        "individual" => "individual",
        _ => "company",
    }
}

/// Within one day, facts a payment depends on come first: contacts and claims,
/// then orders and invoices, then payments and refunds. Otherwise input order.
fn same_day_rank(kind: &Ev) -> u8 {
    match kind {
        Ev::VendorContact { .. } => 0,
        Ev::Referral { .. }
        | Ev::Registration { .. }
        | Ev::Attachment { .. }
        | Ev::Activity { .. }
        | Ev::Staff { .. }
        | Ev::Invitation { .. } => 1,
        Ev::Order { .. } => 2,
        Ev::Invoice { .. } => 3,
        Ev::Payment { .. } => 4,
        Ev::Refund { .. } => 5,
        Ev::Notice { .. } => 6,
    }
}

/// The sum of a dated ledger with running sums over the window `(from, to]`.
fn sum_between(
    ledger: &[(NaiveDate, Decimal, Decimal)],
    from: NaiveDate,
    to: NaiveDate,
) -> Decimal {
    let end = ledger.partition_point(|(d, _, _)| *d <= to);
    let start = ledger.partition_point(|(d, _, _)| *d <= from);
    let cum = |i: usize| {
        if i == 0 {
            Decimal::ZERO
        } else {
            ledger[i - 1].2
        }
    };
    cum(end) - cum(start)
}
