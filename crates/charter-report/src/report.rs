//! `charter report`: one self-contained HTML page of a simulation — payouts
//! per month stacked by rule, the top partners, tier standings over time
//! and, against a baseline policy, the change per partner — as inline SVG
//! charts with sortable tables beneath them. Nothing is loaded from outside
//! the file (a Content-Security-Policy forbids it).

use crate::{chart, pages};
use charter_check::CheckedProgram;
use charter_scenario::Scenario;
use charter_sim::{SimOptions, SimResult, Standing};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many partners the "top partners" chart and the standings chart show.
pub const TOP_PARTNERS: usize = 10;
/// How many payouts the payouts table lists (the first ones); the CSV of
/// `charter simulate` has them all.
pub const MAX_PAYOUT_ROWS: usize = 2000;
/// How many findings the page lists (the first ones).
pub const MAX_FINDINGS: usize = 200;
/// How many month ends standings are computed at (the latest ones).
pub const MAX_MONTHS: usize = 36;

/// What a report shows.
pub struct ReportInput<'a> {
    pub program: &'a CheckedProgram,
    /// The policy and scenario as the user named them.
    pub policy: String,
    pub scenario: String,
    pub result: &'a SimResult,
    /// Standings at month ends ([`standings_over_time`]).
    pub timeline: &'a [(String, Vec<Standing>)],
    /// The baseline policy's name and its result on the same scenario.
    pub baseline: Option<(String, &'a SimResult)>,
}

/// `YYYY-MM` of a date.
pub fn month_of(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
}

