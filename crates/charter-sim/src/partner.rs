//! Partners as the engine sees them: what is fixed for a run (the scenario's
//! partner merged with its roster entry, names resolved to ids) and what
//! accumulates while events are replayed (sales, counts, the commission
//! ledger). Both are per partner: no partner's state reads another's.

use crate::attribution::OwnedSpan;
use crate::findings::{Finding, FindingCode};
use crate::money::Account;
use crate::plan::{BenefitId, Member, ModuleId, Plan, QualId, TierId, TrackId};
use charter_scenario::{CustomerId, Entity, InvoiceId, PartnerId, Scenario, Symbol};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What is fixed for a run about one partner.
pub(crate) struct PartnerStatic {
    pub declared: bool,
    pub track: Option<TrackId>,
    /// The track a claim made it take (S0206): from the claim's position in
    /// the replay on (`(seq, track)`), for a partner without one.
    pub assumed: std::sync::OnceLock<(u32, TrackId)>,
    pub modules: Vec<ModuleId>,
    pub granted_tier: Option<TierId>,
    pub entity: Entity,
    pub contract: bool,
    pub elected: Vec<BenefitId>,
    /// Head count per qualification at the start.
    pub staff: Vec<(QualId, u32)>,
    /// Whether the scenario or roster says anything of the partner's staff.
    pub staff_given: bool,
    pub revenue_target: Option<Decimal>,
    pub joined: Option<NaiveDate>,
    /// The customers that are the partner's own accounts (`no self_referral`).
    pub accounts: Vec<charter_scenario::CustomerId>,
}

impl PartnerStatic {
    /// The partner's track at a point of the replay.
    pub fn track_at(&self, seq: u32) -> Option<TrackId> {
        self.track.or_else(|| {
            self.assumed
                .get()
                .filter(|(from, _)| *from <= seq)
                .map(|x| x.1)
        })
    }

    pub fn in_track(&self, track: TrackId, seq: u32) -> bool {
        self.track_at(seq) == Some(track)
    }

    pub fn holds_module(&self, module: ModuleId) -> bool {
        self.modules.contains(&module)
    }

    pub fn is_member(&self, m: Member, seq: u32) -> bool {
        match m {
            Member::Track(t) => self.in_track(t, seq),
            Member::Module(x) => self.holds_module(x),
            Member::Unknown => false,
        }
    }
}

/// Dates of the events `require count` counts for a partner that no other
/// field keeps (LANGUAGE.md §3 `require`, "What each event counts").
#[derive(Default)]
pub(crate) struct Counted {
    pub vendor_contacts: Vec<NaiveDate>,
    pub attachments: Vec<NaiveDate>,
    pub payments: Vec<NaiveDate>,
    pub refunds: Vec<NaiveDate>,
    pub notices: Vec<NaiveDate>,
    pub invitations: Vec<NaiveDate>,
}

/// One earlier commission, for retroactive brackets.
pub(crate) struct LedgerEntry {
    pub rule: u16,
    pub date: NaiveDate,
    pub base: Decimal,
    pub rate: Decimal,
    pub share: Decimal,
    pub customer: CustomerId,
    pub invoice: InvoiceId,
    pub invoice_date: NaiveDate,
}

/// One commission's earnings for the partner on one invoice.
pub(crate) struct InvoiceCommission {
    pub rule: u16,
    pub base: Decimal,
    pub account: Account,
    /// The attribution path of its latest earning (`balances.rs`).
    pub path: Option<charter_ir::AttributionMethod>,
}

/// The partner's commissions on one invoice.
#[derive(Default)]
pub(crate) struct InvoiceBook {
    /// Almost always one rule per invoice: kept inline, no allocation.
    pub commissions: smallvec::SmallVec<[InvoiceCommission; 1]>,
}

