//! Explanations as data: each payout carries the typed steps that produced
//! it (which rule, which claim, which window, which base, which rate, how
//! it was rounded, when it is due), and they become text only where an
//! output shows them — JSON's `explain`, `--explain ID`, `charter test`.
//! A CSV report never formats one.

use crate::money::Exact;
use crate::plan::{BonusId, Plan, RuleId, TierId};
use crate::text::{Lines, StringLines};
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
    /// The invoice paid in full (the base is what was received, less the
    /// refunds' share; of the collector the filter accepts, if any).
    Full {
        invoice_amount: Decimal,
        by: Option<Collector>,
        /// Whether the base shown is rounded (a fraction that is no decimal).
        approximate: bool,
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
    /// What only some commissions show, boxed: one pointer wide.
    pub detail: Option<Box<CommissionDetail>>,
}

/// The rarer parts of a commission's explanation.
#[derive(Clone, Debug)]
pub(crate) struct CommissionDetail {
    /// A rate by tier whose tiers measure composite metrics: what they
    /// measured on the rate's date (`crate::composite`).
    pub standing: Option<String>,
    /// A capped commission: what its caps had used, and any cut (`caps.rs`).
    pub caps: Option<crate::caps::CapWhy>,
    /// Paid at the cut-back rate after a missed deadline (`cutback.rs`).
    pub cut: Option<crate::cutback::CutFacts>,
}

impl CommissionDetail {
    /// The detail to keep; none when there is nothing to show.
    pub fn boxed(
        standing: Option<String>,
        caps: Option<crate::caps::CapWhy>,
        cut: Option<crate::cutback::CutFacts>,
    ) -> Option<Box<CommissionDetail>> {
        (standing.is_some() || caps.is_some() || cut.is_some()).then(|| {
            Box::new(CommissionDetail {
                standing,
                caps,
                cut,
            })
        })
    }
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
        /// Cut to what a money cap had left (`caps.rs`).
        cut: Option<Shown>,
        settled: SettledWhy,
        due: DueWhy,
    },
    /// A refund took back part of a commission.
    Clawback {
        rule: RuleId,
        refunded: Decimal,
        paid_before: Decimal,
        before: Shown,
        /// What earlier refunds outside the clawback window kept for good
        /// (left out of `before`), when any.
        kept: Option<Shown>,
        taken: Shown,
        settled: SettledWhy,
        due: DueWhy,
    },
    Bonus {
        bonus: BonusId,
        due: DueWhy,
    },
    /// A payout on a schedule with a minimum or withholding: its own
    /// explanation, then what its statements did (`balances.rs`).
    Balanced {
        inner: Box<Why>,
        balance: crate::balances::BalanceWhy,
    },
    /// An amount forfeited: taken back on the day (`balances.rs`).
    Forfeited {
        amount: Decimal,
        earned: NaiveDate,
        forfeit: crate::balances::Forfeit,
    },
    /// A payout of a `paid only if active` commission: its own
    /// explanation, then how long it waited (`active.rs`).
    HeldUntilActive {
        inner: Box<Why>,
        hold: crate::active::ActiveHold,
    },
    /// A held payout forfeited when the partner left early (`active.rs`).
    ForfeitedInactive {
        amount: Decimal,
        earned: NaiveDate,
        hold: crate::active::ActiveHold,
    },
    /// A commission cut back on its deadline (`cutback.rs`).
    CutBack(Box<crate::cutback::CutBackWhy>),
}

/// Text each explanation of a rule or schedule repeats, written once per run.
pub(crate) struct Texts {
    /// Per commission rule: "rule `x` (file:line:col), 20% of payments, …".
    heads: Vec<String>,
    /// Per commission rule with a flat rate: "rate: 20% flat".
    flat: Vec<Option<String>>,
    /// Per commission rule with a `within` window: "12 months from first_invoice".
    windows: Vec<Option<String>>,
    /// Per payout schedule: the delay of a `within` timing and the hold
    /// (" after a hold of …" or nothing).
    delays: Vec<(String, String)>,
}

