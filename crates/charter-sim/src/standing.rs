//! Tier standing over time: a partner's tier on a date from what the scenario
//! measures (staff, counted events, revenue, invitations), and the requirement
//! checks that tiers, tracks and modules share.

use crate::findings::{Finding, FindingCode};
use crate::partner::PartnerStatic;
use crate::payouts::PartnerRun;
use crate::plan::{Plan, TierId};
use crate::Assume;
use charter_ir::*;
use charter_scenario::EventType;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

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

/// The windows `(from, to]` a count period covers on `date`: the period so
/// far, and for `per contract year` also the whole contract year before it
/// (what was summed at the last renewal holds for the year that follows).
pub(crate) fn period_windows(
    period: Option<&CountPeriod>,
    date: NaiveDate,
    holidays: &[NaiveDate],
    joined: Option<NaiveDate>,
) -> ((NaiveDate, NaiveDate), Option<(NaiveDate, NaiveDate)>) {
    let start = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt());
    let eve = |d: NaiveDate| d.pred_opt().unwrap_or(NaiveDate::MIN);
    let from = match period {
        None => Some(NaiveDate::MIN),
        Some(CountPeriod::PerYear) => start(date.year(), 1),
        Some(CountPeriod::PerQuarter) => start(date.year(), (date.month0() / 3) * 3 + 1),
        Some(CountPeriod::PerMonth) => start(date.year(), date.month()),
        Some(CountPeriod::Trailing(d)) => Some(d.before(date, holidays)),
        Some(CountPeriod::PerContractYear) => {
            let (this, before) = charter_ir::units::contract_year(joined, date);
            return ((eve(this), date), Some((eve(before), eve(this))));
        }
    }
    .unwrap_or(NaiveDate::MIN);
    ((from, date), None)
}

pub(crate) fn period_text(period: Option<&CountPeriod>) -> String {
    match period {
        None => String::new(),
        Some(CountPeriod::PerYear) => " this calendar year".into(),
        Some(CountPeriod::PerQuarter) => " this quarter".into(),
        Some(CountPeriod::PerMonth) => " this month".into(),
        Some(CountPeriod::PerContractYear) => {
            " this contract year or the whole contract year before".into()
        }
        Some(CountPeriod::Trailing(d)) => format!(" in the last {d}"),
    }
}

