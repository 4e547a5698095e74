//! Tier standing over time: a partner's tier on a date from what the scenario
//! measures (staff, counted events, revenue, invitations), and the requirement
//! checks that tracks and modules share.

use crate::engine::{compare, Engine};
use crate::findings::{Finding, FindingCode};
use charter_ir::*;
use charter_scenario::{EventType, PartnerId};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Tier names to their rank.
pub(crate) struct TierContext {
    names: HashMap<String, usize>,
}

impl TierContext {
    pub fn new(program: &Program) -> TierContext {
        TierContext {
            names: program
                .tiers
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.name.clone(), i))
                .collect(),
        }
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.get(name).copied()
    }
}

/// The scenario event type a counting word of the IR names: the one place the
/// two vocabularies meet, exhaustive both ways so a new kind on either side
/// fails to compile here rather than counting 0.
pub(crate) fn scenario_type(kind: EventKind) -> EventType {
    match kind {
        EventKind::VendorContact => EventType::VendorContact,
        EventKind::Referral => EventType::Referral,
        EventKind::Registration => EventType::Registration,
        EventKind::Attachment => EventType::Attachment,
        EventKind::Order => EventType::Order,
        EventKind::Invoice => EventType::Invoice,
        EventKind::Payment => EventType::Payment,
        EventKind::Refund => EventType::Refund,
        EventKind::Activity => EventType::Activity,
        EventKind::Notice => EventType::Notice,
        EventKind::Invitation => EventType::Invitation,
    }
}

/// The half-open window `(from, to]` a count period covers on `date`.
fn period_bounds(
    period: Option<&CountPeriod>,
    date: NaiveDate,
    holidays: &[NaiveDate],
) -> NaiveDate {
    let start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt());
    match period {
        None => Some(NaiveDate::MIN),
        Some(CountPeriod::PerYear) => start(date.year(), 1),
        Some(CountPeriod::PerQuarter) => start(date.year(), (date.month0() / 3) * 3 + 1),
        Some(CountPeriod::PerMonth) => start(date.year(), date.month()),
        Some(CountPeriod::Trailing(d)) => Some(d.before(date, holidays)),
    }
    .unwrap_or(NaiveDate::MIN)
}

fn period_text(period: Option<&CountPeriod>) -> String {
    match period {
        None => String::new(),
        Some(CountPeriod::PerYear) => " this calendar year".into(),
        Some(CountPeriod::PerQuarter) => " this quarter".into(),
        Some(CountPeriod::PerMonth) => " this month".into(),
        Some(CountPeriod::Trailing(d)) => format!(" in the last {d}"),
    }
}

