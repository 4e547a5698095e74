//! The registry of diagnostic codes: a stable id, a kebab-case name, a default
//! severity, and the long explanation `charter explain` prints.
//!
//! To add a diagnostic: add a variant here with its [`CodeInfo`], then report it
//! from the phase that detects it, and add a failing policy under `tests/check/`.
//! Simulation findings (`S0101`…, [`Code::is_simulation`]) are in the same
//! registry, so `charter explain` knows them; the simulator reports them
//! (`charter_sim::FindingCode` maps onto these codes), and LANGUAGE.md §5 lists
//! both families (a test compares its tables with this registry).

use crate::diagnostic::Severity;
use serde::{Serialize, Serializer};

/// Static facts about one diagnostic code.
#[derive(Debug)]
pub struct CodeInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explanation: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
}

macro_rules! codes {
    ($( $variant:ident => { id: $id:literal, name: $name:literal, severity: $sev:ident, summary: $summary:literal, explanation: $expl:literal, bad: $bad:literal, good: $good:literal, } )*) => {
        /// A diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $( $variant ),* }

        impl Code {
            /// Every code, in id order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant ),* ];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $( Code::$variant => &CodeInfo {
                        id: $id, name: $name, severity: Severity::$sev, summary: $summary,
                        explanation: $expl, bad: $bad, good: $good,
                    } ),*
                }
            }
        }
    };
}

impl Code {
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// A simulation finding (`S0105`), reported by `charter simulate` and
    /// `charter test` on a scenario, not by `charter check` on a policy.
    /// Such a code has an explanation but no policy examples (`bad` and `good`
    /// are empty): what reports it is a scenario.
    pub fn is_simulation(self) -> bool {
        self.id().starts_with('S')
    }

    /// Looks a code up by its id (`C0401`) or name (`dual-financial-benefit`), case-insensitively.
    pub fn lookup(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.id().eq_ignore_ascii_case(text) || c.name().eq_ignore_ascii_case(text))
    }

    /// Where the code is documented: LANGUAGE.md §5 in the repository, which
    /// lists every code (SARIF rules' `helpUri`, the link editors show next
    /// to a code).
    pub fn help_uri(self) -> &'static str {
        crate::explain::DIAGNOSTICS_URL
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

