//! The typed IR of a partner program: every literal has its unit checked,
//! every reference is a [`NameRef`] that the checker resolves.

use crate::units::{Duration, Money, Percent};
use charter_diagnostics::Span;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use charter_syntax::ast::Comparator;

/// A definition's name, where it is written, and its doc comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Named {
    pub name: String,
    pub span: Span,
    pub docs: Option<String>,
}

/// A use of a name, resolved by the checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameRef {
    pub name: String,
    pub span: Span,
}

/// Where a rule applies: to every partner, or to partners of one tier, track,
/// module or benefit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Scope {
    Program,
    Tier(String),
    Track(String),
    Module(String),
    Benefit(String),
}

impl Scope {
    pub fn describe(&self) -> String {
        match self {
            Scope::Program => "every partner".to_string(),
            Scope::Tier(n) => format!("tier `{n}`"),
            Scope::Track(n) => format!("track `{n}`"),
            Scope::Module(n) => format!("module `{n}`"),
            Scope::Benefit(n) => format!("benefit `{n}`"),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Program {
    pub name: String,
    pub name_span: Span,
    pub docs: Option<String>,
    pub currency: String,
    pub currency_span: Span,
    /// Ordered from the entry plan up (`Starter < Pro < Enterprise`).
    pub products: Vec<Named>,
    pub agreements: Vec<Named>,
    pub qualifications: Vec<Named>,
    pub entities: Vec<EntityType>,
    pub rounding: Rounding,
    pub holidays: Vec<NaiveDate>,
    pub claims: ClaimPolicy,
    /// The `claims` setting, when the policy writes one.
    pub claims_span: Option<Span>,
    /// Ordered from the lowest tier up.
    pub tiers: Vec<Tier>,
    pub tiers_span: Option<Span>,
    pub tracks: Vec<MemberGroup>,
    pub modules: Vec<MemberGroup>,
    pub modules_several: bool,
    /// The `modules …` list that set `modules_several` (the one that says
    /// `{ one per partner }`, when one does): findings about a partner
    /// holding two modules point at it.
    pub modules_span: Option<Span>,
    pub benefits: Vec<Benefit>,
    pub choose_groups: Vec<ChooseOneGroup>,
    pub commissions: Vec<CommissionRule>,
    pub bonuses: Vec<BonusRule>,
    pub attributions: Vec<AttributionRule>,
    pub payouts: Vec<PayoutSchedule>,
    pub regions: Vec<RegionDef>,
    pub partners: Vec<RosterPartner>,
    pub obligations: Vec<Obligation>,
    pub contract: Option<ContractTerms>,
    /// Requirements every partner must meet, whatever its tier, track or modules.
    pub requirements: Vec<Requirement>,
    /// `in force from D1 [to D2]` in the `program` block: this version of the
    /// policy's commissions and bonuses earn only on those dates (and on their
    /// own `in_force` dates, if any).
    pub in_force: Option<ProgramInForce>,
    /// `tax on top of commission`: each payout to a partner whose record
    /// gives a tax rate carries that tax on top (LANGUAGE.md §4, Money).
    pub tax_on_top: Option<Span>,
    /// `paid in partner currency at rate of event date`: a partner whose
    /// record gives another currency is paid in it (LANGUAGE.md §4,
    /// Currency conversion).
    pub partner_currency: Option<Span>,
}

/// The dates a version of the whole policy is in force on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ProgramInForce {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub span: Span,
}

impl ProgramInForce {
    /// Whether `date` lies within the program's dates (both included).
    pub fn covers(&self, date: NaiveDate) -> bool {
        date >= self.from && self.to.is_none_or(|to| date <= to)
    }
}

impl Program {
    /// The payout timing commission `rule` is paid on: its own `payout`, else
    /// its scope's (track, module, tier…), else the program's.
    pub fn schedule_of<'p>(&'p self, rule: &'p CommissionRule) -> Option<&'p PayoutSchedule> {
        rule.payout.as_ref().or_else(|| {
            self.payouts
                .iter()
                .find(|p| p.scope == rule.scope)
                .or_else(|| self.payouts.iter().find(|p| p.scope == Scope::Program))
        })
    }

    /// How commission `rule` is settled: `settle netted`, or netted because the
    /// schedule it is paid on is `payout netted at source`.
    pub fn settlement_of(&self, rule: &CommissionRule) -> Settlement {
        match self.schedule_of(rule) {
            Some(PayoutSchedule {
                timing: PayoutTiming::NettedAtSource,
                ..
            }) => Settlement::Netted,
            _ => rule.settlement,
        }
    }
}

/// A kind of partner entity (`company`, `individual`, ...) and what the program forbids it.
#[derive(Clone, Debug, Serialize)]
pub struct EntityType {
    pub name: Named,
    /// The program signs no contract with this entity type.
    pub no_contract: Option<Span>,
    /// This entity type can only be paid by netting at source.
    pub netted_only: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    #[default]
    HalfEven,
    HalfUp,
    HalfDown,
    Down,
    Up,
}

/// How payout amounts are rounded: once, at the end, to `scale` decimals.
#[derive(Clone, Copy, Debug, Serialize, Default)]
pub struct Rounding {
    pub mode: RoundingMode,
    /// Decimal places; `None` means the currency's minor unit.
    pub scale: Option<u32>,
}

/// How a customer claimed by two partners is resolved.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum ClaimPolicy {
    /// The earliest claim wins.
    #[default]
    First,
    /// The latest claim wins.
    Last,
    /// An exclusive attribution (e.g. an attachment) wins; otherwise the earliest.
    ExclusiveFirst,
    /// The commission is split between the claimants' tracks.
    Split { shares: Vec<TrackShare> },
}

#[derive(Clone, Debug, Serialize)]
pub struct TrackShare {
    pub track: NameRef,
    pub share: Percent,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tier {
    pub name: Named,
    /// 0 for the lowest tier.
    pub rank: usize,
    pub invite_only: Option<Span>,
    pub requirements: Vec<Requirement>,
    pub grants: Vec<NameRef>,
    /// Where the tier's block is (`None` when only named in `tiers`).
    pub block_span: Option<Span>,
}

/// A track (one per partner) or a module (several per partner).
#[derive(Clone, Debug, Serialize)]
pub struct MemberGroup {
    pub name: Named,
    pub requirements: Vec<Requirement>,
    pub grants: Vec<NameRef>,
    pub eligibility: Option<Eligibility>,
    pub block_span: Option<Span>,
    /// `claims last` in a track: how a customer several of its partners claim
    /// is decided among them, before the program's `claims` decides between
    /// tracks (`First`, `Last` or `ExclusiveFirst`; never `Split`).
    pub claims: Option<(ClaimPolicy, Span)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Requirement {
    pub kind: RequirementKind,
    /// `for ServiceProviders`: applies only to partners in these tracks or modules.
    pub scope: Vec<NameRef>,
    pub docs: Option<String>,
    /// `in force from D1 [to D2]`: the requirement applies only on those
    /// dates (a tier's requirement changed on a date is written twice).
    pub in_force: Option<(NaiveDate, Option<NaiveDate>)>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    VendorContact,
    Referral,
    Registration,
    Attachment,
    Order,
    Invoice,
    Payment,
    Refund,
    Activity,
    Notice,
    Invitation,
}

impl EventKind {
    pub fn parse(word: &str) -> Option<EventKind> {
        let singular = word
            .strip_suffix('s')
            .filter(|_| word != "vendor_contact")
            .unwrap_or(word);
        Some(match singular {
            "vendor_contact" => EventKind::VendorContact,
            "referral" => EventKind::Referral,
            "registration" => EventKind::Registration,
            "attachment" => EventKind::Attachment,
            "order" => EventKind::Order,
            "invoice" => EventKind::Invoice,
            "payment" => EventKind::Payment,
            "refund" => EventKind::Refund,
            "activity" | "activitie" => EventKind::Activity,
            "notice" => EventKind::Notice,
            "invitation" => EventKind::Invitation,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::VendorContact => "vendor_contact",
            EventKind::Referral => "referral",
            EventKind::Registration => "registration",
            EventKind::Attachment => "attachment",
            EventKind::Order => "order",
            EventKind::Invoice => "invoice",
            EventKind::Payment => "payment",
            EventKind::Refund => "refund",
            EventKind::Activity => "activity",
            EventKind::Notice => "notice",
            EventKind::Invitation => "invitation",
        }
    }
}

/// The period events are counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountPeriod {
    /// The calendar year of the evaluation date.
    PerYear,
    PerQuarter,
    PerMonth,
    /// The partner's contract year (from its `joined` date or last renewal,
    /// `units::contract_year`), or the whole contract year before it.
    PerContractYear,
    /// The trailing window ending on the evaluation date.
    Trailing(Duration),
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequirementKind {
    /// A signed partner contract.
    Contract,
    Agreement {
        agreement: NameRef,
    },
    Staff {
        qualification: NameRef,
        comparator: Comparator,
        count: u32,
    },
    /// `count orders within 6 months after referral >= 10`.
    Count {
        event: EventKind,
        /// For `activity`: the kind of activity counted.
        activity: Option<NameRef>,
        /// Only events within this long after an event of the given kind (same customer).
        within_after: Option<(Duration, EventKind)>,
        period: Option<CountPeriod>,
        comparator: Comparator,
        count: u32,
    },
    /// Revenue (payments on the partner's customers) over a period.
    Revenue {
        /// `from new customers`: only customers first invoiced in the period.
        new_customers: bool,
        period: Option<CountPeriod>,
        threshold: RevenueThreshold,
    },
    /// `points 3 per new customer + …`: a weighted sum of sources
    /// (LANGUAGE.md §7).
    Points(Points),
    /// `managed mrr >= 10000 USD`, `sold mrr per year >= 2000 USD`: monthly
    /// recurring revenue (LANGUAGE.md §7).
    Mrr(Mrr),
    /// `any of { … } each 12 months from joined`: one alternative met in
    /// every consecutive period (LANGUAGE.md §7).
    AnyOf(AnyOf),
    /// A requirement no scenario can measure (a named contact person).
    Text {
        text: String,
    },
}

/// `points 3 per new customer + 1 per activity certification per year >= 100`
/// (LANGUAGE.md §7 "Composite tier metrics").
#[derive(Clone, Debug, Serialize)]
pub struct Points {
    pub terms: Vec<PointsTerm>,
    pub period: Option<CountPeriod>,
    pub comparator: Comparator,
    pub threshold: Decimal,
}

/// One weighted source: `WEIGHT per SOURCE`.
#[derive(Clone, Debug, Serialize)]
pub struct PointsTerm {
    /// Points per unit of the source: an exact decimal (`0.5`).
    pub weight: Decimal,
    pub source: PointsSource,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PointsSource {
    /// `per new customer`: each customer first invoiced (in the program's
    /// currency) while the partner owned it.
    NewCustomer,
    /// `per 100 USD of revenue`: the revenue `require revenue` measures,
    /// divided by this amount.
    Revenue { per: Money },
    /// `per activity certification`, `per referral`: what `require count`
    /// counts.
    Count {
        event: EventKind,
        activity: Option<NameRef>,
        within_after: Option<(Duration, EventKind)>,
    },
}

impl PointsSource {
    /// The source as written after `per`, for explanations and messages.
    pub fn text(&self) -> String {
        match self {
            PointsSource::NewCustomer => "new customer".to_string(),
            PointsSource::Revenue { per } => format!("{} {} of revenue", per.amount, per.currency),
            PointsSource::Count {
                event,
                activity,
                within_after,
            } => {
                let mut s = event.as_str().to_string();
                if let Some(a) = activity {
                    s.push(' ');
                    s.push_str(&a.name);
                }
                if let Some((w, e)) = within_after {
                    s.push_str(&format!(" within {w} after {}", e.as_str()));
                }
                s
            }
        }
    }
}

/// `managed mrr >= 10000 USD` or `sold mrr [PERIOD] >= 2000 USD`
/// (LANGUAGE.md §7 "Composite tier metrics").
#[derive(Clone, Debug, Serialize)]
pub struct Mrr {
    pub measure: MrrMeasure,
    /// Only for `sold`: the period the subscriptions were sold in (none: the
    /// partner's whole history). `managed` is a snapshot of the day.
    pub period: Option<CountPeriod>,
    pub comparator: Comparator,
    pub amount: Money,
}

/// Which monthly recurring revenue (MRR) a requirement measures. The MRR of
/// an invoice is its amount divided by the months it bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MrrMeasure {
    /// The MRR, on the day, of the subscriptions of the customers the
    /// partner holds under the claims rule.
    Managed,
    /// The MRR of the subscriptions first invoiced in the period while the
    /// partner held their customer, at their first invoice.
    Sold,
}

impl MrrMeasure {
    pub fn as_str(self) -> &'static str {
        match self {
            MrrMeasure::Managed => "managed mrr",
            MrrMeasure::Sold => "sold mrr",
        }
    }
}

/// `any of { … } each 12 months from joined [until met again]`.
#[derive(Clone, Debug, Serialize)]
pub struct AnyOf {
    /// The alternatives, each measured over one period (none has a period of
    /// its own: C0704).
    pub alternatives: Vec<(RequirementKind, Span)>,
    /// The length of each consecutive period from the partner's `joined` date.
    pub every: Duration,
    pub lapse: Lapse,
}

/// What a period that passed with no alternative met does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lapse {
    /// The requirement fails from the end of that period on, for good
    /// (the default: "the share resets to zero from then on").
    ForGood,
    /// `until met again`: it fails until an alternative is met again in the
    /// period under way (or a later one).
    UntilMetAgain,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RevenueThreshold {
    /// Compared with each partner's own revenue target.
    SetIndividually,
    Amount {
        comparator: Comparator,
        amount: Money,
    },
}

/// Who may receive a commission, bonus or track.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Eligibility {
    pub entities: Vec<NameRef>,
    pub tiers: Vec<NameRef>,
    pub tracks: Vec<NameRef>,
    pub modules: Vec<NameRef>,
    pub with_contract: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitCategory {
    Marketing,
    Sales,
    Enablement,
    Support,
    Financial,
}

impl BenefitCategory {
    pub const ALL: &'static [(&'static str, BenefitCategory)] = &[
        ("marketing", BenefitCategory::Marketing),
        ("sales", BenefitCategory::Sales),
        ("enablement", BenefitCategory::Enablement),
        ("support", BenefitCategory::Support),
        ("financial", BenefitCategory::Financial),
    ];

