//! Explanations as data: each payout carries the typed steps that produced
//! it (which rule, which claim, which window, which base, which rate, how
//! it was rounded, when it is due), and they become text only where an
//! output shows them — JSON's `explain`, `--explain ID`, `charter test`.
//! A CSV report never formats one.

use crate::money::Exact;
use crate::plan::{BonusId, Plan, RuleId, TierId};
use charter_ir::*;
use charter_scenario::CollectedBy;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use std::fmt::Write;

/// An exact amount as an explanation shows it (`Exact`'s `Display`): a
/// decimal, or `≈` and twelve places when it does not terminate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Shown {
    pub value: Decimal,
    pub approx: bool,
}

impl Shown {
    pub fn of(x: &Exact) -> Shown {
        let (value, approx) = x.shown();
        Shown { value, approx }
    }
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.approx {
            write!(f, "≈{}", self.value)
        } else {
            write!(f, "{}", self.value)
        }
    }
}

/// How a payout's account settled: the exact running total, rounded, less
/// what was paid before.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SettledWhy {
    pub total: Shown,
    pub already_paid: Decimal,
    /// Nothing was paid before and the total is this payout's own amount.
    pub first: bool,
}

/// Which invoices a commission's window admitted this one under.
#[derive(Clone, Copy, Debug)]
pub(crate) enum WindowWhy {
    None,
    Within {
        start: NaiveDate,
        end: NaiveDate,
        invoice_date: NaiveDate,
    },
    WhileCustomerPays,
    WhileContractActive,
}

/// What the rate applied to: the payout's base, earned on its date.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BaseWhy {
    /// A payment after the invoice was paid in full (an overpayment).
    Further,
    /// The invoice paid in full (the base is what was received).
    Full {
        invoice_amount: Decimal,
    },
    Payment {
        by: CollectedBy,
    },
    Invoice,
}

/// Where the rate came from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RateWhy {
    Flat,
    /// A fixed amount per new customer (no rate).
    Fixed,
    Tier {
        tier: TierId,
        date: NaiveDate,
    },
    /// A bracket by the metric before this payment (whole amount).
    Whole {
        before: Decimal,
        from: NaiveDate,
        date: NaiveDate,
    },
    /// A bracket by the metric with this payment, re-rating the period.
    Retroactive {
        after: Decimal,
        from: NaiveDate,
        date: NaiveDate,
    },
    /// Each part of the payment at its bracket's rate.
    Marginal {
        before: Decimal,
        after: Decimal,
        from: NaiveDate,
        date: NaiveDate,
    },
}

/// Which bound clamped the rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BoundWhy {
    None,
    Capped,
    Raised,
}

/// When it is due, and from what.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DueWhy {
    Unscheduled,
    Within {
        schedule: u16,
        from: NaiveDate,
        what: DueFrom,
    },
    Statement {
        schedule: u16,
        held: NaiveDate,
    },
    Netted,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum DueFrom {
    Invoice,
    FullPayment,
    Payment,
}

/// A commission on a payment or an invoice.
#[derive(Clone, Debug)]
pub(crate) struct CommissionWhy {
    pub rule: RuleId,
    pub method: AttributionMethod,
    pub claimed: NaiveDate,
    pub anchor: NaiveDate,
    /// 0: the whole commission; k: the k-th share of `claims split`.
    pub share: u8,
    pub window: WindowWhy,
    /// The contract ended on this date; income on invoices issued by then is kept.
    pub ended: Option<NaiveDate>,
    pub base: BaseWhy,
    pub rate: RateWhy,
    /// Which of the rule's uplifts applied (bit i: uplift i).
    pub uplifts: u64,
    pub bound: BoundWhy,
    pub exact_rate: Shown,
    pub raw: Shown,
    pub settled: SettledWhy,
    pub due: DueWhy,
}

