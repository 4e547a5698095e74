//! Plain-language descriptions of the IR (rates, windows, requirements,
//! payouts, literals), shared by hover, inlay hints and completion details.

use charter_ir::countries::country_name;
use charter_ir::*;
use charter_syntax::ast::{QuantityKind, UnitSuffix};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn anchor(anchor: Anchor) -> &'static str {
    match anchor {
        Anchor::FirstInvoice => "the customer's first invoice",
        Anchor::FirstPayment => "the customer's first payment",
        Anchor::FirstOrder => "the customer's first order",
        Anchor::Referral => "the partner's referral of the customer",
        Anchor::Registration => "the registration of the opportunity",
        Anchor::Attachment => "the customer's attachment to the partner",
        Anchor::Attribution => "the customer's attribution to the partner",
        Anchor::ContractStart => "the start of the partner's contract",
    }
}

pub fn window(w: &WindowSpec) -> String {
    match w {
        WindowSpec::Unbounded => {
            "every invoice of an attributed customer while the partner is in the program"
                .to_string()
        }
        WindowSpec::Within { length, anchor: a } => {
            format!("invoices issued within {length} from {}", anchor(*a))
        }
        WindowSpec::Lifetime => "for the customer's lifetime".to_string(),
        WindowSpec::WhileContractActive => {
            "while the partner's contract is active (it ends with the notice period)".to_string()
        }
        WindowSpec::WhileCustomerPays => "while the customer pays".to_string(),
    }
}

pub fn base(b: &BaseSpec) -> String {
    let mut out = match b.kind {
        BaseKind::Payments => "payments".to_string(),
        BaseKind::Invoices => "invoiced amounts".to_string(),
        BaseKind::NewCustomer => "each new customer".to_string(),
        BaseKind::Trial => "each trial".to_string(),
        BaseKind::QualifiedLead => "each qualified lead".to_string(),
    };
    match b.invoices {
        InvoiceFilter::Any => {}
        InvoiceFilter::New => out.push_str(" on new invoices"),
        InvoiceFilter::Renewal => out.push_str(" on renewal invoices"),
    }
    match b.collected_by {
        Some(Collector::Vendor) => out.push_str(" collected by the vendor"),
        Some(Collector::Partner) => out.push_str(" collected by the partner"),
        None => {}
    }
    if !b.products.is_empty() {
        out.push_str(&format!(" for products {}", names(&b.products)));
    }
    if let Some((path, _)) = b.path {
        out.push_str(&format!(" of customers won by {}", path.as_str()));
    }
    if b.first_subscription.is_some() {
        out.push_str(" on the customer's first subscription");
    }
    out
}

pub fn names(refs: &[NameRef]) -> String {
    refs.iter()
        .map(|r| format!("`{}`", r.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn metric(m: &Metric) -> String {
    let kind = match m.kind {
        MetricKind::Sales => "sales",
        MetricKind::Orders => "orders",
        MetricKind::Customers => "customers",
    };
    format!("{kind} over the trailing {}", m.trailing)
}

fn metric_value(kind: MetricKind, value: Decimal, currency: &str) -> String {
    match kind {
        MetricKind::Sales => format!("{} {currency}", value.normalize()),
        MetricKind::Orders | MetricKind::Customers => value.normalize().to_string(),
    }
}

/// One bracket's range: `below 50000 EUR`, `50000 EUR to 150000 EUR`, `from 150000 EUR`.
pub fn bracket_range(b: &Bracket, kind: MetricKind, currency: &str) -> String {
    match (b.low, b.high) {
        (None, Some(h)) => format!("below {}", metric_value(kind, h, currency)),
        (Some(l), Some(h)) => format!(
            "{} to {}",
            metric_value(kind, l, currency),
            metric_value(kind, h, currency)
        ),
        (Some(l), None) => format!("from {}", metric_value(kind, l, currency)),
        (None, None) => "any value".to_string(),
    }
}

pub fn bracket_mode(mode: BracketMode) -> &'static str {
    match mode {
        BracketMode::WholeAmount => {
            "the bracket the metric reaches sets the rate of the whole payment"
        }
        BracketMode::Marginal => {
            "each part of the payment is paid at the rate of the bracket it falls in, like income tax"
        }
        BracketMode::Retroactive => {
            "reaching a bracket re-rates the whole trailing period at the new rate"
        }
    }
}

/// The lowest and highest rate a rate spec can produce.
pub fn rate_range(rate: &RateSpec) -> Option<(Percent, Percent)> {
    let rates: Vec<Percent> = match rate {
        RateSpec::Flat { rate } => vec![*rate],
        // A fixed amount has no percentage range.
        RateSpec::Fixed { .. } => return None,
        RateSpec::ByTier { rates } => rates.iter().map(|r| r.rate).collect(),
        RateSpec::Brackets { table } => table.brackets.iter().map(|b| b.rate).collect(),
    };
    Some((*rates.iter().min()?, *rates.iter().max()?))
}

pub fn percent_range((low, high): (Percent, Percent)) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}–{high}")
    }
}