    pub fn as_str(self) -> &'static str {
        BenefitCategory::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("support", |(n, _)| n)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Benefit {
    pub name: Named,
    pub category: BenefitCategory,
    pub category_span: Span,
    /// Tiers, tracks or modules it is available to; empty means every partner.
    pub available_to: Vec<BenefitTarget>,
    /// Customer discounts this benefit gives (`discount 15% on subscriptions`).
    pub discounts: Vec<Discount>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenefitTarget {
    pub target: NameRef,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Discount {
    pub rate: Percent,
    pub on: NameRef,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChooseOneGroup {
    pub name: Named,
    pub benefits: Vec<NameRef>,
    /// What a partner electing none of the group receives (`default`).
    pub default: Option<NameRef>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    Payments,
    Invoices,
    /// `per new customer`: a fixed amount, once per customer, on the
    /// customer's first payment (LANGUAGE.md §4, Fixed amounts).
    NewCustomer,
    /// `per trial`: a fixed amount, once per customer, on the customer's
    /// first `trial` event (LANGUAGE.md §4, Fixed amounts per trial or lead).
    Trial,
    /// `per qualified lead`: a fixed amount, once per customer, on the
    /// customer's first `lead` event.
    QualifiedLead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceFilter {
    Any,
    New,
    Renewal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Collector {
    Vendor,
    Partner,
}

/// What a commission is a percentage of.
#[derive(Clone, Debug, Serialize)]
pub struct BaseSpec {
    pub kind: BaseKind,
    pub invoices: InvoiceFilter,
    pub collected_by: Option<Collector>,
    pub products: Vec<NameRef>,
    /// `by referral`: only customers the partner holds through this
    /// attribution path (the method of its owning claim).
    pub path: Option<(AttributionMethod, Span)>,
    /// `on first subscription`: only the invoices of the customer's first
    /// subscription (the one its first invoice bills).
    pub first_subscription: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    FirstInvoice,
    FirstPayment,
    FirstOrder,
    Referral,
    Registration,
    Attachment,
    Attribution,
    ContractStart,
}

impl Anchor {
    pub fn parse(word: &str) -> Option<Anchor> {
        Some(match word {
            "first_invoice" => Anchor::FirstInvoice,
            "first_payment" => Anchor::FirstPayment,
            "first_order" => Anchor::FirstOrder,
            "referral" => Anchor::Referral,
            "registration" => Anchor::Registration,
            "attachment" => Anchor::Attachment,
            "attribution" => Anchor::Attribution,
            "contract_start" => Anchor::ContractStart,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::FirstInvoice => "first_invoice",
            Anchor::FirstPayment => "first_payment",
            Anchor::FirstOrder => "first_order",
            Anchor::Referral => "referral",
            Anchor::Registration => "registration",
            Anchor::Attachment => "attachment",
            Anchor::Attribution => "attribution",
            Anchor::ContractStart => "contract_start",
        }
    }
}

/// Which invoices a commission covers, by their issue date.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WindowSpec {
    /// No window written: every invoice of an attributed customer while the partner is in the program.
    Unbounded,
    /// Invoices issued within `length` from the anchor.
    Within {
        length: Duration,
        anchor: Anchor,
    },
    /// For as long as the customer pays.
    Lifetime,
    /// While the partner's contract is active (ends with the notice period).
    WhileContractActive,
    WhileCustomerPays,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// Payments collected on the partner's attributed customers.
    Sales,
    /// Binding orders of the partner's attributed customers.
    Orders,
    /// Distinct attributed customers.
    Customers,
}

#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    pub kind: MetricKind,
    pub trailing: Duration,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BracketMode {
    WholeAmount,
    Marginal,
    Retroactive,
}

impl BracketMode {
    pub fn as_str(self) -> &'static str {
        match self {
            BracketMode::WholeAmount => "whole amount",
            BracketMode::Marginal => "marginal",
            BracketMode::Retroactive => "retroactive",
        }
    }
}

/// One row of a bracket table: `[low, high)` of the metric at `rate`.
#[derive(Clone, Debug, Serialize)]
pub struct Bracket {
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    pub rate: Percent,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct BracketTable {
    pub metric: Metric,
    pub mode: Option<BracketMode>,
    pub brackets: Vec<Bracket>,
    pub table_span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct TierRate {
    pub tier: NameRef,
    pub rate: Percent,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
/// A commission's rate: a percentage (flat, by tier, by brackets) or, for
/// `per new customer`, a fixed amount of money (`Fixed`).
pub enum RateSpec {
    Flat { rate: Percent },
    ByTier { rates: Vec<TierRate> },
    Brackets { table: BracketTable },
    Fixed { amount: Money },
}

impl RateSpec {
    /// Every rate the spec can produce, with where it is written.
    pub fn rates(&self, flat_span: Span) -> Vec<(Percent, Span)> {
        match self {
            RateSpec::Flat { rate } => vec![(*rate, flat_span)],
            RateSpec::ByTier { rates } => rates.iter().map(|r| (r.rate, r.span)).collect(),
            RateSpec::Brackets { table } => {
                table.brackets.iter().map(|b| (b.rate, b.span)).collect()
            }
            RateSpec::Fixed { .. } => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    Staff {
        qualification: NameRef,
        comparator: Comparator,
        count: u32,
    },
    Metric {
        metric: Metric,
        comparator: Comparator,
        threshold: Decimal,
    },
    Elected {
        benefit: NameRef,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Uplift {
    pub amount: Percent,
    pub condition: Condition,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// The vendor transfers the commission to the partner.
    #[default]
    Transfer,
    /// The partner keeps the commission out of what it collected.
    Netted,
}

impl Settlement {
    pub fn as_str(self) -> &'static str {
        match self {
            Settlement::Transfer => "transfer",
            Settlement::Netted => "netted",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Clawback {
    /// Refunds within this long after the payment claw the commission back; `None`: any refund.
    pub within: Option<Duration>,
    pub span: Span,
}

/// `cut back to RATE unless tier TIER within D from joined` (LANGUAGE.md §4,
/// Cut back unless a tier is reached).
#[derive(Clone, Debug, Serialize)]
pub struct CutBack {
    /// The rate the commission is cut back to.
    pub rate: Percent,
    pub rate_span: Span,
    /// The tier (or a higher one) to stand in on some day before the deadline.
    pub tier: NameRef,
    /// The deadline: `joined` + this.
    pub within: Duration,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommissionRule {
    pub name: Named,
    pub scope: Scope,
    pub rate: RateSpec,
    pub rate_span: Span,
    pub base: BaseSpec,
    pub window: WindowSpec,
    pub window_span: Option<Span>,
    /// `… per subscription`: the `within` window starts again at each
    /// subscription of the customer (a cross-sell), counted from that
    /// subscription's first invoice or payment.
    pub per_subscription: Option<Span>,
    /// `paid only if active for D`: each payout is due no earlier than D
    /// after the partner joined, and forfeited if its contract ends before.
    pub active_for: Option<(Duration, Span)>,
    /// `at most N per PERIOD`, `at most AMOUNT per PERIOD`: caps on what the
    /// commission pays a partner per calendar period (LANGUAGE.md §4, Caps).
    pub caps: Vec<CommissionCap>,
    /// `cut back to R unless tier T within D from joined`.
    pub cut_back: Option<CutBack>,
    pub bounds: Option<(Percent, Percent, Span)>,
    pub uplifts: Vec<Uplift>,
    pub eligibility: Option<Eligibility>,
    pub settlement: Settlement,
    pub settlement_span: Option<Span>,
    pub clawback: Option<Clawback>,
    pub payout: Option<PayoutSchedule>,
    /// `in force from D1 [to D2]`: the rule earns only on events dated
    /// D1..=D2 (an effective-dated version of a rule).
    pub in_force: Option<(NaiveDate, Option<NaiveDate>)>,
    pub span: Span,
}

/// `at most 50 per month`, `at most 5000 USD per quarter`.
#[derive(Clone, Debug, Serialize)]
pub struct CommissionCap {
    pub limit: CapLimit,
    pub period: CapPeriod,
    pub span: Span,
}

/// What a cap limits: the events paid (fixed amounts only) or the money paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CapLimit {
    Count { count: u32 },
    Money { amount: Money },
}

/// The calendar period a cap counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CapPeriod {
    Month,
    /// January–March, April–June, July–September, October–December.
    Quarter,
    Year,
}

impl CapPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            CapPeriod::Month => "month",
            CapPeriod::Quarter => "quarter",
            CapPeriod::Year => "year",
        }
    }

    /// The first day of the period holding `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        use chrono::Datelike;
        let month = match self {
            CapPeriod::Month => date.month(),
            CapPeriod::Quarter => (date.month() - 1) / 3 * 3 + 1,
            CapPeriod::Year => 1,
        };
        NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
    }

    /// The period holding `date` as people write it: `2026-03`, `2026-Q1`, `2026`.
    pub fn label(self, date: NaiveDate) -> String {
        use chrono::Datelike;
        match self {
            CapPeriod::Month => format!("{}-{:02}", date.year(), date.month()),
            CapPeriod::Quarter => format!("{}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
            CapPeriod::Year => format!("{}", date.year()),
        }
    }
}

impl std::fmt::Display for CommissionCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.limit {
            CapLimit::Count { count } => write!(f, "at most {count} per {}", self.period.as_str()),
            CapLimit::Money { amount } => {
                write!(f, "at most {amount} per {}", self.period.as_str())
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BonusFrequency {
    Once,
    OncePerYear,
}

#[derive(Clone, Debug, Serialize)]
pub struct BonusRule {
    pub name: Named,
    pub scope: Scope,
    pub amount: Money,
    pub frequency: BonusFrequency,
    pub condition: Condition,
    /// `in force from D1 [to D2]`: the bonus is earned only on those dates,
    /// both included.
    pub in_force: Option<(NaiveDate, Option<NaiveDate>)>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionMethod {
    Referral,
    Registration,
    PartnerSale,
    Attachment,
}

impl AttributionMethod {
    /// The method a word of the grammar's `attribution_method` names.
    pub fn parse(word: &str) -> Option<AttributionMethod> {
        Some(match word {
            "referral" => AttributionMethod::Referral,
            "registration" => AttributionMethod::Registration,
            "partner_sale" => AttributionMethod::PartnerSale,
            "attachment" => AttributionMethod::Attachment,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AttributionMethod::Referral => "referral",
            AttributionMethod::Registration => "registration",
            AttributionMethod::PartnerSale => "partner_sale",
            AttributionMethod::Attachment => "attachment",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct AttributionRule {
    pub method: AttributionMethod,
    pub scope: Scope,
    /// `of Starter`: the first order must be for one of these products.
    pub products: Vec<NameRef>,
    /// No vendor contact with the customer within this long before the claim.
    pub no_prior_contact: Option<Duration>,
    /// The customer must place this event within this long after the claim.
    pub closes_within: Option<(EventKind, Duration)>,
    pub approval_required: bool,
    pub decided_within: Option<Duration>,
    pub exclusive: bool,
    /// The claim must precede the customer's first invoice (installation).
    pub before_installation: bool,
    /// An existing customer can be claimed only at its own request.
    pub existing_on_request: bool,
    /// No claim on a customer that bought (ordered or was invoiced) before it.
    pub new_customers_only: bool,
    /// `no self_referral`: no claim on one of the partner's own accounts
    /// (the partner record's `accounts`).
    pub no_self_referral: bool,
    /// `new users only`: no claim on a customer that signed up (a `signup`
    /// event) before it.
    pub new_users_only: bool,
    pub docs: Option<String>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutAnchor {
    Payment,
    Invoice,
    Collection,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PayoutTiming {
    /// Within `delay` after the anchor; `full`: after the payment that settles the invoice in full.
    Within {
        delay: Duration,
        full: bool,
        anchor: PayoutAnchor,
    },
    /// Month-end statement paid by the end of week `week` of the next month.
    MonthlyStatement { week: u32, after_collection: bool },
    /// A statement per `period`, paid within `delay` after the period ends.
    Statement {
        period: StatementPeriod,
        delay: Duration,
        after_collection: bool,
    },
    /// Kept by the partner out of the customer's payment.
    NettedAtSource,
}

/// How often a statement closes (`statement twice per month`, `per month`,
/// `per quarter`, `per year`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementPeriod {
    /// The 1st to the 15th, and the 16th to the month's last day.
    HalfMonth,
    Month,
    /// January–March, April–June, July–September, October–December.
    Quarter,
    Year,
}

impl StatementPeriod {
    pub fn parse(word: &str) -> Option<StatementPeriod> {
        Some(match word {
            "twice per month" => StatementPeriod::HalfMonth,
            "month" => StatementPeriod::Month,
            "quarter" => StatementPeriod::Quarter,
            "year" => StatementPeriod::Year,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatementPeriod::HalfMonth => "twice per month",
            StatementPeriod::Month => "per month",
            StatementPeriod::Quarter => "per quarter",
            StatementPeriod::Year => "per year",
        }
    }

    /// The last day of the statement period holding `date`.
    pub fn end_of(self, date: NaiveDate) -> NaiveDate {
        use chrono::Datelike;
        let month_end = |year: i32, month: u32| {
            let (y, m) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .and_then(|d| d.pred_opt())
                .unwrap_or(date)
        };
        match self {
            StatementPeriod::HalfMonth if date.day() <= 15 => date.with_day(15).unwrap_or(date),
            StatementPeriod::HalfMonth | StatementPeriod::Month => {
                month_end(date.year(), date.month())
            }
            StatementPeriod::Quarter => month_end(date.year(), (date.month() - 1) / 3 * 3 + 3),
            StatementPeriod::Year => month_end(date.year(), 12),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PayoutSchedule {
    pub timing: PayoutTiming,
    pub hold: Option<Duration>,
    /// `minimum 50 USD`: a statement below it carries its balance forward.
    pub minimum: Option<PayoutMinimum>,
    /// `withheld until KIND[, forfeited after D]`: paperwork.
    pub withheld: Option<Withheld>,
    pub scope: Scope,
    pub span: Span,
}

/// `minimum 50 USD [per path][, balance paid|forfeited on leaving]`
/// (LANGUAGE.md §4, Balances).
#[derive(Clone, Debug, Serialize)]
pub struct PayoutMinimum {
    pub amount: Money,
    /// One balance per attribution path (`per path`), else one per schedule.
    pub per_path: bool,
    pub on_leaving: LeavingBalance,
    pub span: Span,
}

/// What the first statement closing on or after the partner's contract end
/// does with a balance below the minimum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeavingBalance {
    /// Pays it whatever its size (the default).
    Paid,
    /// Forfeits it.
    Forfeited,
}

impl LeavingBalance {
    pub fn as_str(self) -> &'static str {
        match self {
            LeavingBalance::Paid => "paid",
            LeavingBalance::Forfeited => "forfeited",
        }
    }
}

/// `withheld until tax_form[, forfeited after 90 days]`: a statement is paid
/// only once the partner has an `activity` of kind `until`; an amount still
/// withheld `forfeited_after` its first statement is forfeited.
#[derive(Clone, Debug, Serialize)]
pub struct Withheld {
    /// The activity kind that brings the paperwork in.
    pub until: Named,
    pub forfeited_after: Option<Duration>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionDef {
    pub name: Named,
    /// ISO 3166-1 alpha-2 codes or names of other regions.
    pub members: Vec<NameRef>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionAssignment {
    pub region: NameRef,
    pub exclusive: bool,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct RosterPartner {
    pub id: Named,
    pub display_name: Option<String>,
    pub regions: Vec<RegionAssignment>,
    pub tier: Option<NameRef>,
    pub track: Option<NameRef>,
    pub modules: Vec<NameRef>,
    pub entity: Option<NameRef>,
    pub elected: Vec<NameRef>,
    pub contract: Option<bool>,
    pub staff: Vec<(NameRef, u32)>,
    pub revenue_target: Option<Money>,
    pub joined: Option<NaiveDate>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Vendor,
    #[default]
    Partner,
}

#[derive(Clone, Debug, Serialize)]
pub struct Obligation {
    pub name: Named,
    pub within: Option<Duration>,
    pub after: Option<String>,
    pub party: Party,
    pub scope: Vec<NameRef>,
    pub owner: Scope,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RenewalMode {
    AfterReview,
    Automatically,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ContractTerms {
    pub term: Option<Duration>,
    pub renewal: Option<RenewalMode>,
    pub notice: Option<Duration>,
    pub notice_in_writing: bool,
    pub keep_earned: bool,
    pub waive_renewals: bool,
    pub stop_commissions: bool,
    pub force_majeure: bool,
    pub non_compete: Option<String>,
    pub span: Span,
}