/// Each partner's standing at the end of each month from the scenario's
/// first event to `as_of` (the last month ends at `as_of`), at most
/// [`MAX_MONTHS`] of them: one simulation per month end.
pub fn standings_over_time(
    program: &CheckedProgram,
    scenario: &Scenario,
    as_of: NaiveDate,
) -> Vec<(String, Vec<Standing>)> {
    let Some(first) = scenario.events.iter().map(|e| e.date).min() else {
        return Vec::new();
    };
    let mut ends = Vec::new();
    let (mut y, mut m) = (first.year(), first.month());
    while let Some(end) = month_end(y, m) {
        if end >= as_of {
            ends.push(as_of);
            break;
        }
        ends.push(end);
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let skip = ends.len().saturating_sub(MAX_MONTHS);
    ends.into_iter()
        .skip(skip)
        .map(|date| {
            let options = SimOptions {
                as_of: Some(date),
                no_explanations: true,
                ..SimOptions::default()
            };
            let result = charter_sim::simulate(program, scenario, &options);
            (month_of(date), result.standings)
        })
        .collect()
}

#[derive(Serialize)]
struct MonthRow {
    month: String,
    amounts: Vec<Decimal>,
    total: Decimal,
}

#[derive(Serialize)]
struct PartnerRow {
    partner: String,
    tier: String,
    count: usize,
    total: Decimal,
    before: Decimal,
    delta: Decimal,
    percent: String,
    sign: &'static str,
}

#[derive(Serialize)]
struct PayoutRow {
    n: usize,
    id: String,
    partner: String,
    customer: String,
    invoice: String,
    rule: String,
    base: Decimal,
    rate: String,
    amount: Decimal,
    earned: String,
    due: String,
    settlement: &'static str,
}

#[derive(Serialize)]
struct FindingRow {
    code: String,
    severity: String,
    message: String,
}

#[derive(Serialize, Default)]
struct Charts {
    monthly: String,
    partners: String,
    standings: String,
    change: String,
}

#[derive(Serialize)]
struct Change {
    before: Decimal,
    after: Decimal,
    delta: Decimal,
    percent: Option<Decimal>,
}

/// Amounts per month (rows, in order) and rule (columns, in the policy's
/// order, then any other name), exactly.
pub fn by_month_and_rule(
    program: &CheckedProgram,
    result: &SimResult,
) -> (Vec<String>, Vec<String>, Vec<Vec<Decimal>>) {
    let p = program.program();
    let mut order: HashMap<&str, usize> = HashMap::new();
    for name in p
        .commissions
        .iter()
        .map(|c| c.name.name.as_str())
        .chain(p.bonuses.iter().map(|b| b.name.name.as_str()))
    {
        let next = order.len();
        order.entry(name).or_insert(next);
    }
    let used: BTreeSet<(usize, &str)> = result
        .payouts
        .iter()
        .map(|x| {
            (
                order.get(x.rule.as_str()).copied().unwrap_or(usize::MAX),
                x.rule.as_str(),
            )
        })
        .collect();
    let rules: Vec<String> = used.iter().map(|(_, r)| r.to_string()).collect();
    let column: HashMap<&str, usize> = used.iter().enumerate().map(|(i, (_, r))| (*r, i)).collect();
    let mut months: BTreeMap<String, Vec<Decimal>> = BTreeMap::new();
    for x in &result.payouts {
        let row = months
            .entry(month_of(x.earned))
            .or_insert_with(|| vec![Decimal::ZERO; rules.len()]);
        if let Some(&c) = column.get(x.rule.as_str()) {
            row[c] += x.amount;
        }
    }
    // Months without payouts in between are shown as zero: the axis is time.
    if let (Some(first), Some(last)) = (
        result.payouts.iter().map(|x| x.earned).min(),
        result.payouts.iter().map(|x| x.earned).max(),
    ) {
        let (mut y, mut m) = (first.year(), first.month());
        while (y, m) <= (last.year(), last.month()) {
            months
                .entry(format!("{y:04}-{m:02}"))
                .or_insert_with(|| vec![Decimal::ZERO; rules.len()]);
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    }
    let names: Vec<String> = months.keys().cloned().collect();
    let values: Vec<Vec<Decimal>> = months.into_values().collect();
    (names, rules, values)
}

/// The report page.
pub fn render(input: &ReportInput) -> Result<String, String> {
    let program = input.program.program();
    let result = input.result;
    let currency = program.currency.clone();
    let (month_names, rules, values) = by_month_and_rule(input.program, result);
    // The chart wants one row per rule.
    let per_rule: Vec<Vec<Decimal>> = (0..rules.len())
        .map(|r| values.iter().map(|m| m[r]).collect())
        .collect();
    let months: Vec<MonthRow> = month_names
        .iter()
        .zip(&values)
        .map(|(m, v)| MonthRow {
            month: m.clone(),
            total: v.iter().sum(),
            amounts: v.clone(),
        })
        .collect();

    let mut counts: HashMap<&str, usize> = HashMap::new();
    for x in &result.payouts {
        *counts.entry(x.partner.as_str()).or_default() += 1;
    }
    let diff = input
        .baseline
        .as_ref()
        .map(|(_, before)| charter_sim::diff::diff(before, result));
    let before_of: HashMap<&str, (Decimal, Option<Decimal>)> = diff
        .as_ref()
        .map(|d| {
            d.partners
                .iter()
                .map(|p| (p.partner.as_str(), (p.before, p.percent)))
                .collect()
        })
        .unwrap_or_default();
    let mut partners: Vec<PartnerRow> = result
        .totals
        .iter()
        .map(|t| {
            let (before, percent) = before_of
                .get(t.partner.as_str())
                .copied()
                .unwrap_or((Decimal::ZERO, None));
            let delta = t.amount - before;
            PartnerRow {
                partner: t.partner.clone(),
                tier: result.standing_of(&t.partner).unwrap_or("").to_string(),
                count: counts.get(t.partner.as_str()).copied().unwrap_or(0),
                total: t.amount,
                before,
                delta,
                percent: percent.map(|p| p.to_string()).unwrap_or_default(),
                sign: if delta < Decimal::ZERO {
                    "neg"
                } else if delta > Decimal::ZERO {
                    "pos"
                } else {
                    ""
                },
            }
        })
        .collect();
    // Largest total first; ties by name, so the order never depends on input order.
    partners.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.partner.cmp(&b.partner))
    });
    let top: Vec<(String, Decimal)> = partners
        .iter()
        .take(TOP_PARTNERS)
        .map(|p| (p.partner.clone(), p.total))
        .collect();

    let mut charts = Charts {
        monthly: chart::stacked_bars(
            "Payouts per month, stacked by rule",
            &month_names,
            &rules,
            &per_rule,
            &currency,
        ),
        partners: chart::horizontal_bars(
            &format!("Top {} partners by total", top.len()),
            &top,
            &currency,
        ),
        ..Charts::default()
    };
    let tiers: Vec<String> = program.tiers.iter().map(|t| t.name.name.clone()).collect();
    let rank: HashMap<&str, usize> = tiers
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let columns: Vec<String> = input.timeline.iter().map(|(m, _)| m.clone()).collect();
    let shown: Vec<&str> = top.iter().map(|(p, _)| p.as_str()).collect();
    let series: Vec<(String, Vec<Option<usize>>)> = shown
        .iter()
        .map(|partner| {
            let points = input
                .timeline
                .iter()
                .map(|(_, standings)| {
                    standings
                        .iter()
                        .find(|s| s.partner == *partner)
                        .and_then(|s| s.tier.as_deref())
                        .and_then(|t| rank.get(t).copied())
                })
                .collect();
            (partner.to_string(), points)
        })
        .collect();
    charts.standings = if tiers.is_empty() {
        chart::empty("the policy has no tiers")
    } else {
        chart::level_lines("Tier at each month end", &columns, &tiers, &series)
    };
    let mut change = None;
    if let Some(d) = &diff {
        let mut rows: Vec<(String, Decimal)> = d
            .partners
            .iter()
            .map(|p| (p.partner.clone(), p.delta))
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        charts.change =
            chart::horizontal_bars("Change per partner (after − before)", &rows, &currency);
        change = Some(Change {
            before: d.total_before,
            after: d.total_after,
            delta: d.total_delta,
            percent: d.total_percent,
        });
    }

    let payouts: Vec<PayoutRow> = result
        .payouts
        .iter()
        .take(MAX_PAYOUT_ROWS)
        .enumerate()
        .map(|(n, p)| PayoutRow {
            n,
            id: p.id.clone(),
            partner: p.partner.clone(),
            customer: p.customer.clone().unwrap_or_default(),
            invoice: p.invoice.clone().unwrap_or_default(),
            rule: p.rule.clone(),
            base: p.base,
            rate: p
                .rate
                .map(|r| r.normalize().to_string())
                .unwrap_or_default(),
            amount: p.amount,
            earned: p.earned.to_string(),
            due: p.due.to_string(),
            settlement: p.settlement,
        })
        .collect();
    let findings: Vec<FindingRow> = result
        .findings
        .iter()
        .take(MAX_FINDINGS)
        .map(|f| FindingRow {
            code: pages::serde_word(&f.code),
            severity: pages::serde_word(&f.severity),
            message: f.message.clone(),
        })
        .collect();
    let total: Decimal = result.totals.iter().map(|t| t.amount).sum();
    let standings_note = (tiers.is_empty()).then(|| {
        "The policy has no tiers: every partner is in the program without a tier.".to_string()
    });
    let context = minijinja::context! {
        lang => "en",
        title => format!("{} — simulation report", program.name),
        program => program.name,
        policy => input.policy,
        scenario => input.scenario,
        baseline => input.baseline.as_ref().map(|(name, _)| name.clone()),
        as_of => result.as_of.to_string(),
        payout_count => result.payouts.len(),
        partner_count => result.totals.len(),
        total => total,
        currency => currency,
        rules => rules,
        months => months,
        partners => partners,
        payouts_cut => (result.payouts.len() > MAX_PAYOUT_ROWS).then_some(MAX_PAYOUT_ROWS),
        payouts => payouts,
        findings => findings,
        findings_more => result.findings.len().saturating_sub(MAX_FINDINGS),
        charts => charts,
        change => change,
        standings_note => standings_note,
        script => pages::SORTABLE_JS,
        footer => "Generated by charter report. Every figure is exact; charts are drawn from the same figures.",
    };
    pages::render("report.html", context)
}