pub fn rate_lines(rate: &RateSpec, currency: &str) -> Vec<String> {
    match rate {
        RateSpec::Flat { rate } => vec![format!("rate **{rate}**")],
        RateSpec::Fixed { amount } => vec![format!("a fixed amount of **{amount}**")],
        RateSpec::ByTier { rates } => {
            let mut out = vec!["rate by tier:".to_string()];
            out.extend(
                rates
                    .iter()
                    .map(|r| format!("  - `{}`: **{}**", r.tier.name, r.rate)),
            );
            out
        }
        RateSpec::Brackets { table } => {
            let mode = match table.mode {
                Some(m) => format!("{} ({})", m.as_str(), bracket_mode(m)),
                None => "no bracket mode given".to_string(),
            };
            let mut out = vec![format!("rate by {}, {mode}:", metric(&table.metric))];
            out.extend(table.brackets.iter().map(|b| {
                format!(
                    "  - {}: **{}**",
                    bracket_range(b, table.metric.kind, currency),
                    b.rate
                )
            }));
            out
        }
    }
}

pub fn comparator(c: Comparator) -> &'static str {
    c.as_str()
}

pub fn condition(c: &Condition, currency: &str) -> String {
    match c {
        Condition::Staff {
            qualification,
            comparator: cmp,
            count,
        } => format!(
            "`{}` staff {} {count}",
            qualification.name,
            comparator(*cmp)
        ),
        Condition::Metric {
            metric: m,
            comparator: cmp,
            threshold,
        } => format!(
            "{} {} {}",
            metric(m),
            comparator(*cmp),
            metric_value(m.kind, *threshold, currency)
        ),
        Condition::Elected { benefit } => format!("the partner elected `{}`", benefit.name),
    }
}

pub fn event_plural(event: EventKind) -> &'static str {
    match event {
        EventKind::VendorContact => "vendor contacts",
        EventKind::Referral => "referrals",
        EventKind::Registration => "registrations",
        EventKind::Attachment => "attachments",
        EventKind::Order => "orders",
        EventKind::Invoice => "invoices",
        EventKind::Payment => "payments",
        EventKind::Refund => "refunds",
        EventKind::Activity => "activities",
        EventKind::Notice => "notices",
        EventKind::Invitation => "invitations",
    }
}

pub fn settlement(s: Settlement) -> &'static str {
    match s {
        Settlement::Transfer => "by transfer: the vendor pays the partner",
        Settlement::Netted => "netted: the partner keeps it out of what it collected",
    }
}

pub fn period(p: CountPeriod) -> String {
    match p {
        CountPeriod::PerYear => "per calendar year".to_string(),
        CountPeriod::PerQuarter => "per calendar quarter".to_string(),
        CountPeriod::PerMonth => "per calendar month".to_string(),
        CountPeriod::PerContractYear => {
            "per contract year (from joining or the last renewal)".to_string()
        }
        CountPeriod::Trailing(d) => format!("in the last {d}"),
    }
}

pub fn requirement(r: &Requirement) -> String {
    let mut out = requirement_kind(&r.kind);
    if !r.scope.is_empty() {
        out.push_str(&format!(" (for {})", names(&r.scope)));
    }
    out
}