/// What accumulates for one partner while its events are replayed.
#[derive(Default)]
pub(crate) struct PartnerState {
    /// Commissions cut back unless a tier is reached (`cutback.rs`).
    pub cut_backs: crate::cutback::CutBacks,
    pub staff_changes: Vec<(NaiveDate, QualId, u32)>,
    /// Staff events with a qualification nothing counts (they still say the staff is known).
    pub staff_events: bool,
    pub contract_end: Option<NaiveDate>,
    pub invitations: Vec<(NaiveDate, TierId)>,
    pub activities: Vec<(NaiveDate, Symbol)>,
    /// Payments (positive) and refunds (negative) on the partner's customers, by date, with running sums.
    pub sales: Vec<(NaiveDate, Decimal)>,
    pub sales_sum: Vec<Decimal>,
    /// Invoices issued to the partner's customers, by date, with running sums (revenue).
    pub invoiced: Vec<(NaiveDate, Decimal)>,
    pub invoiced_sum: Vec<Decimal>,
    /// Beside `invoiced`: the date of each invoice's customer's first invoice
    /// (`revenue from new customers`, `points … per new customer`).
    pub invoiced_first: Vec<NaiveDate>,
    pub orders: Vec<NaiveDate>,
    /// Customers first invoiced while the partner owned them, by that date
    /// (`points … per new customer`).
    pub won: Vec<(NaiveDate, CustomerId)>,
    /// When it owns each customer it claimed, as the latest claims say (the
    /// `customers` metric).
    pub owned: BTreeMap<CustomerId, Vec<OwnedSpan>>,
    /// Referrals made: (customer, date).
    pub referrals: Vec<(CustomerId, NaiveDate)>,
    /// First orders of customers it referred: (customer, date).
    pub referred_orders: Vec<(CustomerId, NaiveDate)>,
    pub registrations: Vec<NaiveDate>,
    pub counted: Counted,
    pub ledger: Vec<LedgerEntry>,
    pub bonuses_paid: Vec<(u16, i32)>,
    /// The partner's commissions, per invoice it earned on.
    pub books: BTreeMap<InvoiceId, InvoiceBook>,
    /// Its customers' recurring revenue (`managed mrr`, `sold mrr`).
    pub mrr: crate::mrr::MrrBook,
    /// Customers a commission `per new customer` has paid for: (rule, customer).
    pub new_customers_paid: std::collections::BTreeSet<(u16, CustomerId)>,
    /// What each cap of a capped rule has let through, per period:
    /// (rule, cap, first day of the period).
    pub caps_used: BTreeMap<(u16, u8, NaiveDate), crate::caps::CapUsed>,
}

impl PartnerState {
    pub fn staff_known(&self, stat: &PartnerStatic) -> bool {
        stat.staff_given || self.staff_events
    }

    pub fn staff_at(&self, stat: &PartnerStatic, q: QualId, date: NaiveDate) -> u32 {
        let mut count = stat
            .staff
            .iter()
            .find(|(x, _)| *x == q)
            .map_or(0, |(_, n)| *n);
        for (d, x, n) in &self.staff_changes {
            if *d <= date && *x == q {
                count = *n;
            }
        }
        count
    }

    pub fn add_sale(&mut self, date: NaiveDate, amount: Decimal) {
        let running = self.sales_sum.last().copied().unwrap_or(Decimal::ZERO) + amount;
        self.sales.push((date, amount));
        self.sales_sum.push(running);
    }

    pub fn add_invoiced(&mut self, date: NaiveDate, amount: Decimal, first_invoice: NaiveDate) {
        let running = self.invoiced_sum.last().copied().unwrap_or(Decimal::ZERO) + amount;
        self.invoiced.push((date, amount));
        self.invoiced_sum.push(running);
        self.invoiced_first.push(first_invoice);
    }

    /// Sales (payments less refunds) in the window `(from, to]`.
    pub fn sales_between(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
        sum_between(&self.sales, &self.sales_sum, from, to)
    }

    /// Revenue (invoiced value) in the window `(from, to]`.
    pub fn invoiced_between(&self, from: NaiveDate, to: NaiveDate) -> Decimal {
        sum_between(&self.invoiced, &self.invoiced_sum, from, to)
    }
}

/// The sum of a dated ledger with running sums over the window `(from, to]`.
fn sum_between(
    ledger: &[(NaiveDate, Decimal)],
    sums: &[Decimal],
    from: NaiveDate,
    to: NaiveDate,
) -> Decimal {
    let end = ledger.partition_point(|(d, _)| *d <= to);
    let start = ledger.partition_point(|(d, _)| *d <= from);
    let cum = |i: usize| if i == 0 { Decimal::ZERO } else { sums[i - 1] };
    cum(end) - cum(start)
}