/// Why a payout was made.
#[derive(Clone, Debug)]
pub(crate) enum Why {
    Commission(CommissionWhy),
    /// A retroactive bracket re-rated an earlier payment.
    TopUp {
        rule: RuleId,
        rate: Decimal,
        old: Decimal,
        paid_on: NaiveDate,
        share: Decimal,
        raw: Shown,
        settled: SettledWhy,
        due: DueWhy,
    },
    /// A refund took back part of a commission.
    Clawback {
        rule: RuleId,
        refunded: Decimal,
        paid_before: Decimal,
        before: Shown,
        taken: Shown,
        settled: SettledWhy,
        due: DueWhy,
    },
    Bonus {
        bonus: BonusId,
        due: DueWhy,
    },
}

/// What rendering an explanation needs besides the payout.
pub(crate) struct Render<'p> {
    pub plan: &'p Plan<'p>,
}

/// The payout fields an explanation mentions.
pub(crate) struct Facts<'s> {
    pub partner: &'s str,
    pub customer: &'s str,
    pub invoice: &'s str,
    pub base: Decimal,
    pub amount: Decimal,
    pub earned: NaiveDate,
}

impl Render<'_> {
    /// The explanation's lines, each pushed to `out` (cleared first).
    pub fn lines(&self, why: &Why, f: &Facts, out: &mut Vec<String>) {
        out.clear();
        let mut line = String::new();
        let emit = |line: &mut String, out: &mut Vec<String>| out.push(std::mem::take(line));
        self.each_line(why, f, &mut line, &mut |l| emit(l, out));
    }

    /// Calls `sink` with each line of the explanation, written into one reused buffer.
    pub fn each_line(
        &self,
        why: &Why,
        f: &Facts,
        buf: &mut String,
        sink: &mut dyn FnMut(&mut String),
    ) {
        let program = self.plan.program;
        let currency = self.plan.currency;
        let rounding = self.plan.rounding_text.as_str();
        let mut line = |buf: &mut String, args: std::fmt::Arguments| {
            buf.clear();
            let _ = buf.write_fmt(args);
            sink(buf);
        };
        match why {
            Why::Commission(c) => {
                let rule = &program.commissions[c.rule.0 as usize];
                let location = &self.plan.rules[c.rule.0 as usize].location;
                line(
                    buf,
                    format_args!(
                        "rule `{}` ({location}), {}",
                        rule.name.name,
                        DescribeRule(rule)
                    ),
                );
                line(
                    buf,
                    format_args!(
                        "attribution: `{}` is `{}`'s by {} ({}){}",
                        f.customer,
                        f.partner,
                        c.method.as_str(),
                        How(c),
                        SharePercent(self.plan.share(c.share))
                    ),
                );
                match c.window {
                    WindowWhy::None => {}
                    WindowWhy::Within {
                        start,
                        end,
                        invoice_date,
                    } => {
                        if let WindowSpec::Within { length, anchor } = &rule.window {
                            line(
                                buf,
                                format_args!(
                                    "window: invoice `{}` of {invoice_date} is within {length} from {} {start} (until {end})",
                                    f.invoice,
                                    anchor.as_str()
                                ),
                            );
                        }
                    }
                    WindowWhy::WhileCustomerPays => line(
                        buf,
                        format_args!("window: for as long as the customer pays"),
                    ),
                    WindowWhy::WhileContractActive => line(
                        buf,
                        format_args!("window: while the partner's contract is active"),
                    ),
                }
                if let Some(end) = c.ended {
                    line(
                        buf,
                        format_args!(
                            "the contract ended on {end}; income on invoices issued by then is kept"
                        ),
                    );
                }
                if let RateSpec::Fixed { amount } = &rule.rate {
                    // A fixed amount: the event it pays for, then the amount.
                    line(
                        buf,
                        format_args!(
                            "new customer: `{}` first paid on {} ({} {currency} on invoice `{}`); paid once per customer",
                            f.customer, f.earned, f.base, f.invoice
                        ),
                    );
                    let share = ShareFactor(self.plan.share(c.share));
                    if c.settled.first {
                        line(
                            buf,
                            format_args!(
                                "amount: {amount} per new customer{share} = {} → {} {currency} ({rounding})",
                                c.raw, f.amount
                            ),
                        );
                    } else {
                        line(
                            buf,
                            format_args!(
                                "amount: {amount} per new customer{share} = {}; {} ({rounding})",
                                c.raw,
                                Settled(&c.settled, f.amount, currency)
                            ),
                        );
                    }
                    self.due_line(&c.due, f.earned, buf, &mut line);
                    return;
                }
                let (amount, date) = (f.base, f.earned);
                match c.base {
                    BaseWhy::Further => line(
                        buf,
                        format_args!("base: a further payment of {amount} {currency} on {date}"),
                    ),
                    BaseWhy::Full { invoice_amount } => line(
                        buf,
                        format_args!(
                            "base: invoice `{}` of {invoice_amount} {currency} paid in full on {date} ({amount} {currency} received)",
                            f.invoice
                        ),
                    ),
                    BaseWhy::Payment { by } => line(
                        buf,
                        format_args!(
                            "base: payment of {amount} {currency} on {date} on invoice `{}`, collected by {}",
                            f.invoice,
                            by.as_str()
                        ),
                    ),
                    BaseWhy::Invoice => line(
                        buf,
                        format_args!(
                            "base: invoice `{}` of {amount} {currency} issued {date}",
                            f.invoice
                        ),
                    ),
                }
                let plain = c.uplifts == 0 && c.bound == BoundWhy::None;
                if let (RateSpec::Flat { rate }, true) = (&rule.rate, plain) {
                    // The common case, written without an intermediate string.
                    line(buf, format_args!("rate: {rate} flat"));
                } else {
                    let mut text = self.rate_text(c, f.base);
                    for (i, u) in rule.uplifts.iter().enumerate() {
                        if i < 64 && c.uplifts & (1 << i) != 0 {
                            let _ = write!(
                                text,
                                " + {} uplift ({})",
                                u.amount,
                                DescribeCondition(&u.condition)
                            );
                        }
                    }
                    if let Some((low, high, _)) = rule.bounds {
                        match c.bound {
                            BoundWhy::Capped => {
                                let _ = write!(text, ", capped at the upper bound {high}");
                            }
                            BoundWhy::Raised => {
                                let _ = write!(text, ", raised to the lower bound {low}");
                            }
                            BoundWhy::None => {}
                        }
                    }
                    line(buf, format_args!("{text}"));
                }
                let share = ShareFactor(self.plan.share(c.share));
                if c.settled.first {
                    line(
                        buf,
                        format_args!(
                            "amount: {} × {}%{share} = {} → {} {currency} ({rounding})",
                            f.base, c.exact_rate, c.raw, f.amount
                        ),
                    );
                } else {
                    line(
                        buf,
                        format_args!(
                            "amount: {} × {}%{share} = {}; {} ({rounding})",
                            f.base,
                            c.exact_rate,
                            c.raw,
                            Settled(&c.settled, f.amount, currency)
                        ),
                    );
                }
                self.due_line(&c.due, f.earned, buf, &mut line);
            }
            Why::TopUp {
                rule,
                rate,
                old,
                paid_on,
                share,
                raw,
                settled,
                due,
            } => {
                let r = &program.commissions[rule.0 as usize];
                let location = &self.plan.rules[rule.0 as usize].location;
                line(
                    buf,
                    format_args!("rule `{}` ({location}), retroactive brackets", r.name.name),
                );
                line(
                    buf,
                    format_args!(
                        "the bracket rate rose to {}% on {}: the payment of {} on {paid_on}, paid at {}%, is re-rated",
                        rate.normalize(),
                        f.earned,
                        f.base,
                        old.normalize()
                    ),
                );
                let share = if *share < Decimal::ONE {
                    format!(" × {}", share.normalize())
                } else {
                    String::new()
                };
                line(
                    buf,
                    format_args!(
                        "amount: {} × ({}% − {}%){share} = {raw}; {} ({rounding})",
                        f.base,
                        rate.normalize(),
                        old.normalize(),
                        Settled(settled, f.amount, currency)
                    ),
                );
                self.due_line(due, f.earned, buf, &mut line);
            }
            Why::Clawback {
                rule,
                refunded,
                paid_before,
                before,
                taken,
                settled,
                due,
            } => {
                let r = &program.commissions[rule.0 as usize];
                let location = &self.plan.rules[rule.0 as usize].location;
                line(
                    buf,
                    format_args!("rule `{}` ({location}): clawback on refund", r.name.name),
                );
                line(
                    buf,
                    format_args!(
                        "refund of {refunded} {currency} on {} on invoice `{}`, of the {paid_before} {currency} paid on it",
                        f.earned, f.invoice
                    ),
                );
                line(
                    buf,
                    format_args!(
                        "amount: −{before} commission × {refunded} refunded / {paid_before} paid = −{taken}; {} ({rounding})",
                        Settled(settled, f.amount, currency)
                    ),
                );
                self.due_line(due, f.earned, buf, &mut line);
            }
            Why::Bonus { bonus, due } => {
                let b = &program.bonuses[bonus.0 as usize];
                let location = &self.plan.bonuses[bonus.0 as usize].location;
                line(
                    buf,
                    format_args!(
                        "bonus `{}` ({location}): {} {} when {}",
                        b.name.name,
                        match b.frequency {
                            BonusFrequency::Once => "once",
                            BonusFrequency::OncePerYear => "once per year",
                        },
                        b.amount,
                        DescribeCondition(&b.condition)
                    ),
                );
                line(buf, format_args!("condition met on {}", f.earned));
                self.due_line(due, f.earned, buf, &mut line);
            }
        }
    }

    fn rate_text(&self, c: &CommissionWhy, base: Decimal) -> String {
        let rule = &self.plan.program.commissions[c.rule.0 as usize];
        let currency = self.plan.currency;
        match (&rule.rate, c.rate) {
            (RateSpec::Flat { rate }, _) => format!("rate: {rate} flat"),
            (RateSpec::ByTier { rates }, RateWhy::Tier { tier, date }) => {
                let tier_name = &self.plan.program.tiers[tier.0 as usize].name.name;
                let rate = rates
                    .iter()
                    .find(|x| &x.tier.name == tier_name)
                    .map(|x| x.rate.to_string())
                    .unwrap_or_default();
                format!("rate: {rate} for tier `{tier_name}` (the partner's standing on {date})")
            }
            (RateSpec::Brackets { table }, why) => {
                let unit = if table.metric.kind == MetricKind::Sales {
                    format!(" {currency}")
                } else {
                    String::new()
                };
                let metric_text = |value: Decimal, from: NaiveDate, date: NaiveDate, what: &str| {
                    format!(
                        "{} over trailing {} ({}..{}) {what} = {value}{unit}",
                        metric_name(table.metric.kind),
                        table.metric.trailing,
                        from,
                        date
                    )
                };
                match why {
                    RateWhy::Whole { before, from, date } => {
                        let bracket = find_bracket(&table.brackets, before);
                        format!(
                            "rate: {}% from bracket {} ({}, whole amount)",
                            bracket.map_or(Decimal::ZERO, |b| b.rate.0).normalize(),
                            bracket.map(|b| bracket_text(b, &unit)).unwrap_or_default(),
                            metric_text(before, from, date, "before this payment")
                        )
                    }
                    RateWhy::Retroactive { after, from, date } => {
                        let bracket = find_bracket(&table.brackets, after);
                        format!(
                            "rate: {}% from bracket {} ({}, retroactive)",
                            bracket.map_or(Decimal::ZERO, |b| b.rate.0).normalize(),
                            bracket.map(|b| bracket_text(b, &unit)).unwrap_or_default(),
                            metric_text(after, from, date, "with this payment")
                        )
                    }
                    RateWhy::Marginal {
                        before,
                        after,
                        from,
                        date,
                    } => {
                        let (rate, parts) = marginal(&table.brackets, before, after, base);
                        format!(
                            "rate: marginal over brackets ({}): {} = {}% effective",
                            metric_text(after, from, date, "with this payment"),
                            parts.join(" + "),
                            rate.to_decimal().round_dp(4).normalize()
                        )
                    }
                    RateWhy::Flat | RateWhy::Fixed | RateWhy::Tier { .. } => String::new(),
                }
            }
            (RateSpec::ByTier { .. }, _) => String::new(),
            (RateSpec::Fixed { amount }, _) => format!("{amount} per new customer"),
        }
    }

    fn due_line(
        &self,
        due: &DueWhy,
        earned: NaiveDate,
        buf: &mut String,
        line: &mut dyn FnMut(&mut String, std::fmt::Arguments),
    ) {
        let hold_text = |s: &PayoutSchedule| match s.hold {
            Some(h) => format!(" after a hold of {h}"),
            None => String::new(),
        };
        match *due {
            DueWhy::Unscheduled => line(
                buf,
                format_args!("due: the policy sets no payout timing, so it is due when earned"),
            ),
            DueWhy::Within {
                schedule,
                from,
                what,
            } => {
                let s = self.plan.schedules[schedule as usize];
                if let PayoutTiming::Within { delay, .. } = &s.timing {
                    let what = match what {
                        DueFrom::Invoice => "the invoice",
                        DueFrom::FullPayment => "the full payment",
                        DueFrom::Payment => "the payment",
                    };
                    let due = delay.after(from, self.plan.holidays);
                    line(
                        buf,
                        format_args!(
                            "due: within {delay} after {what} on {from}{} → {due}",
                            hold_text(s)
                        ),
                    );
                }
            }
            DueWhy::Statement { schedule, held } => {
                let s = self.plan.schedules[schedule as usize];
                if let PayoutTiming::Statement { period, delay, .. } = &s.timing {
                    let end = period.end_of(held);
                    let due = delay.after(end, self.plan.holidays);
                    line(
                        buf,
                        format_args!(
                            "due: on the statement {} closing {end}{}, paid within {delay} → by {due}",
                            period.as_str(),
                            hold_text(s)
                        ),
                    );
                }
                if let PayoutTiming::MonthlyStatement { week, .. } = &s.timing {
                    let due = statement_due(held, *week);
                    line(
                        buf,
                        format_args!(
                            "due: on the statement of {}-{:02}{}, paid in week {week} of the next month → by {due}",
                            held.year(),
                            held.month(),
                            hold_text(s)
                        ),
                    );
                }
            }
            DueWhy::Netted => line(buf, format_args!("due: netted at source on {earned}")),
        }
    }
}