fn requirement_kind(kind: &RequirementKind) -> String {
    match kind {
        RequirementKind::Contract => "a signed partner contract".to_string(),
        RequirementKind::Agreement { agreement } => format!("agreement `{}`", agreement.name),
        RequirementKind::Staff {
            qualification,
            comparator: cmp,
            count,
        } => format!(
            "`{}` staff {} {count}",
            qualification.name,
            comparator(*cmp)
        ),
        RequirementKind::Count {
            event,
            activity,
            within_after,
            period: p,
            comparator: cmp,
            count,
        } => {
            let mut s = format!("count of {}", event_plural(*event));
            if let Some(a) = activity {
                s.push_str(&format!(" `{}`", a.name));
            }
            if let Some((d, after)) = within_after {
                s.push_str(&format!(" within {d} after the {}", after.as_str()));
            }
            if let Some(p) = p {
                s.push_str(&format!(" {}", period(*p)));
            }
            s.push_str(&format!(" {} {count}", comparator(*cmp)));
            s
        }
        RequirementKind::Revenue {
            new_customers,
            period: p,
            threshold,
        } => {
            let mut s = "revenue".to_string();
            if *new_customers {
                s.push_str(" from customers first invoiced in the period");
            }
            if let Some(p) = p {
                s.push_str(&format!(" {}", period(*p)));
            }
            match threshold {
                RevenueThreshold::SetIndividually => {
                    s.push_str(" against the partner's own revenue target")
                }
                RevenueThreshold::Amount {
                    comparator: cmp,
                    amount,
                } => s.push_str(&format!(" {} {amount}", comparator(*cmp))),
            }
            s
        }
        RequirementKind::Points(pts) => {
            let terms: Vec<String> = pts
                .terms
                .iter()
                .map(|t| format!("{} per {}", t.weight, t.source.text()))
                .collect();
            let mut s = format!("points: {}", terms.join(" + "));
            if let Some(p) = pts.period {
                s.push_str(&format!(" {}", period(p)));
            }
            s.push_str(&format!(
                " {} {}",
                comparator(pts.comparator),
                pts.threshold
            ));
            s
        }
        RequirementKind::Mrr(m) => {
            let mut s = match m.measure {
                MrrMeasure::Managed => {
                    "managed MRR: the monthly recurring revenue, on the day, of the customers the partner holds".to_string()
                }
                MrrMeasure::Sold => {
                    "sold MRR: the monthly recurring revenue of the subscriptions the partner sold".to_string()
                }
            };
            if let Some(p) = m.period {
                s.push_str(&format!(" {}", period(p)));
            }
            s.push_str(&format!(" {} {}", comparator(m.comparator), m.amount));
            s
        }
        RequirementKind::AnyOf(a) => {
            let alternatives: Vec<String> = a
                .alternatives
                .iter()
                .map(|(k, _)| requirement_kind(k))
                .collect();
            format!(
                "any one of ({}) in each {} from joining; a period with none ends it {}",
                alternatives.join("; or "),
                a.every,
                match a.lapse {
                    Lapse::ForGood => "for good",
                    Lapse::UntilMetAgain => "until one is met again",
                }
            )
        }
        RequirementKind::Text { text } => format!("\"{text}\""),
    }
}

pub fn payout(p: &PayoutSchedule) -> String {
    let mut out = match &p.timing {
        PayoutTiming::Within {
            delay,
            full,
            anchor: a,
        } => {
            let what = match a {
                PayoutAnchor::Payment if *full => "the payment that settles the invoice in full",
                PayoutAnchor::Payment => "the customer's payment",
                PayoutAnchor::Invoice => "the invoice",
                PayoutAnchor::Collection => "collection",
            };
            format!("paid within {delay} after {what}")
        }
        PayoutTiming::MonthlyStatement {
            week,
            after_collection,
        } => {
            let mut s = format!("monthly statement, paid in week {week} of the next month");
            if *after_collection {
                s.push_str(", once collected");
            }
            s
        }
        PayoutTiming::Statement {
            period,
            delay,
            after_collection,
        } => {
            let mut s = format!(
                "a statement {}, paid within {delay} after it closes",
                period.as_str()
            );
            if *after_collection {
                s.push_str(", once collected");
            }
            s
        }
        PayoutTiming::NettedAtSource => {
            "netted at source: the partner keeps it out of the customer's payment".to_string()
        }
    };
    if let Some(h) = p.hold {
        out.push_str(&format!(", held {h}"));
    }
    if let Some(m) = &p.minimum {
        out.push_str(&format!(
            ", at least {} {} per statement{} (a smaller balance is carried forward; {} on leaving)",
            m.amount.amount.normalize(),
            m.amount.currency,
            if m.per_path { " and path" } else { "" },
            m.on_leaving.as_str()
        ));
    }
    if let Some(w) = &p.withheld {
        out.push_str(&format!(", withheld until `{}`", w.until.name));
        if let Some(after) = w.forfeited_after {
            out.push_str(&format!(" (forfeited {after} after its statement)"));
        }
    }
    out
}

/// The countries of a region, nested regions expanded, in order and without repeats.
pub fn region_countries(program: &Program, region: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    expand(program, region, &mut out, &mut seen);
    out
}