/// Every partner's fixed facts, with the findings about them (unknown
/// tracks, modules, tiers, benefits and qualifications, entities the program
/// does not admit, conflicting elections).
pub(crate) fn build(plan: &Plan, scenario: &Scenario) -> (Vec<PartnerStatic>, Vec<Finding>) {
    let program = plan.program;
    let names = &scenario.names;
    let mut findings = Vec::new();
    let mut out = Vec::with_capacity(names.partner_count());
    for index in 0..names.partner_count() {
        let id = PartnerId(u32::try_from(index).unwrap_or(u32::MAX));
        let name = names.partner(id);
        let declared = names.partner_is_declared(id);
        let partner = scenario.partner(id).filter(|_| declared);
        let mut p = PartnerStatic {
            declared,
            track: None,
            assumed: std::sync::OnceLock::new(),
            modules: Vec::new(),
            granted_tier: None,
            entity: Entity::Company,
            contract: true,
            elected: Vec::new(),
            staff: Vec::new(),
            staff_given: false,
            revenue_target: None,
            joined: None,
            accounts: Vec::new(),
        };
        let set_staff = |p: &mut PartnerStatic, q: QualId, n: u32| match p
            .staff
            .iter_mut()
            .find(|(x, _)| *x == q)
        {
            Some(slot) => slot.1 = n,
            None => p.staff.push((q, n)),
        };
        // The roster entry gives defaults; the scenario's own data wins.
        if let Some(r) = plan.index.roster(name) {
            p.track = r.track.as_ref().and_then(|t| plan.track_id(&t.name));
            p.modules = r
                .modules
                .iter()
                .filter_map(|m| plan.module_id(&m.name))
                .collect();
            p.granted_tier = r.tier.as_ref().and_then(|t| plan.tier_id(&t.name));
            if let Some(e) = r.entity.as_ref().and_then(|e| Entity::from_name(&e.name)) {
                p.entity = e;
            }
            if let Some(c) = r.contract {
                p.contract = c;
            }
            p.elected = r
                .elected
                .iter()
                .filter_map(|b| plan.benefit_id(&b.name))
                .collect();
            p.staff_given = !r.staff.is_empty();
            for (q, n) in &r.staff {
                if let Some(q) = plan.qualification(&q.name) {
                    set_staff(&mut p, q, *n);
                }
            }
            p.revenue_target = r.revenue_target.as_ref().map(|m| m.amount);
            p.joined = r.joined;
        }
        if let Some(sp) = partner {
            // Partners come from their own file when one was given.
            let file =
                (scenario.source.partners_file.as_deref()).unwrap_or(&scenario.source.events_file);
            let location = format!("{file}:{}", sp.line);
            let mut report = |code: FindingCode, message: String| {
                findings.push(Finding::new(code, message).partner(name).event(&location));
            };
            if let Some(track) = &sp.track {
                match plan.track_id(track) {
                    Some(t) => p.track = Some(t),
                    None => report(
                        FindingCode::UnknownTrack,
                        format!(
                            "partner `{name}` is in track `{track}`, which the policy does not define{}",
                            list_hint(program.tracks.iter().map(|t| t.name.name.as_str()))
                        ),
                    ),
                }
            }
            if !sp.modules.is_empty() {
                p.modules.clear();
            }
            for m in &sp.modules {
                match plan.module_id(m) {
                    Some(i) => p.modules.push(i),
                    None => report(
                        FindingCode::UnknownModule,
                        format!(
                            "partner `{name}` holds module `{m}`, which the policy does not define{}",
                            list_hint(program.modules.iter().map(|t| t.name.name.as_str()))
                        ),
                    ),
                }
            }
            if let Some(tier) = &sp.tier {
                match plan.tier_id(tier) {
                    Some(t) => p.granted_tier = Some(t),
                    None => report(
                        FindingCode::UnknownTier,
                        format!(
                            "partner `{name}` is granted tier `{tier}`, which the policy does not define{}",
                            list_hint(program.tiers.iter().map(|t| t.name.name.as_str()))
                        ),
                    ),
                }
            }
            p.entity = sp.entity;
            p.contract = sp.contract;
            // Accounts no event names cannot be claimed: nothing to refuse.
            p.accounts = sp
                .accounts
                .iter()
                .filter_map(|c| names.find_customer(c))
                .collect();
            if !sp.elected.is_empty() {
                p.elected.clear();
            }
            for b in &sp.elected {
                match plan.benefit_id(b) {
                    Some(i) => p.elected.push(i),
                    None => report(
                        FindingCode::UnknownBenefit,
                        format!("partner `{name}` elected benefit `{b}`, which the policy does not define"),
                    ),
                }
            }
            if !sp.staff.is_empty() {
                p.staff_given = true;
            }
            for (q, n) in &sp.staff {
                if let Some(qid) = plan.qualification(q) {
                    set_staff(&mut p, qid, *n);
                }
                if !plan.counted_qualifications().any(|c| c == q) {
                    report(
                        FindingCode::UnknownQualification,
                        format!(
                            "partner `{name}` has staff `{q}`, a qualification the policy does not count (it counts {}); it is ignored",
                            plan.counted_qualifications().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
            if sp.revenue_target.is_some() {
                p.revenue_target = sp.revenue_target;
            }
            if sp.joined.is_some() {
                p.joined = sp.joined;
            }
            // The program may not admit this entity type at all.
            if !plan.entities.is_empty() && plan.entity(p.entity).is_none() {
                report(
                    FindingCode::EntityNotAdmitted,
                    format!(
                        "partner `{name}` is a `{}`, which the program does not admit{}",
                        p.entity.as_str(),
                        list_hint(program.entities.iter().map(|e| e.name.name.as_str()))
                    ),
                );
            }
            // Two elected benefits of one choose-one group: the election is
            // void until resolved, so the partner receives none of them
            // (LANGUAGE.md §4, Conflicting elections).
            let mut void: Vec<BenefitId> = Vec::new();
            let mut chosen_in: BTreeMap<usize, Vec<BenefitId>> = BTreeMap::new();
            for &b in &p.elected {
                let bname = program.benefits[b.0 as usize].name.name.as_str();
                for &g in plan.index.groups_of(bname) {
                    chosen_in.entry(g).or_default().push(b);
                }
            }
            // A group's default goes to a partner electing none of it.
            for (g, group) in program.choose_groups.iter().enumerate() {
                if chosen_in.contains_key(&g) {
                    continue;
                }
                if let Some(b) = group
                    .default
                    .as_ref()
                    .and_then(|d| plan.benefit_id(&d.name))
                {
                    p.elected.push(b);
                }
            }
            for (g, chosen) in chosen_in {
                let group = &program.choose_groups[g];
                if chosen.len() > 1 {
                    void.extend(chosen.iter().copied());
                    findings.push(
                        Finding::new(
                            FindingCode::DualFinancialBenefit,
                            format!(
                                "partner `{name}` elected `{}` together, but the policy lets a partner choose one of {}; until the election is resolved it receives none of them",
                                chosen
                                    .iter()
                                    .map(|b| program.benefits[b.0 as usize].name.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join("` and `"),
                                group
                                    .benefits
                                    .iter()
                                    .map(|b| format!("`{}`", b.name))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                        .partner(name)
                        .rule(group.span)
                        .event(&location),
                    );
                }
            }
            p.elected.retain(|b| !void.contains(b));
        }
        if let Some(finding) = one_module_only(plan, scenario, name, partner, &mut p) {
            findings.push(finding);
        }
        out.push(p);
    }
    (out, findings)
}

/// `modules … { one per partner }`: a partner holding two or more of them
/// holds none until its record is corrected (LANGUAGE.md §4, Conflicting
/// modules), and the finding (S0114) points at the `modules` line and at the
/// record — the scenario's when it gave the modules, else the roster's.
fn one_module_only(
    plan: &Plan,
    scenario: &Scenario,
    name: &str,
    record: Option<&charter_scenario::Partner>,
    p: &mut PartnerStatic,
) -> Option<Finding> {
    let program = &plan.program;
    let mut distinct = p.modules.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if program.modules_several || distinct.len() < 2 {
        return None;
    }
    let held = distinct
        .iter()
        .map(|m| format!("`{}`", program.modules[m.0 as usize].name.name))
        .collect::<Vec<_>>()
        .join(" and ");
    p.modules.clear();
    let mut finding = Finding::new(
        FindingCode::ModulesOnePerPartner,
        format!(
            "partner `{name}` holds modules {held}, but the policy allows one module per partner; until its record is corrected it holds none of them"
        ),
    )
    .partner(name);
    if let Some(span) = program.modules_span {
        finding = finding.rule(span);
    }
    if let Some(sp) = record.filter(|sp| !sp.modules.is_empty()) {
        let file =
            (scenario.source.partners_file.as_deref()).unwrap_or(&scenario.source.events_file);
        finding = finding.event(format!("{file}:{}", sp.line));
    }
    Some(finding)
}

pub(crate) fn list_hint<'x>(names: impl Iterator<Item = &'x str>) -> String {
    let list: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if list.is_empty() {
        " (it defines none)".to_string()
    } else {
        format!(" (it defines {})", list.join(", "))
    }
}
