//! The syntax tree of a policy file. Every node keeps its byte span; nothing is
//! resolved or unit-checked here (that is the IR lowering's job).

use charter_diagnostics::{FileId, Span};
use serde::Serialize;

/// A parsed policy file.
#[derive(Clone, Debug, Serialize)]
pub struct SourceFileAst {
    pub file: FileId,
    pub items: Vec<Item>,
    /// Every `//` comment, in order; the formatter puts them back.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StringLit {
    /// The text between the quotes, escapes resolved.
    pub value: String,
    pub span: Span,
}

/// A `///` doc comment line (without the slashes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DurationUnitKw {
    Day,
    Week,
    Month,
    Year,
}

impl DurationUnitKw {
    pub fn word(self, plural: bool) -> &'static str {
        match (self, plural) {
            (DurationUnitKw::Day, false) => "day",
            (DurationUnitKw::Day, true) => "days",
            (DurationUnitKw::Week, false) => "week",
            (DurationUnitKw::Week, true) => "weeks",
            (DurationUnitKw::Month, false) => "month",
            (DurationUnitKw::Month, true) => "months",
            (DurationUnitKw::Year, false) => "year",
            (DurationUnitKw::Year, true) => "years",
        }
    }
}

/// The unit written after a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum UnitSuffix {
    None,
    Percent,
    Currency(String),
    Duration {
        unit: DurationUnitKw,
        business: bool,
    },
}

/// A literal with its unit: `20%`, `1200 EUR`, `30 days`, `2026-01-01`, `10`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum QuantityKind {
    /// A number (digits as written, `_` removed) and its unit.
    Number { digits: String, unit: UnitSuffix },
    /// A date as written (`YYYY-MM-DD`), validated by the lowering.
    Date(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub kind: QuantityKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Comparator {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Comparator {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::Ge => ">=",
            Comparator::Gt => ">",
            Comparator::Le => "<=",
            Comparator::Lt => "<",
            Comparator::Eq => "=",
        }
    }
}

/// A count with its span (`10` in `>= 10`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count {
    pub digits: String,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub docs: Vec<Doc>,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ItemKind {
    Import(StringLit),
    Program(ProgramBlock),
    TiersDecl(Vec<Ident>),
    Tier(MemberBlock),
    TracksDecl(Vec<Ident>),
    Track(MemberBlock),
    ModulesDecl(ModulesDecl),
    Module(MemberBlock),
    Benefit(Benefit),
    ChooseOne(ChooseOne),
    Commission(Commission),
    Bonus(Bonus),
    Attribution(Attribution),
    Payout(Payout),
    Region(Region),
    Partner(Partner),
    Obligation(Obligation),
    Contract(ContractBlock),
    /// A requirement every partner of the program must meet.
    Require(Requirement),
}