fn expand<'p>(
    program: &'p Program,
    name: &'p str,
    out: &mut Vec<&'static str>,
    seen: &mut Vec<&'p str>,
) {
    if seen.contains(&name) {
        return;
    }
    seen.push(name);
    let Some(region) = program.regions.iter().find(|r| r.name.name == name) else {
        if let Some((code, _)) = countries::COUNTRIES.iter().find(|(c, _)| *c == name) {
            if !out.contains(code) {
                out.push(code);
            }
        }
        return;
    };
    for member in &region.members {
        expand(program, &member.name, out, seen);
    }
}

pub fn country_list(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| match country_name(c) {
            Some(n) => format!("{c} ({n})"),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a literal means, for hover: `5 business days`, `20%`, `1200 EUR`, a date.
pub fn quantity(q: &QuantityKind, program: &Program) -> String {
    match q {
        QuantityKind::Date(text) => match NaiveDate::from_str(text) {
            Ok(date) => format!(
                "**{text}**: a date, {} {} {} {}",
                date.format("%A"),
                date.day(),
                date.format("%B"),
                date.year()
            ),
            Err(_) => format!("**{text}**: not a date in the calendar"),
        },
        QuantityKind::Number { digits, unit } => {
            let n = digits.as_str();
            match unit {
                UnitSuffix::None => format!("**{n}**: a plain number, without a unit"),
                UnitSuffix::Percent => {
                    let fraction = Decimal::from_str(n)
                        .map(|d| (d / Decimal::ONE_HUNDRED).normalize().to_string())
                        .unwrap_or_default();
                    format!("**{n}%**: a percentage, {fraction} of the amount it applies to")
                }
                UnitSuffix::Currency(code) => {
                    let mut s = format!("**{n} {code}**: an amount of money in {code}");
                    if *code != program.currency && !program.currency.is_empty() {
                        s.push_str(&format!(
                            " (the program's currency is {})",
                            program.currency
                        ));
                    }
                    s
                }
                UnitSuffix::Duration { unit, business } => {
                    let word = unit.word(n != "1");
                    if *business {
                        let holidays = match program.holidays.len() {
                            0 => "no holidays are declared".to_string(),
                            1 => "1 holiday is declared".to_string(),
                            k => format!("{k} holidays are declared"),
                        };
                        let amount: u32 = n.parse().unwrap_or(0);
                        let approx = Duration {
                            amount,
                            unit: DurationUnit::BusinessDays,
                        }
                        .approx_days();
                        format!(
                            "**{n} business {word}**: counted on business days, skipping Saturdays, Sundays and the program's holidays ({holidays}); at most about {approx} calendar days"
                        )
                    } else {
                        let note = match unit {
                            charter_syntax::ast::DurationUnitKw::Month
                            | charter_syntax::ast::DurationUnitKw::Year => {
                                "; a date past the end of a shorter month moves to its last day"
                            }
                            _ => "",
                        };
                        format!("**{n} {word}**: calendar time{note}")
                    }
                }
            }
        }
    }
}

/// The words of the fixed vocabulary, explained.
pub fn vocabulary(word: &str) -> Option<&'static str> {
    Some(match word {
        "payments" => "the commission is a percentage of the payments the customer makes",
        "invoices" => "the commission is a percentage of the invoiced amounts",
        "new" => "only a customer's first (new-business) invoices",
        "renewal" => "only renewal invoices",
        "vendor" => "the vendor",
        "partner" => "the partner",
        "netted" => "the partner keeps the commission out of what it collected",
        "transfer" => "the vendor transfers the commission to the partner",
        "sales" => "payments collected on the partner's attributed customers",
        "orders" => "binding orders of the partner's attributed customers",
        "customers" => "distinct attributed customers",
        "first" => "the earliest claim on a customer wins",
        "last" => "the latest claim on a customer wins",
        "exclusive_first" => "an exclusive attribution wins; otherwise the earliest claim",
        "half_even" => "round half to even (banker's rounding)",
        "half_up" => "round half away from zero",
        "half_down" => "round half toward zero",
        "down" => "round toward zero",
        "up" => "round away from zero",
        "collection" => "when the vendor has collected the money",
        "payment" => "the customer's payment",
        "invoice" => "the invoice",
        "referral" => "the partner refers the customer to the vendor",
        "registration" => "the partner registers the opportunity with the vendor",
        "partner_sale" => "the partner sells to the customer itself",
        "attachment" => "the customer is attached to the partner by account",
        _ => return None,
    })
}