codes! {
    Syntax => {
        id: "C0101", name: "syntax-error", severity: Error,
        summary: "the text is not valid Charter",
        explanation: "The parser could not read an item. Each top-level item (program, tier, track, commission, ...) is parsed on its own, so one error does not hide the others: fix them one by one from the top.",
        bad: "commission referral: five percent of payments",
        good: "commission referral: 5% of payments",
    }
    Import => {
        id: "C0102", name: "import-error", severity: Error,
        summary: "an imported file cannot be read",
        explanation: "`import \"file.charter\"` reads another policy file (usually a partner roster) relative to the importing file. The path must be relative and name a `.charter` file (also once links are followed): any other file is refused without being read, so a policy can never make Charter print a file that is not a policy. The file must be a regular UTF-8 file, and no file may import, directly or not, a file that imports it: the import that closes such a cycle is reported. One file reached through two paths (a link, `a/../b`) is one file, read once.",
        bad: "import \"partners-2025.charter\"   // no such file",
        good: "import \"roster.charter\"",
    }
    Limit => {
        id: "C0103", name: "limit-exceeded", severity: Error,
        summary: "the input is larger than Charter accepts",
        explanation: "Charter bounds what it reads so that a policy checker CI trusts can never run out of memory or stack: files are at most 64 MiB, a policy imports at most 1024 files, blocks nest at most 64 deep, numbers must fit an exact 28-digit decimal and be at most 10^17, counts at most 4294967295, and durations at most 100 years.",
        bad: "commission c: 1000000000000000000000000000000% of payments",
        good: "commission c: 30% of payments",
    }
    TextDirectionControl => {
        id: "C0104", name: "text-direction-control", severity: Warning,
        summary: "a comment or text holds a character that reorders how the line is displayed",
        explanation: "Unicode's bidirectional controls (U+202A to U+202E, U+2066 to U+2069) make a line display in another order than it is read: a comment can seem to end where it does not, a rate can seem to say something else (Trojan Source, CVE-2021-42574). A policy reviewers approve must read as it is displayed, so Charter warns on each of them, shows them escaped (`\\u{202e}`) and offers to remove them.",
        bad: "commission referral: 5% of payments // partner share \u{202E}%05\u{202C}",
        good: "commission referral: 5% of payments // partner share 5%",
    }
    UnknownName => {
        id: "C0201", name: "unknown-name", severity: Error,
        summary: "a name is used but never defined",
        explanation: "Tiers, tracks, modules, benefits, regions, products, agreements, staff qualifications and entity types must be declared before they are referred to. The checker suggests the closest defined name.",
        bad: "tiers Registered < Select\nbenefit dedicated_partner_manager (support) for Selcet",
        good: "tiers Registered < Select\nbenefit dedicated_partner_manager (support) for Select",
    }
    DuplicateDefinition => {
        id: "C0202", name: "duplicate-definition", severity: Error,
        summary: "a name is defined twice",
        explanation: "Every tier, track, module, benefit, commission, region and partner has one definition. Tiers, tracks and modules share one namespace because `for X` may name any of them. A roster partner says its `track`, `tier`, `entity`, `contract`, `revenue target` and `joined` once: a partner is in one track.",
        bad: "benefit badge (marketing)\nbenefit badge (sales)",
        good: "benefit badge (marketing)\nbenefit sales_training (sales)",
    }
    Unused => {
        id: "C0203", name: "unused-definition", severity: Warning,
        summary: "a definition is never used",
        explanation: "A region no partner is assigned, an agreement no one requires or a benefit no tier, track or module can receive is probably a leftover or a typo elsewhere.",
        bad: "region NORDICS = [SE, NO, DK, FI]   // no partner uses it\npartner vik { region DK }",
        good: "region NORDICS = [SE, NO, DK, FI]\npartner vik { region NORDICS }",
    }
    MissingProgram => {
        id: "C0204", name: "missing-program", severity: Error,
        summary: "the policy has no program block, or more than one",
        explanation: "Every policy has exactly one `program \"Name\" { currency XXX }` block: the currency of every amount and the defaults of the program come from it.",
        bad: "tiers Silver < Gold",
        good: "program \"Example\" { currency EUR }\ntiers Silver < Gold",
    }
    ConfusableNames => {
        id: "C0205", name: "confusable-names", severity: Warning,
        summary: "two names look alike but are different",
        explanation: "Names may use any script, so `acme` (Latin) and `\u{0430}cme` (with a Cyrillic \u{0430}) are two different partners that look the same; a reviewer cannot tell which one a rule names. Charter compares the Unicode TR39 skeletons of all names, as rustc's `confusable_idents` lint does, and warns when two different names share one. Rename one of them.",
        bad: "partner acme { }\npartner \u{0430}cme { }",
        good: "partner acme { }\npartner acme_eu { }",
    }
    WrongUnit => {
        id: "C0301", name: "wrong-unit", severity: Error,
        summary: "a literal has the wrong unit",
        explanation: "Every number carries its unit and each place in a policy expects one kind: a rate is a percentage (`20%`), a threshold of sales is money (`50000 EUR`), a window is a duration (`12 months`), a holiday is a date (`2026-12-25`).",
        bad: "commission referral: 500 EUR of payments",
        good: "commission referral: 5% of payments",
    }
    CurrencyMismatch => {
        id: "C0302", name: "currency-mismatch", severity: Error,
        summary: "an amount is not in the program's currency",
        explanation: "Amounts in a policy are in the currency the program block declares. Mixing currencies in one bracket table or threshold would compare euros with dollars.",
        bad: "program \"P\" { currency EUR }\nbonus top: 1000 USD when sales over trailing 12 months >= 100000 EUR",
        good: "program \"P\" { currency EUR }\nbonus top: 1000 EUR when sales over trailing 12 months >= 100000 EUR",
    }
    BusinessDays => {
        id: "C0303", name: "business-days-misused", severity: Error,
        summary: "business days where calendar time is required, or the reverse",
        explanation: "Business days skip weekends and the program's holidays; they fit deadlines (`resolve issues within 5 business days`). Commission windows, trailing metrics, contract terms and clawback windows are calendar time: `12 months`, `90 days`.",
        bad: "commission c: 5% of payments, within 20 business days from first_invoice",
        good: "commission c: 5% of payments, within 1 month from first_invoice",
    }
    DurationUnit => {
        id: "C0304", name: "duration-unit", severity: Error,
        summary: "months or years where a count of days is required, or the reverse",
        explanation: "Notice periods, payout delays, holds and deadlines are counted in days or weeks, because a month has no fixed length; contract terms and trailing metrics are counted in months or years.",
        bad: "contract { notice 1 month in writing }",
        good: "contract { notice 30 days in writing }",
    }
    RateOutOfRange => {
        id: "C0305", name: "rate-out-of-range", severity: Error,
        summary: "a percentage outside 0% to 100%",
        explanation: "Rates, discounts, uplifts, shares and bounds are percentages of an amount and must lie between 0% and 100%.",
        bad: "commission c: 120% of payments",
        good: "commission c: 12% of payments",
    }
    InvalidValue => {
        id: "C0306", name: "invalid-value", severity: Error,
        summary: "a literal that is not a valid value",
        explanation: "Dates must exist in the calendar (`2026-02-30` does not), durations and counts must be positive where zero means nothing, and a statement's week number lies between 1 and 5.",
        bad: "program \"P\" { currency EUR holidays 2026-02-30 }",
        good: "program \"P\" { currency EUR holidays 2026-02-28 }",
    }
    DualFinancialBenefit => {
        id: "C0401", name: "dual-financial-benefit", severity: Error,
        summary: "two benefits of one choose-one group granted or elected together",
        explanation: "A `choose one of a, b` group says a partner receives at most one of its benefits. A tier, track or module granting two of them (or granting one while another applies to the same partner), or a roster entry electing two, breaks that rule.",
        bad: "choose one of referral_fee, subscription_discount\npartner acme { elect referral_fee, subscription_discount }",
        good: "choose one of referral_fee, subscription_discount\npartner acme { elect referral_fee }",
    }
    ChooseOneGroup => {
        id: "C0402", name: "invalid-choose-one-group", severity: Error,
        summary: "a choose-one group that cannot work",
        explanation: "A choose-one group needs at least two distinct benefits, and a benefit belongs to at most one group; electing a benefit that is in no group is meaningless.",
        bad: "choose one of referral_fee",
        good: "choose one of referral_fee, subscription_discount",
    }
    RosterTwoModules => {
        id: "C0403", name: "roster-partner-two-modules", severity: Error,
        summary: "a roster partner holds two modules of a program that allows one",
        explanation: "`modules A, B { one per partner }` says a partner holds at most one of the program's modules (two programs a partner cannot join together). A roster entry listing two of them breaks that rule; the simulator treats such a partner as holding none of them (S0114).",
        bad: "modules Resale, Referral { one per partner }\npartner acme { modules Resale, Referral }",
        good: "modules Resale, Referral { one per partner }\npartner acme { modules Resale }",
    }
    OverlappingRegions => {
        id: "C0501", name: "overlapping-exclusive-regions", severity: Error,
        summary: "two partners hold the same country exclusively",
        explanation: "An exclusive region assignment promises a partner it is alone in those countries. Two exclusive assignments that share a country break one of the promises; the diagnostic names the shared codes.",
        bad: "region DACH = [DE, AT, CH]\npartner a { region DACH exclusive }\npartner b { region DE exclusive }",
        good: "region DACH = [DE, AT, CH]\npartner a { region DACH exclusive }\npartner b { region DE }",
    }
    UnknownCountry => {
        id: "C0502", name: "unknown-country-code", severity: Error,
        summary: "not an ISO 3166-1 alpha-2 country code",
        explanation: "Regions are lists of ISO 3166-1 alpha-2 country codes (`DE`, `PL`, `GB`) or other regions. `UK` and `EL` are not ISO codes: use `GB` and `GR`.",
        bad: "region ISLES = [UK, IE]",
        good: "region ISLES = [GB, IE]",
    }
    RegionCycle => {
        id: "C0503", name: "region-cycle", severity: Error,
        summary: "a region contains itself",
        explanation: "A region lists countries and other regions. A region that lists itself, directly or through other regions, has no well-defined set of countries.",
        bad: "region EUROPE = [DACH, FR]\nregion DACH = [DE, AT, CH, EUROPE]",
        good: "region EUROPE = [DACH, FR]\nregion DACH = [DE, AT, CH]",
    }
    BracketOverlap => {
        id: "C0601", name: "bracket-overlap", severity: Error,
        summary: "two rate brackets cover the same values",
        explanation: "A bracket table gives one rate for each value of its metric. Brackets are half-open: `50000 EUR to 150000 EUR` covers 50000 up to but not including 150000.",
        bad: "commission c: 20% of payments {\n  rate by sales over trailing 12 months, marginal {\n    below 60000 EUR: 20%\n    from 50000 EUR: 25%\n  }\n}",
        good: "commission c: 20% of payments {\n  rate by sales over trailing 12 months, marginal {\n    below 50000 EUR: 20%\n    from 50000 EUR: 25%\n  }\n}",
    }
    BracketGap => {
        id: "C0602", name: "bracket-gap", severity: Error,
        summary: "rate brackets leave values without a rate",
        explanation: "Every value of the metric, from zero up, must fall in one bracket. A table must start at zero (`below X`) and end open (`from Y`).",
        bad: "commission c: 20% of payments {\n  rate by sales over trailing 12 months, marginal {\n    below 50000 EUR: 20%\n    60000 EUR to 150000 EUR: 25%\n    from 150000 EUR: 30%\n  }\n}",
        good: "commission c: 20% of payments {\n  rate by sales over trailing 12 months, marginal {\n    below 50000 EUR: 20%\n    50000 EUR to 150000 EUR: 25%\n    from 150000 EUR: 30%\n  }\n}",
    }
    BracketMode => {
        id: "C0603", name: "bracket-mode-missing", severity: Error,
        summary: "a bracket table does not say how its rate applies",
        explanation: "Brackets can apply three ways: `whole amount` (the bracket the metric reaches sets the rate of the whole payment), `marginal` (each part of the payment at the rate of the bracket it falls in, like income tax) or `retroactive` (reaching a bracket re-rates the whole trailing period). Say which.",
        bad: "commission c: 20% of payments {\n  rate by sales over trailing 12 months {\n    below 50000 EUR: 20%\n    from 50000 EUR: 25%\n  }\n}",
        good: "commission c: 20% of payments {\n  rate by sales over trailing 12 months, marginal {\n    below 50000 EUR: 20%\n    from 50000 EUR: 25%\n  }\n}",
    }
    RateOutsideBounds => {
        id: "C0604", name: "rate-outside-bounds", severity: Error,
        summary: "a rate outside the commission's declared bounds",
        explanation: "`bounds 20% to 30%` promises that a commission's rate stays in that range. Every flat rate, bracket rate and tier rate must lie inside it; uplifts are capped at the upper bound.",
        bad: "commission c: 35% of payments { bounds 20% to 30% }",
        good: "commission c: 30% of payments { bounds 20% to 30% }",
    }
    TierNotMonotone => {
        id: "C0701", name: "tier-not-monotone", severity: Warning,
        summary: "a higher tier requires less, or grants less, than a lower one",
        explanation: "Tiers are ordered (`tiers Silver < Gold`). A higher tier normally requires at least what the lower one does and grants at least its benefits. Requirements of lower tiers carry up; one stated again with a lower threshold, or a benefit available to a lower tier but not to a higher one, is most likely a mistake.",
        bad: "tier Silver { require staff sales >= 2 }\ntier Gold { require staff sales >= 1 }",
        good: "tier Silver { require staff sales >= 1 }\ntier Gold { require staff sales >= 2 }",
    }
    Unreachable => {
        id: "C0702", name: "unreachable", severity: Error,
        summary: "a tier or rule that no partner can ever reach",
        explanation: "A tier whose requirements contradict each other (at least 3 and at most 2), or a commission whose eligibility excludes every entity type the program admits, can never apply.",
        bad: "tier Gold { require staff sales >= 3\n  require staff sales <= 2 }",
        good: "tier Gold { require staff sales >= 3 }",
    }
    ZeroPointsWeight => {
        id: "C0703", name: "zero-points-weight", severity: Warning,
        summary: "a points source weighted 0",
        explanation: "A `points` requirement sums its sources, each multiplied by its weight (`3 per new customer + 1 per activity certification`). A source weighted 0 adds nothing to the sum: the document most likely gives it a weight that was lost, or the source should not be listed.",
        bad: "tiers Gold\ntier Gold { require points 3 per new customer + 0 per referral per year >= 10 }",
        good: "tiers Gold\ntier Gold { require points 3 per new customer + 1 per referral per year >= 10 }",
    }
    AnyOfAlternative => {
        id: "C0704", name: "any-of-alternative", severity: Error,
        summary: "an alternative of `any of` that its periods cannot measure",
        explanation: "`any of { … } each D from joined` asks that one alternative be met in each consecutive period from joining: that period is every alternative's. An alternative with a period of its own, or one no period measures (`contract`, `agreement`, `staff`, `managed mrr`, a text, another `any of`), cannot be. Alternatives are `count`, `revenue`, `points` and `sold mrr` without a period.",
        bad: "tiers S\ntier S { require any of { count referrals per year >= 1 } each 12 months from joined }",
        good: "tiers S\ntier S { require any of { count referrals >= 1 } each 12 months from joined }",
    }
    RepeatedPointsSource => {
        id: "C0705", name: "repeated-points-source", severity: Warning,
        summary: "one source weighted twice in a points sum",
        explanation: "Each source of a `points` requirement should appear once with its weight. A source listed twice (`3 per referral + 1 per referral`) counts twice, with the weights added: write the sum as one weight, or name the other source the document means.",
        bad: "tiers Gold\ntier Gold { require points 3 per referral + 1 per referral >= 10 }",
        good: "tiers Gold\ntier Gold { require points 4 per referral >= 10 }",
    }
    EligibilityContradiction => {
        id: "C0801", name: "eligibility-contradiction", severity: Error,
        summary: "a payout path granted to an entity type the program excludes from it",
        explanation: "The program block can restrict entity types: `individual (no contract, netted only)`. A commission paid by transfer, or one requiring a contract, cannot be made eligible to such an entity type.",
        bad: "program \"P\" {\n  currency EUR\n  entities company, individual (no contract, netted only)\n}\ncommission direct: 40% of payments { eligible entity company, individual with contract }",
        good: "program \"P\" {\n  currency EUR\n  entities company, individual (no contract, netted only)\n}\ncommission direct: 40% of payments { eligible entity company with contract }",
    }
    Stacking => {
        id: "C0901", name: "stacking-over-100", severity: Error,
        summary: "commission and discount on one sale add up to more than 100%",
        explanation: "A partner who can receive a commission and a customer discount on the same sale costs the vendor both. When the highest commission rate plus the discount passes 100%, the vendor pays to sell.",
        bad: "commission c: 60% of payments\nbenefit d (financial) { discount 50% on subscriptions }",
        good: "commission c: 40% of payments\nbenefit d (financial) { discount 15% on subscriptions }",
    }
    SplitOver100 => {
        id: "C0902", name: "split-over-100", severity: Error,
        summary: "split shares add up to more than 100%",
        explanation: "`claims split { ... }` divides a contested commission between the claiming partners' tracks; the shares cannot add up to more than the whole.",
        bad: "program \"P\" {\n  currency EUR\n  claims split { Referral 40%, Affiliate 70% }\n}\ntracks Referral, Affiliate",
        good: "program \"P\" {\n  currency EUR\n  claims split { Referral 30%, Affiliate 70% }\n}\ntracks Referral, Affiliate",
    }
    PathPaidTwice => {
        id: "C0903", name: "path-paid-twice", severity: Error,
        summary: "two commissions pay for the same attribution path and products",
        explanation: "A commission `by referral` (or `by partner_sale`, `by registration`, `by attachment`) pays for customers the partner won through that path. Two such commissions on the same path, base and products, that can apply to one partner on one day both pay every sale: write one rule per path, or tell them apart by products, invoices, scope or dates.",
        bad: "commission link: 20% of payments by referral\ncommission link_bonus: 5% of payments by referral",
        good: "commission link: 20% of payments by referral\ncommission store: 10% of payments by partner_sale",
    }
    RedundantTrackClaims => {
        id: "C0904", name: "redundant-track-claims", severity: Warning,
        summary: "a track's own `claims` rule is the program's",
        explanation: "A track's `claims` rule first keeps one of its partners' claims on a customer; the program's `claims` then decides between the claims left. When the track says what the program says (and the program does not split), deciding twice by one rule gives what deciding once does: the track's rule changes nothing. Say the rule the track needs, or drop it.",
        bad: "tracks Affiliate\ntrack Affiliate {\n  claims first\n}",
        good: "tracks Affiliate\ntrack Affiliate {\n  claims last\n}",
    }
    ZeroCap => {
        id: "C0905", name: "zero-cap", severity: Warning,
        summary: "a commission capped at nothing per period",
        explanation: "`at most N per PERIOD` (events) or `at most AMOUNT per PERIOD` (money) caps what a commission pays a partner in each calendar month, quarter or year. A cap of 0 lets nothing through: the commission never pays. Raise the cap, or remove the commission.",
        bad: "program \"P\" { currency USD }\ncommission trial_bounty: 20 USD per trial {\n  at most 0 per month\n}",
        good: "program \"P\" { currency USD }\ncommission trial_bounty: 20 USD per trial {\n  at most 50 per month\n}",
    }
    CountCapOnPercentage => {
        id: "C0906", name: "count-cap-on-percentage", severity: Error,
        summary: "a cap on how many events are paid, on a commission that pays a percentage",
        explanation: "A cap counting events (`at most 50 per month`) limits a fixed amount per event (`per new customer`, `per trial`, `per qualified lead`): each event paid counts one. A percentage of payments or invoices has no event to count. Cap the money it pays instead (`at most 10000 USD per month`).",
        bad: "program \"P\" { currency USD }\ncommission share: 10% of payments {\n  at most 50 per month\n}",
        good: "program \"P\" { currency USD }\ncommission share: 10% of payments {\n  at most 10000 USD per month\n}",
    }
    PayoutBeforeCollection => {
        id: "C1001", name: "payout-before-collection", severity: Warning,
        summary: "a payout can fall due before the money it depends on is collected",
        explanation: "A commission on payments that is due a fixed time after the invoice may fall due before the customer has paid: the vendor would advance money it may never receive. Anchor the payout on the payment.",
        bad: "commission c: 5% of payments\npayout within 30 days after invoice",
        good: "commission c: 5% of payments\npayout within 30 days after payment",
    }
    HoldShorterThanClawback => {
        id: "C1002", name: "hold-shorter-than-clawback", severity: Warning,
        summary: "a payout is released before its clawback window closes",
        explanation: "When a refund within N days claws a commission back, paying it out earlier than N days leaves the vendor recovering money from the partner. Hold payouts at least as long as the clawback window.",
        bad: "commission c: 5% of payments { clawback on refund within 60 days }\npayout within 30 days after payment",
        good: "commission c: 5% of payments { clawback on refund within 60 days }\npayout within 30 days after payment, hold 60 days",
    }
    StatementPaidAfterNextCloses => {
        id: "C1003", name: "statement-paid-after-next-closes", severity: Warning,
        summary: "a statement is paid only after the next one closes",
        explanation: "`payout statement per PERIOD, paid within D` pays what a period earned D after the period ends. When D is as long as the shortest period, the next statement closes before this one is paid, so partners never see the cadence the policy states. Pay sooner, or choose a longer period.",
        bad: "payout statement twice per month, paid within 20 days",
        good: "payout statement twice per month, paid within 5 business days",
    }
    MinimumUnreachable => {
        id: "C1004", name: "minimum-unreachable", severity: Warning,
        summary: "no balance can ever reach a payout minimum",
        explanation: "`minimum M` carries a statement's balance forward until it reaches M. When a schedule pays no commission, only `once` bonuses summing below M, no balance ever reaches M: the money is paid (or forfeited) only when the partner leaves. Lower the minimum, or pay those bonuses on another schedule.",
        bad: "payout statement per quarter, paid within 30 days, minimum 1000 EUR\nbonus welcome: 200 EUR once when sales over trailing 12 months >= 1000 EUR",
        good: "payout statement per quarter, paid within 30 days, minimum 100 EUR\nbonus welcome: 200 EUR once when sales over trailing 12 months >= 1000 EUR",
    }
    BalanceWithoutStatement => {
        id: "C1005", name: "balance-without-statement", severity: Error,
        summary: "a payout minimum or withholding on a payout that has no statements",
        explanation: "`minimum M` carries a balance below M to the next statement, and `withheld until KIND` holds statements until the partner's paperwork is in. Both need statements: `monthly statement, paid in week N of next month` or `statement per PERIOD, paid within D`. A payout `within D after payment` pays each amount on its own, and `netted at source` at once, so there is no balance to carry or withhold. Pay on statements, or drop the clause.",
        bad: "payout within 30 days after payment, minimum 50 EUR",
        good: "payout statement per month, paid within 30 days, minimum 50 EUR",
    }
    WindowNotPerSubscription => {
        id: "C1006", name: "window-not-per-subscription", severity: Error,
        summary: "a window `per subscription` counts from a date the subscription does not have",
        explanation: "`within D from first_invoice per subscription` opens one window per subscription of the customer (a cross-sell is a new subscription), from that subscription's first invoice. The other anchors are the customer's or the partner's dates: every subscription would share one window. Count from `first_invoice`, or drop `per subscription`.",
        bad: "commission c: 10% of payments, within 12 months from referral per subscription",
        good: "commission c: 10% of payments, within 12 months from first_invoice per subscription",
    }
    ActiveOnlyNetted => {
        id: "C1007", name: "active-only-netted", severity: Error,
        summary: "a commission paid only to partners still active is kept out of collected money",
        explanation: "`paid only if active for D` holds each payout until the partner has been active D since it joined, and forfeits it if the contract ends before. A commission settled `netted` (or paid `netted at source`) is kept by the partner out of the money it collected, on the day: there is nothing to hold back or forfeit. Settle it by transfer, or drop the condition.",
        bad: "commission c: 50% of payments where collected_by partner {\n  settle netted\n  paid only if active for 12 months\n}",
        good: "commission c: 50% of payments where collected_by partner {\n  settle transfer\n  paid only if active for 12 months\n}",
    }
    CutBackNotLower => {
        id: "C1008", name: "cut-back-not-lower", severity: Error,
        summary: "a commission is cut back to a rate that is not below its own",
        explanation: "`cut back to R unless tier T within D from joined` lowers the commission to R from the deadline on, and takes back what it paid above R before. R must be below the commission's rate (below every rate of its table): a cut back to the same rate or a higher one changes nothing or pays more.",
        bad: "tiers Silver < Gold\ncommission c: 10% of payments {\n  cut back to 15% unless tier Gold within 24 months from joined\n}",
        good: "tiers Silver < Gold\ncommission c: 20% of payments {\n  cut back to 15% unless tier Gold within 24 months from joined\n}",
    }
    CutBackNetted => {
        id: "C1009", name: "cut-back-netted", severity: Error,
        summary: "a commission cut back on a deadline is kept out of collected money",
        explanation: "A cut back takes back, on the deadline, what the commission paid above the lower rate. A netted commission is kept by the partner out of the money it collected: no payout to take it from. Settle it by transfer, or drop the cut back.",
        bad: "tiers Silver < Gold\ncommission c: 50% of payments {\n  settle netted\n  cut back to 30% unless tier Gold within 24 months from joined\n}",
        good: "tiers Silver < Gold\ncommission c: 50% of payments {\n  settle transfer\n  cut back to 30% unless tier Gold within 24 months from joined\n}",
    }
    PartnerCurrencyNetted => {
        id: "C1301", name: "partner-currency-netted", severity: Error,
        summary: "a netted commission cannot be paid in the partner's currency",
        explanation: "`paid in partner currency …` converts each payout to the partner's currency. A netted commission (`settle netted`, `netted at source`) is never paid: the partner keeps it out of the customer's payment, in its currency. Settle it by transfer, or drop the conversion.",
        bad: "program \"P\" {\n  currency USD\n  paid in partner currency at rate of event date\n}\ncommission c: 50% of payments where collected_by partner {\n  settle netted\n}",
        good: "program \"P\" {\n  currency USD\n  paid in partner currency at rate of event date\n}\ncommission c: 50% of payments where collected_by partner {\n  settle transfer\n}",
    }
    OverlappingVersions => {
        id: "C1201", name: "overlapping-versions", severity: Error,
        summary: "two dated versions of one rule are in force on the same day",
        explanation: "A rate, bonus or tier requirement changed on a date is written twice, each version `in force from D1 [to D2]`. Two versions of one rule (same scope and base, or same measure) in force on one day would both apply: a double payment, or two thresholds. End the earlier version the day before the later one starts.",
        bad: "commission sale_2025: 20% of payments { in force from 2025-01-01 to 2025-12-31 }\ncommission sale_2026: 25% of payments { in force from 2025-07-01 }",
        good: "commission sale_2025: 20% of payments { in force from 2025-01-01 to 2025-12-31 }\ncommission sale_2026: 25% of payments { in force from 2026-01-01 }",
    }
    SimUnknownTrack => {
        id: "S0101", name: "unknown-track", severity: Error,
        summary: "a partner's track is not defined by the policy",
        explanation: "The scenario puts a partner in a track (`\"track\": \"Resellers\"`) that no `tracks` line of the policy declares. The scenario contradicts the policy, so no payout of that partner can be trusted: correct the export or declare the track.",
        bad: "",
        good: "",
    }
    SimUnknownTier => {
        id: "S0102", name: "unknown-tier", severity: Error,
        summary: "a tier named by the scenario is not defined by the policy",
        explanation: "The scenario grants a partner a tier (`\"tier\": \"Platinum\"`) that the policy's `tiers` line does not declare. Tiers decide rates and benefits, so the partner's payouts would be guesses: correct the export or declare the tier.",
        bad: "",
        good: "",
    }
    SimUnknownModule => {
        id: "S0103", name: "unknown-module", severity: Error,
        summary: "a partner's module is not defined by the policy",
        explanation: "The scenario lists a module for a partner that no `modules` line of the policy declares. Correct the export or declare the module.",
        bad: "",
        good: "",
    }
    SimUnknownBenefit => {
        id: "S0104", name: "unknown-benefit", severity: Error,
        summary: "a partner elected a benefit the policy does not define",
        explanation: "A partner's `elected` list names a benefit no `benefit` item of the policy defines, so the election cannot be honoured. Correct the export or define the benefit.",
        bad: "",
        good: "",
    }
    SimDualElectedBenefits => {
        id: "S0105", name: "dual-elected-benefits", severity: Error,
        summary: "a partner elected two benefits of one choose-one group",
        explanation: "A `choose one of a, b` group lets a partner receive at most one of its benefits. The scenario has a partner electing two benefits of one group (`\"elected\": [\"referral_fee\", \"subscription_discount\"]`): it contradicts the policy, `charter simulate` and `charter test` exit 1, and no payout figure of that partner is meaningful. The checker reports the same contradiction in a policy's roster as C0401 (dual-financial-benefit).",
        bad: "",
        good: "",
    }
    SimUnknownPartner => {
        id: "S0106", name: "unknown-partner", severity: Error,
        summary: "an event names a partner the scenario does not declare",
        explanation: "A referral, registration or other event names a partner that neither the scenario's partners nor the policy's roster declare. The event is not attributed; declare the partner or correct the event.",
        bad: "",
        good: "",
    }
    SimUnknownInvoice => {
        id: "S0107", name: "unknown-invoice", severity: Error,
        summary: "a payment or refund names an invoice no event issued",
        explanation: "Payments and refunds refer to an invoice by id; the invoice must be issued by an earlier or same-day `invoice` event of the scenario. Money on an unknown invoice earns no commission.",
        bad: "",
        good: "",
    }
    SimCurrencyMismatch => {
        id: "S0108", name: "invoice-currency-mismatch", severity: Error,
        summary: "an invoice is in another currency than the program's",
        explanation: "Every amount is in the currency of the program block. An invoice in another currency would compare euros with dollars, so it earns nothing: convert it in the export. The checker's C0302 (currency-mismatch) is the same rule for amounts written in a policy.",
        bad: "",
        good: "",
    }
    SimEntityNotAdmitted => {
        id: "S0109", name: "entity-not-admitted", severity: Error,
        summary: "the program does not admit the partner's entity type",
        explanation: "The program block's `entities` line lists the entity types it admits (`company`, `individual`, ...). A partner of another type is outside the program; correct the export or admit the type.",
        bad: "",
        good: "",
    }
    SimOverpayment => {
        id: "S0110", name: "overpayment", severity: Warning,
        summary: "payments exceed the invoice amount",
        explanation: "The payments on an invoice add up to more than its amount. Commission is computed on what was paid, so check the export for a duplicated payment.",
        bad: "",
        good: "",
    }
    SimRefundExceedsPayments => {
        id: "S0111", name: "refund-exceeds-payments", severity: Warning,
        summary: "a refund is larger than what was paid on the invoice",
        explanation: "A refund returns more than was paid on its invoice. At most what was paid is clawed back; check the export.",
        bad: "",
        good: "",
    }
    SimUnknownQualification => {
        id: "S0112", name: "unknown-qualification", severity: Warning,
        summary: "a partner's staff qualification is not one the policy counts",
        explanation: "The scenario gives a partner staff with a qualification no `require staff` line of the policy counts; the staff count is not used for it. Check the spelling in the export.",
        bad: "",
        good: "",
    }
    SimAmountTooPrecise => {
        id: "S0113", name: "amount-too-precise", severity: Warning,
        summary: "amounts have more decimals than the currency's minor unit; they are used as written",
        explanation: "An invoice, payment or refund amount is written with more decimals than the program's currency has (`10.005` EUR). The simulator uses such amounts exactly as written and rounds each payout once, so the finding only points at the export; one finding names the first such amount and counts the others.",
        bad: "",
        good: "",
    }
    SimModulesOnePerPartner => {
        id: "S0114", name: "modules-one-per-partner", severity: Error,
        summary: "a partner holds two modules the policy allows one of",
        explanation: "`modules A, B { one per partner }` allows one module per partner, but the partner record gives a partner two or more of them. As with S0105, the partner holds none of those modules until the record is corrected: no commission, bonus or benefit of either is paid to it. The finding points at the `modules` line and at the record.",
        bad: "",
        good: "",
    }
    SimContestedCustomer => {
        id: "S0201", name: "contested-customer", severity: Warning,
        summary: "two partners claim one customer; the policy's claims rule decided",
        explanation: "Two partners referred or registered one customer. The program's `claims` rule (first, last, split, ...) decided who is paid; the finding names the partners so the decision can be reviewed.",
        bad: "",
        good: "",
    }
    SimAttributionRejected => {
        id: "S0202", name: "attribution-rejected", severity: Info,
        summary: "a claim on a customer did not meet the policy's attribution rule",
        explanation: "A partner's referral or registration did not meet `attribute customer` (a window, an approval, a first order...), so it does not attribute the customer.",
        bad: "",
        good: "",
    }
    SimUnattributed => {
        id: "S0203", name: "unattributed-customer", severity: Info,
        summary: "a customer paid but is attributed to no partner",
        explanation: "A customer paid an invoice, but no partner's claim attributes that customer: no commission is due on it.",
        bad: "",
        good: "",
    }
    SimLateDecision => {
        id: "S0204", name: "late-decision", severity: Info,
        summary: "the vendor decided on a registration after its own deadline; the decision still counts",
        explanation: "The policy gives the vendor a deadline to approve or reject a registration; the scenario's decision came later. The decision still counts as recorded.",
        bad: "",
        good: "",
    }
    SimNotEligible => {
        id: "S0301", name: "not-eligible", severity: Warning,
        summary: "a commission path is closed to this partner (entity type, contract, tier or elected benefit)",
        explanation: "A commission's `eligible` clause, `for` scope or benefit election excludes the partner (its entity type, a missing contract, its tier, or a benefit it did not elect), so the payment earns that partner nothing on this path.",
        bad: "",
        good: "",
    }
    SimRequirementNotMet => {
        id: "S0302", name: "requirement-not-met", severity: Warning,
        summary: "the partner does not meet its track's or module's requirements",
        explanation: "The partner lacks what its program, track or module requires (`require contract`, `require staff sales >= 2`, ...), so commissions and bonuses that need them are not paid; the message names the requirement.",
        bad: "",
        good: "",
    }
    SimContractEnded => {
        id: "S0303", name: "contract-ended", severity: Info,
        summary: "income after the end of the partner's contract is not paid",
        explanation: "The partner's contract ended (its end date or notice date passed); invoices issued or payments made after it earn no commission.",
        bad: "",
        good: "",
    }
    SimPendingFullPayment => {
        id: "S0304", name: "pending-full-payment", severity: Info,
        summary: "the invoice is not paid in full, so its commission is not yet earned",
        explanation: "A payout `after full payment` waits until its invoice is paid in full; as of the simulation date part of the invoice is still open, so its commission is not yet earned.",
        bad: "",
        good: "",
    }
    SimCapReached => {
        id: "S0305", name: "cap-reached", severity: Info,
        summary: "a commission's cap for the period is reached, so the event earns nothing",
        explanation: "A commission `at most N per PERIOD` or `at most AMOUNT per PERIOD` pays a partner at most that much in each calendar month, quarter or year. The cap was reached in the period, so this event (and the partner's later ones that period) earn nothing from the commission; the customer still counts as the partner's, and its bounty is not paid later.",
        bad: "",
        good: "",
    }
    SimCutBackWithoutJoined => {
        id: "S0306", name: "cut-back-without-joined", severity: Warning,
        summary: "a commission is cut back unless a tier is reached within a period from joining, but the partner has no `joined` date",
        explanation: "`cut back to R unless tier T within D from joined` counts D from the partner's `joined` date. The partner's record has none, so there is no deadline: the commission pays its own rate and is never cut back. Add `joined` to the partner's record.",
        bad: "",
        good: "",
    }
    SimAssumedMet => {
        id: "S0401", name: "requirement-assumed-met", severity: Info,
        summary: "the scenario carries no data for a requirement, so it is assumed met",
        explanation: "A requirement (training, certification, staff...) has no data in the scenario; the simulator assumes it is met rather than withholding every payout. Add the data to the export to have it checked.",
        bad: "",
        good: "",
    }
    SimInviteOnly => {
        id: "S0402", name: "invitation-missing", severity: Info,
        summary: "the partner meets an invite-only tier's requirements but was not invited",
        explanation: "An `invite only` tier is granted only on invitation. The partner meets its requirements but the scenario does not grant the tier, so it stays in the tier below.",
        bad: "",
        good: "",
    }
    SimObligationBreached => {
        id: "S0501", name: "obligation-breached", severity: Warning,
        summary: "an obligation with a deadline was met late, or is still open past its due date",
        explanation: "An `obligation NAME within D after EVENT` starts at each `activity` of kind EVENT of a partner and is met by the next activity of kind NAME; the simulation reports each one met after its due date, or still open on the simulation date past it, with the partner, the due date and the date it was met (or `open`).",
        bad: "",
        good: "",
    }
    SimTaxRateUnused => {
        id: "S0601", name: "tax-rate-unused", severity: Warning,
        summary: "a partner record gives a tax rate the policy never adds",
        explanation: "The partner record gives a `tax_rate` (the partner is VAT-registered), but the program block has no `tax on top of commission`: the partner is paid the commission alone. Add the clause if the vendor pays tax on top, or drop the rate from the export.",
        bad: "",
        good: "",
    }
    SimExchangeRateMissing => {
        id: "S0602", name: "exchange-rate-missing", severity: Warning,
        summary: "no exchange rate was in force on the day a payout in another currency was earned",
        explanation: "Under `paid in partner currency at rate of event date` a payout is converted at the latest `exchange_rate` event from the program's currency to the partner's dated on or before the day of the event that earned it. The scenario has none that early, so the payout stays in the program's currency. Add the rate to the export.",
        bad: "",
        good: "",
    }
    SimPartnerCurrencyUnused => {
        id: "S0603", name: "partner-currency-unused", severity: Warning,
        summary: "a partner record gives a currency the policy never pays in",
        explanation: "The partner record gives a `currency` other than the program's, but the program block has no `paid in partner currency at rate of event date`: the partner is paid in the program's currency. Add the clause if the vendor pays partners in their own currency, or drop the currency from the export.",
        bad: "",
        good: "",
    }
    SimTrackAssumed => {
        id: "S0403", name: "track-assumed", severity: Info,
        summary: "a partner without a track is taken to be in the only track its claim fits",
        explanation: "The scenario gives the partner no track; exactly one track of the policy fits its claim (a referral, a registration...), so the simulator assumes that one. Add the track to the export to make it explicit.",
        bad: "",
        good: "",
    }
}