impl Engine<'_> {
    /// The partner's tier on a date: granted by the scenario, else the highest tier
    /// whose requirements (and every lower tier's) are met, raised to any tier the
    /// partner was invited to.
    pub(crate) fn standing_at(&self, partner: PartnerId, date: NaiveDate) -> Option<usize> {
        let profile = &self.profiles[partner.0 as usize];
        if let Some(t) = profile.granted_tier {
            return Some(t);
        }
        self.computed_standing(partner, date).0
    }

    /// The computed tier, and an invite-only tier whose requirements were met without an invitation.
    fn computed_standing(
        &self,
        partner: PartnerId,
        date: NaiveDate,
    ) -> (Option<usize>, Option<usize>) {
        let profile = &self.profiles[partner.0 as usize];
        let mut standing = None;
        let mut uninvited = None;
        for (i, tier) in self.program.tiers.iter().enumerate() {
            if tier
                .requirements
                .iter()
                .any(|r| self.requirement_fails(r, partner, date, "").is_some())
            {
                break;
            }
            let invited = profile
                .invitations
                .iter()
                .any(|(d, t)| *d <= date && *t >= i);
            if tier.invite_only.is_some() && !invited {
                uninvited = Some(i);
                break;
            }
            standing = Some(i);
        }
        let invited = profile
            .invitations
            .iter()
            .filter(|(d, _)| *d <= date)
            .map(|(_, t)| *t)
            .max();
        (standing.max(invited), uninvited)
    }

    /// Why the partner has no signed contract, if it has none: the scenario
    /// (or roster) says so, or its entity type is one the program signs no
    /// contract with (`entities … (no contract)`, LANGUAGE.md §3 `program`) —
    /// as `eligible … with contract` reads it.
    fn unsigned(&self, partner: PartnerId) -> Option<String> {
        let profile = &self.profiles[partner.0 as usize];
        if !profile.contract {
            return Some("the partner has no signed contract".to_string());
        }
        let no_contract = self
            .program
            .entities
            .iter()
            .any(|e| e.name.name == profile.entity && e.no_contract.is_some());
        no_contract.then(|| {
            format!(
                "the program signs no contract with `{}` partners",
                profile.entity
            )
        })
    }

    /// Why a partner fails a requirement on a date; `None` when met, assumed met,
    /// or not applicable to the partner (`for` another module).
    pub(crate) fn requirement_fails(
        &self,
        req: &Requirement,
        partner: PartnerId,
        date: NaiveDate,
        _context: &str,
    ) -> Option<String> {
        let program = self.program;
        let profile = &self.profiles[partner.0 as usize];
        if !req.scope.is_empty()
            && !req.scope.iter().any(|s| {
                self.in_scope(&Scope::Track(s.name.clone()), partner, date)
                    || self.in_scope(&Scope::Module(s.name.clone()), partner, date)
            })
        {
            return None;
        }
        match &req.kind {
            RequirementKind::Contract => self.unsigned(partner),
            RequirementKind::Agreement { agreement } => self
                .unsigned(partner)
                .map(|why| format!("agreement `{}` is not signed ({why})", agreement.name)),
            RequirementKind::Staff {
                qualification,
                comparator,
                count,
            } => {
                if !profile.staff_known() {
                    // The scenario says nothing of this partner's staff: assumed met (S0401).
                    return None;
                }
                let n = profile.staff_at(&qualification.name, date);
                (!compare(Decimal::from(n), *comparator, Decimal::from(*count))).then(|| {
                    format!(
                        "it has {n} `{}` staff, and the requirement is {} {count}",
                        qualification.name,
                        comparator.as_str()
                    )
                })
            }
            RequirementKind::Count {
                event,
                activity,
                within_after,
                period,
                comparator,
                count,
            } => {
                let from = period_bounds(period.as_ref(), date, &program.holidays);
                let inside = |d: &NaiveDate| *d > from && *d <= date;
                let dates = |list: &[NaiveDate]| list.iter().filter(|d| inside(d)).count();
                // One vocabulary: the IR's counting word names a scenario event type,
                // and each type counts what it names (LANGUAGE.md §3 `require`).
                let n = match scenario_type(*event) {
                    EventType::Activity => profile
                        .activities
                        .iter()
                        .filter(|(d, k)| {
                            inside(d)
                                && activity
                                    .as_ref()
                                    .is_none_or(|a| self.scenario.names.symbol(*k) == a.name)
                        })
                        .count(),
                    EventType::Referral => {
                        profile.referrals.iter().filter(|(_, d)| inside(d)).count()
                    }
                    EventType::Registration => dates(&profile.registrations),
                    EventType::Order => match within_after {
                        Some((window, EventKind::Referral)) => {
                            let mut customers: Vec<u32> = profile
                                .referrals
                                .iter()
                                .filter(|(c, referred)| {
                                    self.customers[c.0 as usize].first_order.is_some_and(|o| {
                                        o >= *referred
                                            && o <= window.after(*referred, &program.holidays)
                                            && inside(&o)
                                    })
                                })
                                .map(|(c, _)| c.0)
                                .collect();
                            customers.sort_unstable();
                            customers.dedup();
                            customers.len()
                        }
                        None
                        | Some((
                            _,
                            EventKind::VendorContact
                            | EventKind::Registration
                            | EventKind::Attachment
                            | EventKind::Order
                            | EventKind::Invoice
                            | EventKind::Payment
                            | EventKind::Refund
                            | EventKind::Activity
                            | EventKind::Notice
                            | EventKind::Invitation,
                        )) => dates(&profile.orders),
                    },
                    EventType::Invoice => {
                        profile.invoiced.iter().filter(|(d, ..)| inside(d)).count()
                    }
                    EventType::Payment => dates(&profile.counted.payments),
                    EventType::Refund => dates(&profile.counted.refunds),
                    EventType::VendorContact => dates(&profile.counted.vendor_contacts),
                    EventType::Attachment => dates(&profile.counted.attachments),
                    EventType::Notice => dates(&profile.counted.notices),
                    EventType::Invitation => dates(&profile.counted.invitations),
                    // No counting word names a staff event (`scenario_type` never returns it).
                    EventType::Staff => 0,
                };
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                (!compare(Decimal::from(n), *comparator, Decimal::from(*count))).then(|| {
                    format!(
                        "it has {n} {}{}{}{}, and the requirement is {} {count}",
                        event.as_str(),
                        activity
                            .as_ref()
                            .map(|a| format!(" {}", a.name))
                            .unwrap_or_default(),
                        within_after
                            .map(|(w, e)| format!(" within {w} after {}", e.as_str()))
                            .unwrap_or_default(),
                        period_text(period.as_ref()),
                        comparator.as_str()
                    )
                })
            }
            RequirementKind::Revenue { period, threshold } => {
                let from = period_bounds(period.as_ref(), date, &program.holidays);
                let revenue = profile.invoiced_between(from, date);
                let (comparator, target) = match threshold {
                    RevenueThreshold::SetIndividually => match profile.revenue_target {
                        Some(t) => (Comparator::Ge, t),
                        None => return None,
                    },
                    RevenueThreshold::Amount { comparator, amount } => (*comparator, amount.amount),
                };
                (!compare(revenue, comparator, target)).then(|| {
                    format!(
                        "its revenue{} is {revenue} {}, and the requirement is {} {target}",
                        period_text(period.as_ref()),
                        program.currency,
                        comparator.as_str()
                    )
                })
            }
            RequirementKind::Text { .. } => None,
        }
    }

    /// Info findings for requirements the scenario cannot measure and for
    /// invite-only tiers reached without an invitation.
    pub(crate) fn explain_standings(&mut self, as_of: NaiveDate) {
        let program = self.program;
        let mut assumed: Vec<(String, String)> = Vec::new();
        let owners = program
            .tiers
            .iter()
            .map(|t| (format!("tier `{}`", t.name.name), &t.requirements))
            .chain(
                program
                    .tracks
                    .iter()
                    .map(|t| (format!("track `{}`", t.name.name), &t.requirements)),
            )
            .chain(
                program
                    .modules
                    .iter()
                    .map(|t| (format!("module `{}`", t.name.name), &t.requirements)),
            )
            .chain(std::iter::once((
                "every partner".to_string(),
                &program.requirements,
            )));
        for (owner, reqs) in owners {
            for req in reqs {
                match &req.kind {
                    RequirementKind::Staff { qualification, comparator, count } => {
                        let missing: Vec<&str> = self
                            .profiles
                            .iter()
                            .filter(|p| p.declared && !p.staff_known())
                            .map(|p| p.name.as_str())
                            .collect();
                        if !missing.is_empty() {
                            assumed.push((
                                format!("staff/{owner}/{}", qualification.name),
                                format!(
                                    "`staff {} {} {count}` ({owner}) is assumed met for partners whose staff the scenario does not give ({})",
                                    qualification.name,
                                    comparator.as_str(),
                                    missing.join(", ")
                                ),
                            ));
                        }
                    }
                    RequirementKind::Text { text } => assumed.push((
                        text.clone(),
                        format!("`{text}` ({owner}) is assumed met: the scenario carries no data for it"),
                    )),
                    RequirementKind::Revenue {
                        threshold: RevenueThreshold::SetIndividually,
                        ..
                    } => {
                        let missing: Vec<&str> = self
                            .profiles
                            .iter()
                            .filter(|p| p.declared && p.revenue_target.is_none())
                            .map(|p| p.name.as_str())
                            .collect();
                        if !missing.is_empty() {
                            assumed.push((
                                format!("revenue/{owner}"),
                                format!(
                                    "the revenue requirement of {owner} is set individually; partners without a `revenue_target` ({}) are assumed to meet it",
                                    missing.join(", ")
                                ),
                            ));
                        }
                    }
                    RequirementKind::Contract
                    | RequirementKind::Agreement { .. }
                    | RequirementKind::Count { .. }
                    | RequirementKind::Revenue {
                        threshold: RevenueThreshold::Amount { .. },
                        ..
                    } => {}
                }
            }
        }
        let mut messages: Vec<String> = Vec::new();
        for (key, message) in assumed {
            if !messages.contains(&key) {
                messages.push(key);
                self.findings
                    .push(Finding::new(FindingCode::AssumedMet, message));
            }
        }
        for index in 0..self.profiles.len() {
            if !self.profiles[index].declared || self.profiles[index].granted_tier.is_some() {
                continue;
            }
            let id = PartnerId(u32::try_from(index).unwrap_or(u32::MAX));
            if let (_, Some(tier)) = self.computed_standing(id, as_of) {
                let name = self.profiles[index].name.clone();
                let tier_name = &program.tiers[tier].name.name;
                self.findings.push(
                    Finding::new(
                        FindingCode::InviteOnly,
                        format!("`{name}` meets the requirements below tier `{tier_name}`, which is by invitation only, and has no invitation"),
                    )
                    .partner(name),
                );
            }
        }
    }
}