impl Texts {
    pub fn new(plan: &Plan) -> Texts {
        let rules = &plan.program.commissions;
        Texts {
            heads: rules
                .iter()
                .zip(&plan.rules)
                .map(|(rule, p)| {
                    format!(
                        "rule `{}` ({}), {}",
                        rule.name.name,
                        p.location,
                        DescribeRule(rule)
                    )
                })
                .collect(),
            flat: rules
                .iter()
                .map(|rule| match &rule.rate {
                    RateSpec::Flat { rate } => Some(format!("rate: {rate} flat")),
                    RateSpec::ByTier { .. }
                    | RateSpec::Brackets { .. }
                    | RateSpec::Fixed { .. } => None,
                })
                .collect(),
            windows: rules
                .iter()
                .map(|rule| match &rule.window {
                    WindowSpec::Within { length, anchor } if rule.per_subscription.is_some() => {
                        Some(format!(
                            "{length} from its subscription's {}",
                            anchor.as_str()
                        ))
                    }
                    WindowSpec::Within { length, anchor } => {
                        Some(format!("{length} from {}", anchor.as_str()))
                    }
                    WindowSpec::Unbounded
                    | WindowSpec::Lifetime
                    | WindowSpec::WhileContractActive
                    | WindowSpec::WhileCustomerPays => None,
                })
                .collect(),
            delays: plan
                .schedules
                .iter()
                .map(|s| {
                    let delay = match &s.timing {
                        PayoutTiming::Within { delay, .. } => delay.to_string(),
                        PayoutTiming::MonthlyStatement { .. }
                        | PayoutTiming::Statement { .. }
                        | PayoutTiming::NettedAtSource => String::new(),
                    };
                    let hold = match s.hold {
                        Some(h) => format!(" after a hold of {h}"),
                        None => String::new(),
                    };
                    (delay, hold)
                })
                .collect(),
        }
    }
}

/// What rendering an explanation needs besides the payout.
pub(crate) struct Render<'p> {
    pub plan: &'p Plan<'p>,
    pub texts: &'p Texts,
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

/// A whole line, formatted (the rare lines).
fn line<S: Lines + ?Sized>(s: &mut S, args: std::fmt::Arguments) {
    s.start();
    s.fmt(args);
    s.end();
}

/// An exact amount as shown: `≈` first when it does not terminate.
fn shown<S: Lines + ?Sized>(s: &mut S, x: Shown) {
    if x.approx {
        s.lit("≈");
    }
    s.dec(x.value);
}