/// How the claim was made: "referred D, ordered D", "sold D"...
struct How<'a>(&'a CommissionWhy);

impl std::fmt::Display for How<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.0;
        match c.method {
            AttributionMethod::Referral => {
                write!(f, "referred {}, ordered {}", c.anchor, c.claimed)
            }
            AttributionMethod::Registration => {
                write!(f, "registered {}, approved {}", c.anchor, c.claimed)
            }
            AttributionMethod::Attachment => write!(f, "attached {}", c.claimed),
            AttributionMethod::PartnerSale => write!(f, "sold {}", c.claimed),
        }
    }
}

/// ", share 50%" for a split commission; nothing for a whole one.
struct SharePercent(Decimal);

impl std::fmt::Display for SharePercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 < Decimal::ONE {
            write!(
                f,
                ", share {}%",
                (self.0 * Decimal::ONE_HUNDRED).normalize()
            )
        } else {
            Ok(())
        }
    }
}

/// " × 0.5" for a split commission; nothing for a whole one.
struct ShareFactor(Decimal);

impl std::fmt::Display for ShareFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 < Decimal::ONE {
            write!(f, " × {}", self.0.normalize())
        } else {
            Ok(())
        }
    }
}

/// The settlement sentence: "running total on the invoice T → R, less P already paid = A".
struct Settled<'a>(&'a SettledWhy, Decimal, &'a str);