impl ItemKind {
    /// The keyword that starts the item.
    pub fn keyword(&self) -> &'static str {
        match self {
            ItemKind::Import(_) => "import",
            ItemKind::Program(_) => "program",
            ItemKind::TiersDecl(_) => "tiers",
            ItemKind::Tier(_) => "tier",
            ItemKind::TracksDecl(_) => "tracks",
            ItemKind::Track(_) => "track",
            ItemKind::ModulesDecl(_) => "modules",
            ItemKind::Module(_) => "module",
            ItemKind::Benefit(_) => "benefit",
            ItemKind::ChooseOne(_) => "choose",
            ItemKind::Commission(_) => "commission",
            ItemKind::Bonus(_) => "bonus",
            ItemKind::Attribution(_) => "attribute",
            ItemKind::Payout(_) => "payout",
            ItemKind::Region(_) => "region",
            ItemKind::Partner(_) => "partner",
            ItemKind::Obligation(_) => "obligation",
            ItemKind::Contract(_) => "contract",
            ItemKind::Require(_) => "require",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgramBlock {
    pub name: StringLit,
    pub settings: Vec<ProgramSetting>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgramSetting {
    pub docs: Vec<Doc>,
    pub kind: ProgramSettingKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ProgramSettingKind {
    Currency(Ident),
    /// `products Starter < Pro < Enterprise`
    Products(Vec<Ident>),
    Agreements(Vec<Ident>),
    Qualifications(Vec<Ident>),
    Entities(Vec<EntityDef>),
    Rounding {
        mode: Ident,
        to: Option<Count>,
    },
    Holidays(Vec<Quantity>),
    Claims(ClaimsRule),
    /// `in force from D1 [to D2]`: the dates every rule of the program earns on.
    InForce(InForce),
    /// `tax on top of commission`: registered partners' tax paid on top.
    TaxOnTop,
    /// `paid in partner currency at rate of event date`.
    PaidInPartnerCurrency,
}

#[derive(Clone, Debug, Serialize)]
pub struct EntityDef {
    pub name: Ident,
    pub no_contract: Option<Span>,
    pub netted_only: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ClaimsRule {
    /// `first`, `last` or `exclusive_first`.
    Order(Ident),
    Split(Vec<Share>),
}

#[derive(Clone, Debug, Serialize)]
pub struct Share {
    pub track: Ident,
    pub share: Quantity,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModulesDecl {
    pub names: Vec<Ident>,
    /// `Some(true)` for `{ several per partner }`, `Some(false)` for `{ one per partner }`.
    pub several: Option<bool>,
}

/// The body of a `tier`, `track` or `module` block.
#[derive(Clone, Debug, Serialize)]
pub struct MemberBlock {
    pub name: Ident,
    pub clauses: Vec<MemberClause>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MemberClause {
    pub docs: Vec<Doc>,
    pub kind: MemberClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum MemberClauseKind {
    InviteOnly,
    Require(Requirement),
    Grant(Vec<Ident>),
    Eligible(Eligible),
    Attribution(Attribution),
    Commission(Commission),
    Bonus(Bonus),
    Payout(Payout),
    Obligation(Obligation),
    /// `claims last` in a track: how a customer several of the track's
    /// partners claim is decided among them (`first`, `last`, `exclusive_first`).
    Claims(Ident),
}

#[derive(Clone, Debug, Serialize)]
pub struct Requirement {
    pub body: RequirementBody,
    /// `for ServiceProviders`: the requirement applies only to partners in these.
    pub scope: Vec<Ident>,
    /// `in force from D1 [to D2]`: the dates the requirement applies on.
    pub in_force: Option<InForce>,
}

/// `in force from D1 [to D2]` on a bonus, a requirement or the whole program
/// (a commission's is one of its clauses): the dates it applies on.
#[derive(Clone, Debug, Serialize)]
pub struct InForce {
    pub from: Quantity,
    pub to: Option<Quantity>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum RequirementBody {
    Contract(Span),
    Agreement(Ident),
    Staff {
        qualification: Ident,
        comparator: Comparator,
        count: Count,
    },
    Count {
        counted: Counted,
        period: Option<CountPeriod>,
        comparator: Comparator,
        count: Count,
    },
    Revenue {
        /// `from new customers`: only customers first invoiced in the period.
        new_customers: Option<Span>,
        period: Option<CountPeriod>,
        threshold: RevenueThreshold,
    },
    /// `points 3 per new customer + 1 per activity certification per year >= 100`.
    Points {
        terms: Vec<PointsTerm>,
        period: Option<CountPeriod>,
        comparator: Comparator,
        threshold: Count,
    },
    /// `managed mrr >= 10000 USD`, `sold mrr per year >= 2000 USD`.
    Mrr {
        measure: MrrMeasure,
        period: Option<CountPeriod>,
        comparator: Comparator,
        amount: Quantity,
    },
    /// `any of { … } each 12 months from joined [until met again]`.
    AnyOf {
        alternatives: Vec<(RequirementBody, Span)>,
        every: Quantity,
        until_met_again: Option<Span>,
    },
    Text(StringLit),
}

/// Which monthly recurring revenue a `require … mrr` measures.
#[derive(Clone, Copy, Debug, Serialize)]
pub enum MrrMeasure {
    /// `managed mrr`: of the customers the partner holds on the day.
    Managed(Span),
    /// `sold mrr`: of the subscriptions it sold in the period.
    Sold(Span),
}

/// One weighted source of a `points` requirement: `3 per new customer`.
#[derive(Clone, Debug, Serialize)]
pub struct PointsTerm {
    pub weight: Count,
    pub source: PointsSource,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum PointsSource {
    /// `per new customer`.
    NewCustomer(Span),
    /// `per 100 USD of revenue`.
    Revenue(Quantity),
    /// `per activity certification`, `per orders`…
    Counted(Counted),
}

#[derive(Clone, Debug, Serialize)]
pub enum RevenueThreshold {
    SetIndividually(Span),
    Amount {
        comparator: Comparator,
        amount: Quantity,
    },
}

/// What a `count` requirement counts: `orders within 6 months after referral`.
#[derive(Clone, Debug, Serialize)]
pub struct Counted {
    pub event: Ident,
    /// The kind of activity, for `activity lead_generation`.
    pub kind: Option<Ident>,
    pub within: Option<(Quantity, Ident)>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum CountPeriod {
    /// `per year`, `per quarter`, `per month`.
    Per(Ident),
    /// `per contract year`: the year from the partner's start or last renewal.
    PerContractYear(Span),
    /// `in last 12 months`.
    InLast(Quantity),
}

#[derive(Clone, Debug, Serialize)]
pub struct Eligible {
    pub terms: Vec<EligibilityTerm>,
    pub with_contract: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum EligibilityKind {
    Entity,
    Tier,
    Track,
    Module,
}

impl EligibilityKind {
    pub fn keyword(self) -> &'static str {
        match self {
            EligibilityKind::Entity => "entity",
            EligibilityKind::Tier => "tier",
            EligibilityKind::Track => "track",
            EligibilityKind::Module => "module",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct EligibilityTerm {
    pub kind: EligibilityKind,
    pub names: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Benefit {
    pub name: Ident,
    pub category: Ident,
    /// `for Select, Premier "quarterly"`.
    pub targets: Vec<BenefitTarget>,
    pub clauses: Vec<BenefitClause>,
    /// Whether a `{ ... }` block was written (even empty).
    pub has_block: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenefitTarget {
    pub name: Ident,
    pub note: Option<StringLit>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct BenefitClause {
    pub docs: Vec<Doc>,
    pub kind: BenefitClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum BenefitClauseKind {
    Commission(Commission),
    Discount { rate: Quantity, on: Ident },
    Bonus(Bonus),
}

#[derive(Clone, Debug, Serialize)]
pub struct ChooseOne {
    pub benefits: Vec<Ident>,
    pub name: Option<Ident>,
    /// `default BENEFIT`: what a partner electing none of the group receives.
    pub default: Option<Ident>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Commission {
    pub name: Ident,
    /// `: 5% of payments on invoices, within 12 months from first_invoice`.
    pub head: Option<CommissionHead>,
    pub clauses: Vec<CommissionClause>,
    pub has_block: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommissionHead {
    pub rate: Quantity,
    pub base: Base,
    pub window: Option<Window>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CommissionClause {
    pub docs: Vec<Doc>,
    pub kind: CommissionClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum CommissionClauseKind {
    Rate(Rate),
    Base(Base),
    Window(Window),
    Bounds {
        low: Quantity,
        high: Quantity,
    },
    Uplift {
        amount: Quantity,
        condition: Condition,
    },
    Eligible(Eligible),
    Settle(Ident),
    Clawback {
        within: Option<Quantity>,
    },
    Payout(Payout),
    /// `in force from 2025-07-01 [to 2025-12-31]`: the dates the rule earns on.
    InForce {
        from: Quantity,
        to: Option<Quantity>,
    },
    /// `paid only if active for 12 months`: held until the partner has been
    /// active that long, forfeited if its contract ends before.
    ActiveFor(Quantity),
    /// `at most 50 per month`, `at most 5000 USD per quarter`: a cap on what
    /// the commission pays the partner per calendar period.
    Cap {
        limit: Quantity,
        period: Ident,
    },
    /// `cut back to 10% unless tier Gold within 24 months from joined`: a
    /// lower rate, and the tier to reach within a period from joining.
    CutBack {
        rate: Quantity,
        tier: Ident,
        within: Quantity,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct Base {
    /// `payments` or `invoices` after `of`; `new customer` after `per`.
    pub kind: Ident,
    /// `per EVENT` (a fixed amount per event) rather than `of KIND` (a percentage).
    pub per: bool,
    pub filters: Vec<BaseFilter>,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum BaseFilter {
    /// `on invoices`, `on new invoices`, `on renewal invoices`.
    OnInvoices { kind: Option<Ident>, span: Span },
    /// `where collected_by vendor`.
    CollectedBy { collector: Ident, span: Span },
    /// `for products Pro, Enterprise`.
    Products { names: Vec<Ident>, span: Span },
    /// `by referral`: customers the partner holds through this attribution path.
    Path { method: Ident, span: Span },
    /// `on first subscription`: the invoices of the customer's first subscription.
    FirstSubscription { span: Span },
}

#[derive(Clone, Debug, Serialize)]
pub struct Window {
    pub kind: WindowKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum WindowKind {
    /// `within 12 months from first_invoice`; `from` is true for `from`, false for `after`.
    Within {
        length: Quantity,
        from: bool,
        anchor: Ident,
        /// `per subscription`: one window per subscription of the customer.
        per_subscription: Option<Span>,
    },
    Lifetime,
    WhileContractActive,
    WhileCustomerPays,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rate {
    pub kind: RateKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum RateKind {
    Flat(Quantity),
    ByTier(Vec<TierRate>),
    ByMetric {
        metric: Metric,
        mode: Option<(BracketModeKw, Span)>,
        brackets: Vec<Bracket>,
        /// The span of `{ ... }`, where a missing mode can be reported.
        table_span: Span,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct TierRate {
    pub tier: Ident,
    pub rate: Quantity,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    /// `sales`, `orders` or `customers`.
    pub kind: Ident,
    pub trailing: Quantity,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BracketModeKw {
    WholeAmount,
    Marginal,
    Retroactive,
}

impl BracketModeKw {
    pub fn text(self) -> &'static str {
        match self {
            BracketModeKw::WholeAmount => "whole amount",
            BracketModeKw::Marginal => "marginal",
            BracketModeKw::Retroactive => "retroactive",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Bracket {
    pub range: BracketRange,
    pub rate: Quantity,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum BracketRange {
    Below(Quantity),
    Between(Quantity, Quantity),
    From(Quantity),
}

#[derive(Clone, Debug, Serialize)]
pub struct Condition {
    pub kind: ConditionKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum ConditionKind {
    Staff {
        qualification: Ident,
        comparator: Comparator,
        count: Count,
    },
    Metric {
        metric: Metric,
        comparator: Comparator,
        threshold: Quantity,
    },
    Elected(Ident),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BonusFrequency {
    Once,
    OncePerYear,
}

#[derive(Clone, Debug, Serialize)]
pub struct Bonus {
    pub name: Ident,
    pub amount: Quantity,
    pub frequency: Option<BonusFrequency>,
    pub condition: Condition,
    /// `in force from D1 [to D2]`: the dates the bonus is earned on.
    pub in_force: Option<InForce>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Attribution {
    /// `referral`, `registration`, `partner_sale` or `attachment`.
    pub method: Ident,
    /// `of Starter`: the products the first order must be for.
    pub products: Vec<Ident>,
    pub clauses: Vec<AttributionClause>,
    pub has_block: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct AttributionClause {
    pub docs: Vec<Doc>,
    pub kind: AttributionClauseKind,
    /// Written inline after a comma (`, exclusive`) rather than in the block.
    pub inline: bool,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum AttributionClauseKind {
    /// `no vendor_contact within 1 year before referral`.
    NoPriorContact {
        within: Quantity,
        before: Ident,
    },
    /// `order within 3 months after referral`.
    ClosesWithin {
        event: Ident,
        within: Quantity,
        after: Ident,
    },
    /// `approval required, decided within 2 business days`.
    Approval {
        decided_within: Option<Quantity>,
    },
    ExistingOnRequest,
    /// `new customers only`: no claim on a customer that bought before.
    NewCustomersOnly,
    /// `no self_referral`: no claim on one of the partner's own accounts.
    NoSelfReferral,
    /// `new users only`: no claim on a customer that signed up before.
    NewUsersOnly,
    Exclusive,
    BeforeInstallation,
}

#[derive(Clone, Debug, Serialize)]
pub struct Payout {
    pub timing: PayoutTiming,
    pub hold: Option<Quantity>,
    /// `minimum 50 USD [per path][, balance paid|forfeited on leaving]`.
    pub minimum: Option<PayoutMinimum>,
    /// `withheld until KIND[, forfeited after D]`.
    pub withheld: Option<Withheld>,
}

/// `minimum 50 USD [per path][, balance paid|forfeited on leaving]`.
#[derive(Clone, Debug, Serialize)]
pub struct PayoutMinimum {
    pub amount: Quantity,
    pub per_path: bool,
    /// `paid` or `forfeited`.
    pub on_leaving: Option<Ident>,
}

/// `withheld until KIND[, forfeited after D]`: KIND is an activity kind.
#[derive(Clone, Debug, Serialize)]
pub struct Withheld {
    pub until: Ident,
    pub forfeited_after: Option<Quantity>,
}

#[derive(Clone, Debug, Serialize)]
pub enum PayoutTiming {
    /// `within 30 days after [full] payment`.
    Within {
        delay: Quantity,
        full: bool,
        anchor: Ident,
    },
    /// `monthly statement, paid in week 2 of next month[, after collection]`.
    MonthlyStatement {
        week: Count,
        after_collection: bool,
    },
    /// `statement per quarter, paid within 30 days[, after collection]`; the
    /// period is `twice per month`, `per month`, `per quarter` or `per year`.
    PeriodStatement {
        period: Ident,
        delay: Quantity,
        after_collection: bool,
    },
    NettedAtSource,
}

#[derive(Clone, Debug, Serialize)]
pub struct Region {
    pub name: Ident,
    /// Country codes or other regions.
    pub members: Vec<Ident>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Partner {
    pub id: Ident,
    pub display_name: Option<StringLit>,
    pub clauses: Vec<PartnerClause>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartnerClause {
    pub docs: Vec<Doc>,
    pub kind: PartnerClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
pub enum PartnerClauseKind {
    Region {
        region: Ident,
        exclusive: Option<Span>,
    },
    Tier(Ident),
    Track(Ident),
    Modules(Vec<Ident>),
    Entity(Ident),
    Elect(Vec<Ident>),
    /// `contract signed` (true) or `contract none` (false).
    Contract(bool),
    Staff(Vec<(Ident, Count)>),
    RevenueTarget(Quantity),
    Joined(Quantity),
}

#[derive(Clone, Debug, Serialize)]
pub struct Obligation {
    pub name: Ident,
    pub within: Option<Quantity>,
    pub after: Option<Ident>,
    /// `by vendor` or `by partner` (default partner).
    pub party: Option<Ident>,
    pub scope: Vec<Ident>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContractBlock {
    pub clauses: Vec<ContractClause>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ContractClause {
    pub docs: Vec<Doc>,
    pub kind: ContractClauseKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RenewalMode {
    AfterReview,
    Automatically,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TerminationEffect {
    KeepEarned,
    WaiveRenewals,
    StopCommissions,
}

#[derive(Clone, Debug, Serialize)]
pub enum ContractClauseKind {
    Term {
        length: Quantity,
        renewal: Option<RenewalMode>,
    },
    Notice {
        period: Quantity,
        in_writing: bool,
    },
    OnTermination(Vec<(TerminationEffect, Span)>),
    ForceMajeure,
    NonCompete(StringLit),
}