impl Render<'_> {
    /// The explanation's lines, each pushed to `out` (cleared first).
    pub fn lines(&self, why: &Why, f: &Facts, out: &mut Vec<String>) {
        out.clear();
        let mut sink = StringLines {
            line: String::new(),
            out,
        };
        self.write(why, f, &mut sink);
    }

    /// Writes the explanation's lines to `s`.
    pub fn write<S: Lines + ?Sized>(&self, why: &Why, f: &Facts, s: &mut S) {
        let program = self.plan.program;
        let currency = self.plan.currency;
        let rounding = self.plan.rounding_text.as_str();
        match why {
            Why::Commission(c) => {
                let r = c.rule.0 as usize;
                let rule = &program.commissions[r];
                s.line(&self.texts.heads[r]);

                s.start();
                s.lit("attribution: `");
                s.text(f.customer);
                s.lit("` is `");
                s.text(f.partner);
                s.lit("`'s by ");
                s.lit(c.method.as_str());
                s.lit(" (");
                match c.method {
                    AttributionMethod::Referral => {
                        s.lit("referred ");
                        s.date(c.anchor);
                        s.lit(", ordered ");
                        s.date(c.claimed);
                    }
                    AttributionMethod::Registration => {
                        s.lit("registered ");
                        s.date(c.anchor);
                        s.lit(", approved ");
                        s.date(c.claimed);
                    }
                    AttributionMethod::Attachment => {
                        s.lit("attached ");
                        s.date(c.claimed);
                    }
                    AttributionMethod::PartnerSale => {
                        s.lit("sold ");
                        s.date(c.claimed);
                    }
                }
                s.lit(")");
                let share = self.plan.share(c.share);
                if share < Decimal::ONE {
                    s.lit(", share ");
                    s.dec((share * Decimal::ONE_HUNDRED).normalize());
                    s.lit("%");
                }
                s.end();

                match c.window {
                    WindowWhy::None => {}
                    WindowWhy::Within {
                        start,
                        end,
                        invoice_date,
                    } => {
                        if let Some(window) = &self.texts.windows[r] {
                            s.start();
                            match event_word(rule.base.kind) {
                                // A trial or lead: its own date is windowed.
                                Some(event) => {
                                    s.lit("window: the ");
                                    s.lit(event);
                                    s.lit(" on ");
                                }
                                None => {
                                    s.lit("window: invoice `");
                                    s.text(f.invoice);
                                    s.lit("` of ");
                                }
                            }
                            s.date(invoice_date);
                            s.lit(" is within ");
                            s.text(window);
                            s.lit(" ");
                            s.date(start);
                            s.lit(" (until ");
                            s.date(end);
                            s.lit(")");
                            s.end();
                        }
                    }
                    WindowWhy::WhileCustomerPays => {
                        s.line("window: for as long as the customer pays")
                    }
                    WindowWhy::WhileContractActive => {
                        s.line("window: while the partner's contract is active")
                    }
                }
                if let Some(end) = c.ended {
                    s.start();
                    s.lit("the contract ended on ");
                    s.date(end);
                    s.lit("; income on invoices issued by then is kept");
                    s.end();
                }
                if let (RateSpec::Fixed { amount }, Some(event)) =
                    (&rule.rate, event_word(rule.base.kind))
                {
                    // A fixed amount per trial or lead: the customer's first.
                    s.start();
                    s.lit(event);
                    s.lit(": `");
                    s.text(f.customer);
                    s.lit("`'s first ");
                    s.lit(event);
                    s.lit(" on ");
                    s.date(f.earned);
                    s.lit("; paid once per customer, no invoice (rounded on its own)");
                    s.end();
                    self.fixed_amount(amount, event, c, f, s);
                    return;
                }
                if let RateSpec::Fixed { amount } = &rule.rate {
                    // A fixed amount: the event it pays for, then the amount.
                    s.start();
                    s.lit("new customer: `");
                    s.text(f.customer);
                    s.lit("` first paid on ");
                    s.date(f.earned);
                    s.lit(" (");
                    s.dec(f.base);
                    s.lit(" ");
                    s.text(currency);
                    s.lit(" on invoice `");
                    s.text(f.invoice);
                    s.lit("`); paid once per customer");
                    s.end();
                    self.fixed_amount(amount, "new customer", c, f, s);
                    return;
                }

                let (amount, date) = (f.base, f.earned);
                s.start();
                match c.base {
                    BaseWhy::Further => {
                        s.lit("base: a further payment of ");
                        s.dec(amount);
                        s.lit(" ");
                        s.text(currency);
                        s.lit(" on ");
                        s.date(date);
                    }
                    BaseWhy::Full {
                        invoice_amount,
                        by,
                        approximate,
                    } => {
                        s.lit("base: invoice `");
                        s.text(f.invoice);
                        s.lit("` of ");
                        s.dec(invoice_amount);
                        s.lit(" ");
                        s.text(currency);
                        s.lit(" paid in full on ");
                        s.date(date);
                        s.lit(if approximate { " (≈" } else { " (" });
                        s.dec(amount);
                        s.lit(" ");
                        s.text(currency);
                        s.lit(" received");
                        if let Some(by) = by {
                            s.lit(", collected by ");
                            s.lit(match by {
                                Collector::Vendor => "vendor",
                                Collector::Partner => "partner",
                            });
                        }
                        s.lit(")");
                    }
                    BaseWhy::Payment { by } => {
                        s.lit("base: payment of ");
                        s.dec(amount);
                        s.lit(" ");
                        s.text(currency);
                        s.lit(" on ");
                        s.date(date);
                        s.lit(" on invoice `");
                        s.text(f.invoice);
                        s.lit("`, collected by ");
                        s.lit(by.as_str());
                    }
                    BaseWhy::Invoice => {
                        s.lit("base: invoice `");
                        s.text(f.invoice);
                        s.lit("` of ");
                        s.dec(amount);
                        s.lit(" ");
                        s.text(currency);
                        s.lit(" issued ");
                        s.date(date);
                    }
                }
                s.end();

                let plain = c.uplifts == 0 && c.bound == BoundWhy::None;
                match (&self.texts.flat[r], plain) {
                    (Some(flat), true) => s.line(flat),
                    _ => {
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
                        s.line(&text);
                    }
                }
                if let Some(standing) = c.detail.as_ref().and_then(|d| d.standing.as_ref()) {
                    s.start();
                    s.lit("standing: ");
                    s.text(standing);
                    s.end();
                }
                if let Some(cut) = c.detail.as_ref().and_then(|d| d.cut.as_ref()) {
                    crate::cutback::write_cut_rate(self, c.rule, cut, s);
                }

                self.cap_lines(c, s);
                s.start();
                s.lit("amount: ");
                if matches!(
                    c.base,
                    BaseWhy::Full {
                        approximate: true,
                        ..
                    }
                ) {
                    s.lit("≈");
                }
                s.dec(f.base);
                s.lit(" × ");
                shown(s, c.exact_rate);
                s.lit("%");
                self.amount_rest(s, c, f);
                self.due_line(&c.due, f.earned, s);
            }
            Why::TopUp {
                rule,
                rate,
                old,
                paid_on,
                share,
                raw,
                cut,
                settled: how,
                due,
            } => {
                let r = &program.commissions[rule.0 as usize];
                let location = &self.plan.rules[rule.0 as usize].location;
                line(
                    s,
                    format_args!("rule `{}` ({location}), retroactive brackets", r.name.name),
                );
                line(
                    s,
                    format_args!(
                        "the bracket rate rose to {}% on {}: the payment of {} on {paid_on}, paid at {}%, is re-rated",
                        rate.normalize(),
                        f.earned,
                        f.base,
                        old.normalize()
                    ),
                );
                s.start();
                s.fmt(format_args!(
                    "amount: {} × ({}% − {}%)",
                    f.base,
                    rate.normalize(),
                    old.normalize()
                ));
                if *share < Decimal::ONE {
                    s.lit(" × ");
                    s.dec(share.normalize());
                }
                s.lit(" = ");
                shown(s, *raw);
                if let Some(cut) = cut {
                    s.lit(", capped to ");
                    shown(s, *cut);
                }
                s.lit("; ");
                settled(s, how, f.amount, currency);
                s.lit(" (");
                s.text(rounding);
                s.lit(")");
                s.end();
                self.due_line(due, f.earned, s);
            }
            Why::Clawback {
                rule,
                refunded,
                paid_before,
                before,
                kept,
                taken,
                settled: how,
                due,
            } => {
                let r = &program.commissions[rule.0 as usize];
                let location = &self.plan.rules[rule.0 as usize].location;
                line(
                    s,
                    format_args!("rule `{}` ({location}): clawback on refund", r.name.name),
                );
                line(
                    s,
                    format_args!(
                        "refund of {refunded} {currency} on {} on invoice `{}`, of the {paid_before} {currency} paid on it",
                        f.earned, f.invoice
                    ),
                );
                s.start();
                s.fmt(format_args!("amount: −{before} commission"));
                if let Some(kept) = kept {
                    s.fmt(format_args!(
                        " (the running total less {kept} kept by refunds outside the clawback window)"
                    ));
                }
                s.fmt(format_args!(
                    " × {refunded} refunded / {paid_before} paid = −{taken}; "
                ));
                settled(s, how, f.amount, currency);
                s.lit(" (");
                s.text(rounding);
                s.lit(")");
                s.end();
                self.due_line(due, f.earned, s);
            }
            Why::Bonus { bonus, due } => {
                let b = &program.bonuses[bonus.0 as usize];
                let location = &self.plan.bonuses[bonus.0 as usize].location;
                line(
                    s,
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
                s.start();
                s.lit("condition met on ");
                s.date(f.earned);
                s.end();
                self.due_line(due, f.earned, s);
            }
            Why::Balanced { inner, balance } => {
                self.write(inner, f, s);
                crate::balances::write_balance(self.plan, balance, s);
            }
            Why::Forfeited {
                amount,
                earned,
                forfeit,
            } => crate::balances::write_forfeit(currency, *amount, *earned, forfeit, s),
            Why::HeldUntilActive { inner, hold } => {
                self.write(inner, f, s);
                crate::active::write_hold(hold, s);
            }
            Why::ForfeitedInactive {
                amount,
                earned,
                hold,
            } => crate::active::write_forfeit(currency, *amount, *earned, hold, s),
            Why::CutBack(why) => crate::cutback::write_cut_back(self, why, f.invoice, f.amount, s),
        }
    }

    /// A fixed amount's amount and due lines (`amount: 200 USD per new customer …`).
    fn fixed_amount<S: Lines + ?Sized>(
        &self,
        amount: &Money,
        per: &str,
        c: &CommissionWhy,
        f: &Facts,
        s: &mut S,
    ) {
        self.cap_lines(c, s);
        s.start();
        s.fmt(format_args!("amount: {amount} per {per}"));
        self.amount_rest(s, c, f);
        self.due_line(&c.due, f.earned, s);
    }

    /// A capped commission's `cap:` lines (`caps.rs`).
    fn cap_lines<S: Lines + ?Sized>(&self, c: &CommissionWhy, s: &mut S) {
        if let Some(caps) = c.detail.as_ref().and_then(|d| d.caps.as_ref()) {
            let rule = &self.plan.program.commissions[c.rule.0 as usize];
            crate::caps::write_caps(&rule.caps, caps, self.plan.currency, s);
        }
    }

    /// The rest of a commission's amount line after its rate: the split
    /// share, the exact amount, how it settled, the rounding; ends the line.
    fn amount_rest<S: Lines + ?Sized>(&self, s: &mut S, c: &CommissionWhy, f: &Facts) {
        let currency = self.plan.currency;
        let share = self.plan.share(c.share);
        if share < Decimal::ONE {
            s.lit(" × ");
            s.dec(share.normalize());
        }
        s.lit(" = ");
        shown(s, c.raw);
        if let Some(cut) = c.detail.as_ref().and_then(|d| d.caps.as_ref()?.cut) {
            s.lit(", capped to ");
            shown(s, cut);
        }
        if c.settled.first {
            s.lit(" → ");
            s.dec(f.amount);
            s.lit(" ");
            s.text(currency);
        } else {
            s.lit("; ");
            settled(s, &c.settled, f.amount, currency);
        }
        s.lit(" (");
        s.text(self.plan.rounding_text.as_str());
        s.lit(")");
        s.end();
    }

    fn rate_text(&self, c: &CommissionWhy, base: Decimal) -> String {
        let rule = &self.plan.program.commissions[c.rule.0 as usize];
        let currency = self.plan.currency;
        match (&rule.rate, c.rate) {
            (RateSpec::Flat { rate }, _) => format!("rate: {rate} flat"),
            (RateSpec::ByTier { .. }, RateWhy::Tier { tier, date }) => {
                let tier_name = &self.plan.program.tiers[tier.0 as usize].name.name;
                let rate = self.plan.rules[c.rule.0 as usize]
                    .tier_rates
                    .get(tier.0 as usize)
                    .copied()
                    .flatten()
                    .map(|r| r.to_string())
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
            (RateSpec::Fixed { amount }, _) => match event_word(rule.base.kind) {
                Some(event) => format!("{amount} per {event}"),
                None => format!("{amount} per new customer"),
            },
        }
    }

    pub(crate) fn due_line<S: Lines + ?Sized>(&self, due: &DueWhy, earned: NaiveDate, s: &mut S) {
        match *due {
            DueWhy::Unscheduled => {
                s.line("due: the policy sets no payout timing, so it is due when earned")
            }
            DueWhy::Within {
                schedule,
                from,
                what,
            } => {
                let sch = self.plan.schedules[schedule as usize];
                if let PayoutTiming::Within { delay, .. } = &sch.timing {
                    let (delay_text, hold) = &self.texts.delays[schedule as usize];
                    s.start();
                    s.lit("due: within ");
                    s.text(delay_text);
                    s.lit(match what {
                        DueFrom::Invoice => " after the invoice on ",
                        DueFrom::FullPayment => " after the full payment on ",
                        DueFrom::Payment => " after the payment on ",
                    });
                    s.date(from);
                    s.text(hold);
                    s.lit(" → ");
                    s.date(delay.after(from, self.plan.holidays));
                    s.end();
                }
            }
            DueWhy::Statement { schedule, held } => {
                let sch = self.plan.schedules[schedule as usize];
                let hold = &self.texts.delays[schedule as usize].1;
                if let PayoutTiming::Statement { period, delay, .. } = &sch.timing {
                    let end = period.end_of(held);
                    let due = delay.after(end, self.plan.holidays);
                    line(
                        s,
                        format_args!(
                            "due: on the statement {} closing {end}{hold}, paid within {delay} → by {due}",
                            period.as_str(),
                        ),
                    );
                }
                if let PayoutTiming::MonthlyStatement { week, .. } = &sch.timing {
                    let due = statement_due(held, *week);
                    line(
                        s,
                        format_args!(
                            "due: on the statement of {}-{:02}{hold}, paid in week {week} of the next month → by {due}",
                            held.year(),
                            held.month(),
                        ),
                    );
                }
            }
            DueWhy::Netted => {
                s.start();
                s.lit("due: netted at source on ");
                s.date(earned);
                s.end();
            }
        }
    }
}

/// The settlement sentence: "running total on the invoice T → R, less P already paid = A".
pub(crate) fn settled<S: Lines + ?Sized>(
    s: &mut S,
    how: &SettledWhy,
    amount: Decimal,
    currency: &str,
) {
    s.lit("running total on the invoice ");
    shown(s, how.total);
    s.lit(" → ");
    s.dec(amount + how.already_paid);
    s.lit(" ");
    s.text(currency);
    s.lit(", less ");
    s.dec(how.already_paid);
    s.lit(" already paid = ");
    s.dec(amount);
    s.lit(" ");
    s.text(currency);
}

/// The due date of a monthly statement for an amount held until `held`:
/// the end of week `week` of the next month, its day 7 × N, or its last day
/// when the month is shorter (LANGUAGE.md §4, Due dates: week 5 of March
/// ends on the 31st, of February on the 28th or 29th).
pub(crate) fn statement_due(held: NaiveDate, week: u32) -> NaiveDate {
    let (year, month) = if held.month() == 12 {
        (held.year() + 1, 1)
    } else {
        (held.year(), held.month() + 1)
    };
    let last = NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .map_or(28, |last| last.day());
    let day = (week * 7).min(last);
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

/// The event a fixed amount per trial or per qualified lead pays for.
fn event_word(kind: BaseKind) -> Option<&'static str> {
    match kind {
        BaseKind::Trial => Some("trial"),
        BaseKind::QualifiedLead => Some("qualified lead"),
        BaseKind::Payments | BaseKind::Invoices | BaseKind::NewCustomer => None,
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
            BaseKind::Trial => " per trial",
            BaseKind::QualifiedLead => " per qualified lead",
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
        if rule.base.first_subscription.is_some() {
            f.write_str(" on the customer's first subscription")?;
        }
        match &rule.window {
            WindowSpec::Within { length, anchor } if rule.per_subscription.is_some() => write!(
                f,
                ", within {length} from {} per subscription",
                anchor.as_str()
            ),
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

#[cfg(test)]
mod statement_weeks {
    use super::statement_due;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Week 5 ends on the month's last day, not on the 28th.
    #[test]
    fn week_five_ends_on_the_last_day_of_a_short_month() {
        assert_eq!(statement_due(day(2026, 1, 10), 2), day(2026, 2, 14));
        assert_eq!(statement_due(day(2026, 1, 10), 5), day(2026, 2, 28));
        assert_eq!(statement_due(day(2028, 1, 10), 5), day(2028, 2, 29));
        assert_eq!(statement_due(day(2026, 2, 10), 5), day(2026, 3, 31));
        assert_eq!(statement_due(day(2026, 3, 10), 5), day(2026, 4, 30));
        assert_eq!(statement_due(day(2026, 12, 10), 4), day(2027, 1, 28));
    }
}