/// How a requirement no data measures is named in a standing's `assumed`.
fn requirement_text(kind: &RequirementKind) -> String {
    match kind {
        RequirementKind::Text { text } => text.clone(),
        RequirementKind::Staff {
            qualification,
            comparator,
            count,
        } => format!(
            "staff {} {} {count}",
            qualification.name,
            comparator.as_str()
        ),
        RequirementKind::Revenue { .. } => "revenue set individually".to_string(),
        RequirementKind::Contract => "contract".to_string(),
        RequirementKind::Agreement { agreement } => format!("agreement {}", agreement.name),
        RequirementKind::Count { event, .. } => format!("count {}", event.as_str()),
        RequirementKind::Points(_) => "points".to_string(),
        RequirementKind::Mrr(m) => m.measure.as_str().to_string(),
        RequirementKind::AnyOf(a) => format!("any of … each {} from joined", a.every),
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

impl PartnerRun<'_, '_> {
    /// The partner's tier on a date: granted by the scenario, else the highest tier
    /// whose requirements (and every lower tier's) are met, raised to any tier the
    /// partner was invited to.
    pub(crate) fn standing_at(&self, date: NaiveDate) -> Option<TierId> {
        if let Some(t) = self.stat.granted_tier {
            return Some(t);
        }
        self.computed_standing(date).0
    }

    /// The computed tier, and an invite-only tier whose requirements were met without an invitation.
    pub(crate) fn computed_standing(&self, date: NaiveDate) -> (Option<TierId>, Option<TierId>) {
        let mut standing = None;
        let mut uninvited = None;
        for (i, tier) in self.plan.program.tiers.iter().enumerate() {
            let id = TierId(i as u16);
            if self.plan.tier_requirements[i]
                .iter()
                .any(|&r| self.requirement_fails(r, date).is_some())
            {
                break;
            }
            let invited = self
                .st
                .invitations
                .iter()
                .any(|(d, t)| *d <= date && *t >= id);
            if tier.invite_only.is_some() && !invited {
                uninvited = Some(id);
                break;
            }
            standing = Some(id);
        }
        let invited = self
            .st
            .invitations
            .iter()
            .filter(|(d, _)| *d <= date)
            .map(|(_, t)| *t)
            .max();
        (standing.max(invited), uninvited)
    }

    /// Why the partner has no signed contract, if it has none.
    fn unsigned(&self) -> Option<String> {
        if !self.stat.contract {
            return Some("the partner has no signed contract".to_string());
        }
        let no_contract = self
            .plan
            .entity(self.stat.entity)
            .is_some_and(|(no_contract, _)| no_contract);
        no_contract.then(|| {
            format!(
                "the program signs no contract with `{}` partners",
                self.stat.entity.as_str()
            )
        })
    }

    /// Why the partner fails requirement `r` (an index into the plan's) on a
    /// date; `None` when met, assumed met, or not for the partner (`for`
    /// another track or module).
    pub(crate) fn requirement_fails(&self, r: usize, date: NaiveDate) -> Option<String> {
        let plan = self.plan;
        let rp = &plan.requirements[r];
        if !rp.only_for.is_empty() && !rp.only_for.iter().any(|m| self.is_member(*m)) {
            return None;
        }
        // A dated version of a requirement applies only while it is in force.
        if let Some((from, to)) = rp.req.in_force {
            if date < from || to.is_some_and(|to| date > to) {
                return None;
            }
        }
        let (stat, st) = (self.stat, &self.st);
        match &rp.req.kind {
            RequirementKind::Contract => self.unsigned(),
            RequirementKind::Agreement { agreement } => self
                .unsigned()
                .map(|why| format!("agreement `{}` is not signed ({why})", agreement.name)),
            RequirementKind::Staff {
                qualification,
                comparator,
                count,
            } => {
                if !st.staff_known(stat) {
                    // The scenario says nothing of this partner's staff: `--assume` decides (S0401).
                    return self.unmeasured();
                }
                let n = plan
                    .qualification(&qualification.name)
                    .map_or(0, |q| st.staff_at(stat, q, date));
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
                let count_in = |window: (NaiveDate, NaiveDate)| {
                    self.count_between(*event, activity.as_ref(), *within_after, window)
                };
                let (now, before) =
                    period_windows(period.as_ref(), date, plan.holidays, stat.joined);
                let held = |n: u32| compare(Decimal::from(n), *comparator, Decimal::from(*count));
                let n = count_in(now);
                let met = held(n) || before.is_some_and(|w| held(count_in(w)));
                (!met).then(|| {
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
            RequirementKind::Revenue {
                new_customers,
                period,
                threshold,
            } => {
                let (now, before) =
                    period_windows(period.as_ref(), date, plan.holidays, stat.joined);
                let revenue = st.revenue_between(*new_customers, now);
                let (comparator, target) = match threshold {
                    RevenueThreshold::SetIndividually => match stat.revenue_target {
                        Some(t) => (Comparator::Ge, t),
                        None => return self.unmeasured(),
                    },
                    RevenueThreshold::Amount { comparator, amount } => (*comparator, amount.amount),
                };
                let met = compare(revenue, comparator, target)
                    || before.is_some_and(|w| {
                        compare(st.revenue_between(*new_customers, w), comparator, target)
                    });
                (!met).then(|| {
                    format!(
                        "its revenue{}{} is {revenue} {}, and the requirement is {} {target}",
                        if *new_customers {
                            " from new customers"
                        } else {
                            ""
                        },
                        period_text(period.as_ref()),
                        plan.currency,
                        comparator.as_str()
                    )
                })
            }
            RequirementKind::Points(p) => self.points_fail(p, date),
            RequirementKind::Mrr(m) => self.mrr_fails(m, date),
            RequirementKind::AnyOf(a) => match stat.joined {
                Some(joined) => self.any_of_fails(a, joined, date),
                // No `joined` date anchors the periods: `--assume` decides (S0401).
                None => self.unmeasured(),
            },
            RequirementKind::Text { .. } => self.unmeasured(),
        }
    }

    /// What `count EVENT [KIND] [within D after EVENT]` counts for the
    /// partner in the window `(from, date]`.
    pub(crate) fn count_between(
        &self,
        event: EventKind,
        activity: Option<&NameRef>,
        within_after: Option<(Duration, EventKind)>,
        (from, date): (NaiveDate, NaiveDate),
    ) -> u32 {
        let (plan, st) = (self.plan, &self.st);
        let inside = |d: &NaiveDate| *d > from && *d <= date;
        let dates = |list: &[NaiveDate]| list.iter().filter(|d| inside(d)).count();
        // One vocabulary: the IR's counting word names a scenario event type,
        // and each type counts what it names (LANGUAGE.md §3 `require`).
        let n = match scenario_type(event) {
            EventType::Activity => {
                let wanted = activity
                    .as_ref()
                    .map(|a| self.scenario.names.find_symbol(&a.name));
                st.activities
                    .iter()
                    .filter(|(d, k)| inside(d) && wanted.is_none_or(|w| w == Some(*k)))
                    .count()
            }
            EventType::Referral => st.referrals.iter().filter(|(_, d)| inside(d)).count(),
            EventType::Registration => dates(&st.registrations),
            EventType::Order => match within_after {
                Some((window, EventKind::Referral)) => {
                    let mut customers: Vec<u32> = st
                        .referrals
                        .iter()
                        .filter(|(c, referred)| {
                            st.referred_orders.iter().any(|(x, o)| {
                                x == c
                                    && *o >= *referred
                                    && *o <= window.after(*referred, plan.holidays)
                                    && inside(o)
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
                )) => dates(&st.orders),
            },
            EventType::Invoice => st.invoiced.iter().filter(|(d, _)| inside(d)).count(),
            EventType::Payment => dates(&st.counted.payments),
            EventType::Refund => dates(&st.counted.refunds),
            EventType::VendorContact => dates(&st.counted.vendor_contacts),
            EventType::Attachment => dates(&st.counted.attachments),
            EventType::Notice => dates(&st.counted.notices),
            EventType::Invitation => dates(&st.counted.invitations),
            // No counting word names a staff event, a sign-up, a trial or
            // a lead (`scenario_type` never returns them).
            EventType::Staff
            | EventType::Signup
            | EventType::Trial
            | EventType::Lead
            | EventType::DirectRequest
            | EventType::ExchangeRate => 0,
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// A requirement no scenario data measures: met under `--assume met`
    /// (the default, S0401), not met under `--assume unmet`.
    fn unmeasured(&self) -> Option<String> {
        (self.plan.assume == Assume::Unmet).then(|| {
            "no scenario data measures it, and `--assume unmet` counts it as not met".to_string()
        })
    }

    /// Whether requirement `r` is one no data measures for this partner, so
    /// that `--assume` decides it (LANGUAGE.md §4, "Assumptions").
    fn unmeasurable(&self, r: usize) -> bool {
        match &self.plan.requirements[r].req.kind {
            RequirementKind::Text { .. } => true,
            RequirementKind::Staff { .. } => !self.st.staff_known(self.stat),
            RequirementKind::Revenue {
                threshold: RevenueThreshold::SetIndividually,
                ..
            } => self.stat.revenue_target.is_none(),
            RequirementKind::AnyOf(_) => self.stat.joined.is_none(),
            RequirementKind::Contract
            | RequirementKind::Agreement { .. }
            | RequirementKind::Count { .. }
            | RequirementKind::Points(_)
            | RequirementKind::Mrr(_)
            | RequirementKind::Revenue {
                threshold: RevenueThreshold::Amount { .. },
                ..
            } => false,
        }
    }

    /// The requirements of `tier` and the tiers below it that the partner's
    /// standing took as met for want of data, as `TIER: requirement`: none
    /// for a granted tier, and none under `--assume unmet`.
    pub(crate) fn assumed_in(&self, tier: Option<TierId>) -> Vec<String> {
        let Some(tier) = tier else {
            return Vec::new();
        };
        if self.plan.assume == Assume::Unmet || self.stat.granted_tier.is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let tiers = self
            .plan
            .program
            .tiers
            .iter()
            .zip(&self.plan.tier_requirements);
        for (t, reqs) in tiers.take(usize::from(tier.0) + 1) {
            for &r in reqs {
                let rp = &self.plan.requirements[r];
                let applies =
                    rp.only_for.is_empty() || rp.only_for.iter().any(|m| self.is_member(*m));
                if applies && self.unmeasurable(r) {
                    out.push(format!(
                        "{}: {}",
                        t.name.name,
                        requirement_text(&rp.req.kind)
                    ));
                }
            }
        }
        out
    }

    /// The finding for an invite-only tier the partner qualifies for without an invitation.
    pub(crate) fn invite_only(&self, as_of: NaiveDate) -> Option<Finding> {
        if !self.stat.declared || self.stat.granted_tier.is_some() {
            return None;
        }
        let (_, tier) = self.computed_standing(as_of);
        let tier = tier?;
        let name = self.name();
        let tier_name = &self.plan.program.tiers[tier.0 as usize].name.name;
        Some(
            Finding::new(
                FindingCode::InviteOnly,
                format!("`{name}` meets the requirements below tier `{tier_name}`, which is by invitation only, and has no invitation"),
            )
            .partner(name)
            .rule(self.plan.program.tiers[tier.0 as usize].invite_only.unwrap_or(
                self.plan.program.tiers[tier.0 as usize].name.span,
            )),
        )
    }
}

/// Info findings for requirements the scenario cannot measure.
pub(crate) fn assumptions(
    plan: &Plan,
    partners: &[PartnerStatic],
    staff_events: &[bool],
    names: &charter_scenario::Names,
) -> Vec<Finding> {
    let program = plan.program;
    // (dedup key, message, the requirement's span)
    let mut assumed: Vec<(String, String, charter_diagnostics::Span)> = Vec::new();
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
    let declared = || partners.iter().enumerate().filter(|(_, p)| p.declared);
    for (owner, reqs) in owners {
        for req in reqs {
            match &req.kind {
                RequirementKind::Staff {
                    qualification,
                    comparator,
                    count,
                } => {
                    let missing: Vec<&str> = declared()
                        .filter(|(i, p)| !p.staff_given && !staff_events[*i])
                        .map(|(i, _)| names.partner(charter_scenario::PartnerId(i as u32)))
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
                            req.span,
                        ));
                    }
                }
                RequirementKind::Text { text } => assumed.push((
                    text.clone(),
                    format!(
                        "`{text}` ({owner}) is assumed met: the scenario carries no data for it"
                    ),
                    req.span,
                )),
                RequirementKind::Revenue {
                    threshold: RevenueThreshold::SetIndividually,
                    ..
                } => {
                    let missing: Vec<&str> = declared()
                        .filter(|(_, p)| p.revenue_target.is_none())
                        .map(|(i, _)| names.partner(charter_scenario::PartnerId(i as u32)))
                        .collect();
                    if !missing.is_empty() {
                        assumed.push((
                            format!("revenue/{owner}"),
                            format!(
                                "the revenue requirement of {owner} is set individually; partners without a `revenue_target` ({}) are assumed to meet it",
                                missing.join(", ")
                            ),
                            req.span,
                        ));
                    }
                }
                RequirementKind::AnyOf(a) => {
                    let missing: Vec<&str> = declared()
                        .filter(|(_, p)| p.joined.is_none())
                        .map(|(i, _)| names.partner(charter_scenario::PartnerId(i as u32)))
                        .collect();
                    if !missing.is_empty() {
                        assumed.push((
                            format!("any-of/{owner}/{}", req.span.start),
                            format!(
                                "`any of … each {} from joined` ({owner}) is assumed met for partners without a `joined` date ({}): no period starts for them",
                                a.every,
                                missing.join(", ")
                            ),
                            req.span,
                        ));
                    }
                }
                RequirementKind::Contract
                | RequirementKind::Agreement { .. }
                | RequirementKind::Count { .. }
                | RequirementKind::Points(_)
                | RequirementKind::Mrr(_)
                | RequirementKind::Revenue {
                    threshold: RevenueThreshold::Amount { .. },
                    ..
                } => {}
            }
        }
    }
    let mut keys: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (key, message, span) in assumed {
        if !keys.contains(&key) {
            keys.push(key);
            let message = match plan.assume {
                Assume::Met => message,
                Assume::Unmet => {
                    format!("{message} — but `--assume unmet` counts it as not met instead")
                }
            };
            out.push(Finding::new(FindingCode::AssumedMet, message).rule(span));
        }
    }
    out
}