impl std::fmt::Display for Settled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Settled(s, amount, currency) = self;
        write!(
            f,
            "running total on the invoice {} → {} {currency}, less {} already paid = {amount} {currency}",
            s.total, *amount + s.already_paid, s.already_paid
        )
    }
}

/// The due date of a monthly statement for an amount held until `held`.
pub(crate) fn statement_due(held: NaiveDate, week: u32) -> NaiveDate {
    let (year, month) = if held.month() == 12 {
        (held.year() + 1, 1)
    } else {
        (held.year(), held.month() + 1)
    };
    let day = (week * 7).min(28);
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(held)
}

/// Marginal brackets: the commission on `base` rising from `before` to
/// `after`, as an effective rate in percent, and the parts it is made of.
pub(crate) fn marginal(
    brackets: &[Bracket],
    before: Decimal,
    after: Decimal,
    base: Decimal,
) -> (Exact, Vec<String>) {
    let mut commission = Exact::zero();
    let mut parts = Vec::new();
    for b in brackets {
        let low = b.low.unwrap_or(Decimal::MIN).max(before);
        let high = b.high.unwrap_or(Decimal::MAX).min(after);
        if high > low {
            let part = high - low;
            commission = commission.add(&Exact::percent(part).mul_decimal(b.rate.0));
            parts.push(format!("{part} at {}", b.rate));
        }
    }
    let rate = commission
        .mul_decimal(Decimal::ONE_HUNDRED)
        .div(&Exact::from_decimal(base))
        .unwrap_or_else(Exact::zero);
    (rate, parts)
}

pub(crate) fn find_bracket(brackets: &[Bracket], value: Decimal) -> Option<&Bracket> {
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

pub(crate) fn metric_name(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Sales => "sales",
        MetricKind::Orders => "orders",
        MetricKind::Customers => "customers",
    }
}

/// A condition as the policy writes it.
pub(crate) struct DescribeCondition<'a>(pub &'a Condition);

impl std::fmt::Display for DescribeCondition<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Condition::Staff {
                qualification,
                comparator,
                count,
            } => write!(
                f,
                "staff {} {} {count}",
                qualification.name,
                comparator.as_str()
            ),
            Condition::Metric {
                metric,
                comparator,
                threshold,
            } => write!(
                f,
                "{} over trailing {} {} {threshold}",
                metric_name(metric.kind),
                metric.trailing,
                comparator.as_str()
            ),
            Condition::Elected { benefit } => write!(f, "elected {}", benefit.name),
        }
    }
}

/// A commission rule in one line: rate, base, window.
struct DescribeRule<'a>(&'a CommissionRule);

impl std::fmt::Display for DescribeRule<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rule = self.0;
        match &rule.rate {
            RateSpec::Flat { rate } => write!(f, "{rate}")?,
            RateSpec::Fixed { amount } => write!(f, "{amount}")?,
            RateSpec::ByTier { .. } => f.write_str("a rate by tier")?,
            RateSpec::Brackets { table } => write!(
                f,
                "a rate by {} over trailing {}",
                metric_name(table.metric.kind),
                table.metric.trailing
            )?,
        }
        f.write_str(match rule.base.kind {
            BaseKind::Payments => " of payments",
            BaseKind::Invoices => " of invoices",
            BaseKind::NewCustomer => " per new customer",
        })?;
        f.write_str(match rule.base.invoices {
            InvoiceFilter::Any => "",
            InvoiceFilter::New => " on new invoices",
            InvoiceFilter::Renewal => " on renewal invoices",
        })?;
        f.write_str(match rule.base.collected_by {
            Some(Collector::Vendor) => " collected by the vendor",
            Some(Collector::Partner) => " collected by the partner",
            None => "",
        })?;
        if let Some((path, _)) = rule.base.path {
            write!(f, " of customers won by {}", path.as_str())?;
        }
        match &rule.window {
            WindowSpec::Within { length, anchor } => {
                write!(f, ", within {length} from {}", anchor.as_str())
            }
            WindowSpec::Lifetime => f.write_str(", for lifetime"),
            WindowSpec::WhileContractActive => f.write_str(", while the contract is active"),
            WindowSpec::WhileCustomerPays => f.write_str(", while the customer pays"),
            WindowSpec::Unbounded => Ok(()),
        }
    }
}
