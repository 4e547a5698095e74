//! Charter's vocabulary, the one table of its words: every keyword, the
//! keywords that start a top-level item, the event kinds, and which clauses
//! may start in which block (with what the language server completes and
//! says of each). A test checks [`KEYWORDS`] against every literal of
//! `grammar/charter.pest`; the tree-sitter grammar
//! (`editors/tree-sitter-charter`), the TextMate grammar and the Vim syntax
//! file are tested or generated against it.
//!
//! Adding a keyword: the rule in `grammar/charter.pest`; the word in
//! [`KEYWORDS`] (and in [`ITEM_KEYWORDS`], [`VALUE_WORDS`] or
//! [`UNIT_WORDS`] if it is one); the same rule in
//! `editors/tree-sitter-charter/grammar.js`, then `tree-sitter generate --abi 14`
//! there; the word in that folder's `queries/highlights.scm`; then
//! `CHARTER_UPDATE_VOCABULARY=1 cargo test -p charter-syntax --test editor_vocabulary`
//! and `CHARTER_UPDATE_QUERIES=1 cargo test -p tree-sitter-charter --test editor_queries`
//! rewrite the editors' generated lists, and `npm run grammar` in
//! `editors/vscode` the TextMate grammar. A test fails for each step left out.

/// Every word the grammar spells out.
pub const KEYWORDS: &[&str] = &[
    "active",
    "activities",
    "activity",
    "after",
    "again",
    "agreement",
    "agreements",
    "amount",
    "any",
    "approval",
    "as",
    "at",
    "attachment",
    "attribute",
    "attribution",
    "automatically",
    "back",
    "balance",
    "before",
    "below",
    "benefit",
    "bonus",
    "bounds",
    "business",
    "by",
    "choose",
    "claims",
    "clawback",
    "collected_by",
    "collection",
    "commission",
    "commissions",
    "compete",
    "contract",
    "contract_start",
    "count",
    "currency",
    "customer",
    "customers",
    "cut",
    "date",
    "day",
    "days",
    "decided",
    "default",
    "discount",
    "down",
    "each",
    "earned",
    "elect",
    "elected",
    "eligible",
    "entities",
    "entity",
    "event",
    "exclusive",
    "exclusive_first",
    "existing",
    "first",
    "first_invoice",
    "first_order",
    "first_payment",
    "for",
    "force",
    "forfeited",
    "from",
    "full",
    "grant",
    "half_down",
    "half_even",
    "half_up",
    "hold",
    "holidays",
    "if",
    "import",
    "in",
    "individually",
    "installation",
    "invitation",
    "invite",
    "invoice",
    "invoices",
    "joined",
    "keep",
    "last",
    "lead",
    "leaving",
    "lifetime",
    "majeure",
    "managed",
    "marginal",
    "met",
    "minimum",
    "module",
    "modules",
    "month",
    "monthly",
    "months",
    "most",
    "mrr",
    "netted",
    "new",
    "next",
    "no",
    "non",
    "none",
    "notice",
    "obligation",
    "obligations",
    "of",
    "on",
    "once",
    "one",
    "only",
    "or",
    "order",
    "orders",
    "over",
    "paid",
    "partner",
    "partner_sale",
    "path",
    "payment",
    "payments",
    "payout",
    "pays",
    "per",
    "points",
    "products",
    "program",
    "qualifications",
    "qualified",
    "quarter",
    "rate",
    "referral",
    "refund",
    "region",
    "registration",
    "renewal",
    "renewals",
    "renews",
    "request",
    "require",
    "required",
    "retroactive",
    "revenue",
    "review",
    "rounding",
    "sales",
    "self_referral",
    "set",
    "settle",
    "several",
    "signed",
    "sold",
    "source",
    "split",
    "staff",
    "statement",
    "stop",
    "subscription",
    "suspends",
    "target",
    "tax",
    "term",
    "termination",
    "tier",
    "tiers",
    "to",
    "top",
    "track",
    "tracks",
    "trailing",
    "transfer",
    "trial",
    "twice",
    "unless",
    "until",
    "up",
    "uplift",
    "users",
    "vendor",
    "vendor_contact",
    "waive",
    "week",
    "weeks",
    "when",
    "where",
    "while",
    "whole",
    "with",
    "withheld",
    "within",
    "writing",
    "year",
    "years",
];

/// The kinds of event a clause can name (`event_kind` in the grammar, which
/// also takes each with a final `s`: `orders`).
pub const EVENT_KINDS: &[&str] = &[
    "vendor_contact",
    "referral",
    "registration",
    "attachment",
    "order",
    "invoice",
    "payment",
    "refund",
    "activities",
    "activity",
    "notice",
    "invitation",
];

/// Keywords that start a top-level item (the first word of each of
/// [`TOP_LEVEL`]'s clauses).
pub const ITEM_KEYWORDS: &[&str] = &[
    "import",
    "program",
    "tiers",
    "tier",
    "tracks",
    "track",
    "modules",
    "module",
    "benefit",
    "choose",
    "commission",
    "bonus",
    "attribute",
    "payout",
    "region",
    "partner",
    "obligation",
    "contract",
    "require",
];

/// Words that can never be names (the grammar's `keyword_only`).
pub const KEYWORD_ONLY: &[&str] = &[
    "of",
    "for",
    "within",
    "when",
    "where",
    "with",
    "to",
    "below",
    "from",
    "after",
    "before",
    "per",
    "in",
    "over",
    "by",
    "on",
    "as",
    "at",
    "entity",
    "tier",
    "track",
    "module",
    "while",
    "exclusive",
];

/// The unit words of a duration (`30 days`, `5 business days`).
pub const UNIT_WORDS: &[&str] = &[
    "business", "day", "days", "week", "weeks", "month", "months", "year", "years",
];

/// Words of the closed sets that are values rather than keywords, by what
/// they are a value of (editors colour them as constants). The event kinds
/// are [`EVENT_KINDS`].
pub const VALUE_WORDS: &[(&str, &[&str])] = &[
    (
        "anchor",
        &[
            "first_invoice",
            "first_payment",
            "first_order",
            "contract_start",
            "attribution",
        ],
    ),
    ("attribution-method", &["partner_sale"]),
    ("party", &["vendor", "partner"]),
    ("invoice-kind", &["new", "renewal"]),
    ("settlement", &["netted", "transfer"]),
    ("payout-anchor", &["collection"]),
    ("contract-state", &["signed", "none"]),
    ("period", &["quarter"]),
    ("rounding", &["half_even", "half_up", "half_down"]),
    ("claims-order", &["exclusive_first"]),
];

/// The keywords that are neither item keywords, values, event kinds nor
/// units: clause keywords and connectives, sorted.
pub fn clause_keywords() -> Vec<&'static str> {
    KEYWORDS
        .iter()
        .copied()
        .filter(|w| {
            !ITEM_KEYWORDS.contains(w)
                && !EVENT_KINDS.contains(w)
                && !UNIT_WORDS.contains(w)
                && !VALUE_WORDS.iter().any(|(_, words)| words.contains(w))
        })
        .collect()
}

/// Whether `word` is a keyword of the language.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.binary_search(&word).is_ok()
}

/// A clause keyword with what to insert and a one-line description.
#[derive(Clone, Copy, Debug)]
pub struct ClauseKeyword {
    pub label: &'static str,
    pub insert: &'static str,
    pub detail: &'static str,
}

const fn kw(label: &'static str, insert: &'static str, detail: &'static str) -> ClauseKeyword {
    ClauseKeyword {
        label,
        insert,
        detail,
    }
}

/// The block a cursor is in, which decides the clauses that may start there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    TopLevel,
    Program,
    /// A `tier`, `track` or `module` block.
    Member,
    Benefit,
    Commission,
    /// `rate by sales over trailing 12 months, marginal { ... }`.
    Brackets,
    /// `rate by tier { ... }`.
    TierRates,
    Attribution,
    Partner,
    Contract,
    /// `claims split { ... }`.
    Split,
    /// `modules a, b { ... }`.
    ModulesOption,
    /// `region X = [ ... ]`.
    RegionList,
    Unknown,
}

pub const TOP_LEVEL: &[ClauseKeyword] = &[
    kw("import", "import \"", "import another policy file"),
    kw(
        "program",
        "program \"",
        "the program block: currency and settings",
    ),
    kw("tiers", "tiers ", "the tiers, lowest first: `tiers A < B`"),
    kw("tier", "tier ", "a tier's requirements and grants"),
    kw(
        "tracks",
        "tracks ",
        "the tracks a partner can be on (one per partner)",
    ),
    kw("track", "track ", "a track's requirements and rules"),
    kw("modules", "modules ", "the modules a partner can add"),
    kw("module", "module ", "a module's requirements and rules"),
    kw(
        "benefit",
        "benefit ",
        "a benefit: `benefit name (category) for Tier`",
    ),
    kw(
        "choose one of",
        "choose one of ",
        "a choose-one group of benefits",
    ),
    kw("commission", "commission ", "a commission rule"),
    kw(
        "bonus",
        "bonus ",
        "a bonus: `bonus name: 1000 EUR when ...`",
    ),
    kw(
        "attribute customer by",
        "attribute customer by ",
        "how a customer is attributed to a partner",
    ),
    kw("payout", "payout ", "when commissions are paid"),
    kw(
        "region",
        "region ",
        "a region: `region DACH = [DE, AT, CH]`",
    ),
    kw("partner", "partner ", "a partner of the roster"),
    kw(
        "obligation",
        "obligation ",
        "an obligation of the partner or the vendor",
    ),
    kw("contract", "contract {", "the partner contract's terms"),
    kw("require", "require ", "a requirement every partner meets"),
];

pub const PROGRAM: &[ClauseKeyword] = &[
    kw("currency", "currency ", "the currency of every amount"),
    kw(
        "products",
        "products ",
        "the product plans, entry plan first: `products A < B`",
    ),
    kw("agreements", "agreements ", "the agreements partners sign"),
    kw("entities", "entities ", "the entity types admitted"),
    kw(
        "qualifications",
        "qualifications ",
        "the staff qualifications counted",
    ),
    kw("rounding", "rounding ", "how payout amounts are rounded"),
    kw("holidays", "holidays ", "holidays skipped by business days"),
    kw(
        "claims",
        "claims ",
        "how a customer claimed twice is resolved",
    ),
    kw(
        "tax",
        "tax on top of commission",
        "registered partners' tax (VAT) paid on top of each payout",
    ),
    kw(
        "paid",
        "paid in partner currency at rate of event date",
        "partners paid in their own currency, at the rate of the day earned",
    ),
];

pub const MEMBER: &[ClauseKeyword] = &[
    kw(
        "invite only",
        "invite only",
        "the tier is by invitation only",
    ),
    kw("require", "require ", "a requirement"),
    kw("grant", "grant ", "benefits granted"),
    kw("eligible", "eligible ", "who may join"),
    kw(
        "attribute customer by",
        "attribute customer by ",
        "how a customer is attributed",
    ),
    kw("commission", "commission ", "a commission rule"),
    kw("bonus", "bonus ", "a bonus"),
    kw("payout", "payout ", "when commissions are paid"),
    kw("obligation", "obligation ", "an obligation"),
];

pub const BENEFIT: &[ClauseKeyword] = &[
    kw("commission", "commission ", "a commission the benefit pays"),
    kw(
        "discount",
        "discount ",
        "a customer discount: `discount 15% on subscriptions`",
    ),
    kw("bonus", "bonus ", "a bonus the benefit pays"),
];

pub const COMMISSION: &[ClauseKeyword] = &[
    kw(
        "rate",
        "rate ",
        "the rate: `rate 20%`, `rate by tier { ... }`, `rate by sales ...`",
    ),
    kw(
        "of payments",
        "of payments",
        "a percentage of the customer's payments",
    ),
    kw(
        "of invoices",
        "of invoices",
        "a percentage of invoiced amounts",
    ),
    kw(
        "within",
        "within ",
        "a window: `within 12 months from first_invoice`",
    ),
    kw(
        "for lifetime",
        "for lifetime",
        "for the customer's lifetime",
    ),
    kw(
        "while contract active",
        "while contract active",
        "while the partner's contract is active",
    ),
    kw(
        "while customer pays",
        "while customer pays",
        "while the customer pays",
    ),
    kw(
        "bounds",
        "bounds ",
        "the range the rate stays in: `bounds 20% to 30%`",
    ),
    kw(
        "uplift",
        "uplift ",
        "an uplift: `uplift 2% when staff trained >= 1`",
    ),
    kw("eligible", "eligible ", "who may receive the commission"),
    kw("settle", "settle ", "`netted` or `transfer`"),
    kw(
        "clawback on refund",
        "clawback on refund",
        "claw the commission back on a refund",
    ),
    kw("payout", "payout ", "when this commission is paid"),
    kw(
        "paid only if active for",
        "paid only if active for ",
        "held until the partner has been active that long since joining, forfeited if it leaves before",
    ),
    kw(
        "at most",
        "at most ",
        "a cap per calendar period: `at most 50 per month` (events paid) or `at most 5000 USD per month` (money)",
    ),
    kw(
        "cut back to",
        "cut back to ",
        "a lower rate unless the partner reaches a tier within a period from joining, taken back to on the deadline",
    ),
];

pub const BRACKETS: &[ClauseKeyword] = &[
    kw(
        "below",
        "below ",
        "the first bracket: `below 50000 EUR: 20%`",
    ),
    kw("from", "from ", "the last bracket: `from 150000 EUR: 30%`"),
];

pub const ATTRIBUTION: &[ClauseKeyword] = &[
    kw(
        "no vendor_contact within",
        "no vendor_contact within ",
        "no prior vendor contact",
    ),
    kw(
        "order within",
        "order within ",
        "the customer orders within a time after the claim",
    ),
    kw(
        "approval required",
        "approval required",
        "the vendor approves each claim",
    ),
    kw(
        "existing customers on request",
        "existing customers on request",
        "existing customers only at their request",
    ),
    kw(
        "new customers only",
        "new customers only",
        "no claim on a customer that bought before",
    ),
    kw(
        "no self_referral",
        "no self_referral",
        "no claim on one of the partner's own accounts",
    ),
    kw(
        "new users only",
        "new users only",
        "no claim on a customer that signed up before",
    ),
    kw("exclusive", "exclusive", "the attribution is exclusive"),
    kw(
        "before installation",
        "before installation",
        "the claim precedes the first invoice",
    ),
];

pub const PARTNER: &[ClauseKeyword] = &[
    kw(
        "region",
        "region ",
        "a region or country the partner covers",
    ),
    kw("tier", "tier ", "the partner's tier"),
    kw("track", "track ", "the partner's track"),
    kw("modules", "modules ", "the partner's modules"),
    kw("entity", "entity ", "the partner's entity type"),
    kw("elect", "elect ", "the benefits the partner elected"),
    kw("contract", "contract ", "`signed` or `none`"),
    kw(
        "staff",
        "staff ",
        "staff counts: `staff sales 2, technical 1`",
    ),
    kw(
        "revenue target",
        "revenue target ",
        "the partner's individual revenue target",
    ),
    kw("joined", "joined ", "the date the partner joined"),
];

pub const CONTRACT: &[ClauseKeyword] = &[
    kw(
        "term",
        "term ",
        "the contract term: `term 1 year, renews automatically`",
    ),
    kw(
        "notice",
        "notice ",
        "the notice period: `notice 30 days in writing`",
    ),
    kw(
        "on termination",
        "on termination ",
        "what happens on termination",
    ),
    kw(
        "force majeure suspends obligations",
        "force majeure suspends obligations",
        "force majeure",
    ),
    kw("non compete", "non compete \"", "a non-compete clause"),
];

pub const MODULES_OPTION: &[ClauseKeyword] = &[
    kw(
        "several per partner",
        "several per partner",
        "a partner may combine modules",
    ),
    kw(
        "one per partner",
        "one per partner",
        "a partner has one module",
    ),
];

/// The clauses that may start a line in a block.
pub fn clauses(block: Block) -> &'static [ClauseKeyword] {
    match block {
        Block::TopLevel => TOP_LEVEL,
        Block::Program => PROGRAM,
        Block::Member => MEMBER,
        Block::Benefit => BENEFIT,
        Block::Commission => COMMISSION,
        Block::Brackets => BRACKETS,
        Block::Attribution => ATTRIBUTION,
        Block::Partner => PARTNER,
        Block::Contract => CONTRACT,
        Block::ModulesOption => MODULES_OPTION,
        Block::TierRates | Block::Split | Block::RegionList | Block::Unknown => &[],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn keywords_are_sorted_for_binary_search() {
        assert!(KEYWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn keywords_are_exactly_the_grammar_words() {
        let grammar = include_str!("../../../grammar/charter.pest");
        let mut words: Vec<&str> = Vec::new();
        for line in grammar.lines() {
            let code = line.split("//").next().unwrap_or("");
            for (i, part) in code.split('"').enumerate() {
                let is_word =
                    part.len() > 1 && part.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if i % 2 == 1 && is_word {
                    words.push(part);
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        assert_eq!(words, KEYWORDS);
    }

    #[test]
    fn item_keywords_are_the_first_words_of_the_top_level_clauses() {
        let first: Vec<&str> = TOP_LEVEL
            .iter()
            .map(|c| c.label.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(first, ITEM_KEYWORDS);
    }

    /// The words (two letters or more) of the pest rule `name`.
    fn rule_words(rule: &str) -> Vec<&'static str> {
        let grammar = include_str!("../../../grammar/charter.pest");
        let start = grammar.find(&format!("\n{rule} ")).unwrap() + 1;
        let end = start + grammar[start..].find("}\n").unwrap();
        grammar[start..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|w| w.len() > 1)
            .collect()
    }

    #[test]
    fn keyword_only_and_units_are_the_grammar_rules() {
        assert_eq!(rule_words("keyword_only"), KEYWORD_ONLY);
        let mut units = rule_words("unit_word");
        units.extend(rule_words("unit_business"));
        units.sort_unstable();
        let mut ours = UNIT_WORDS.to_vec();
        ours.sort_unstable();
        assert_eq!(units, ours);
    }

    #[test]
    fn every_category_holds_keywords_only() {
        let values = VALUE_WORDS.iter().flat_map(|(_, w)| w.iter());
        for w in KEYWORD_ONLY
            .iter()
            .chain(UNIT_WORDS)
            .chain(values)
            .chain(ITEM_KEYWORDS)
        {
            assert!(is_keyword(w), "{w}");
        }
        assert!(clause_keywords().contains(&"within"));
        assert!(!clause_keywords().contains(&"days"));
    }

    #[test]
    fn event_kinds_are_the_grammar_event_kinds() {
        let grammar = include_str!("../../../grammar/charter.pest");
        let rule = grammar
            .split("event_kind = @{")
            .nth(1)
            .and_then(|r| r.split('}').next())
            .unwrap_or("");
        let kinds: Vec<&str> = rule
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|w| *w != "s")
            .collect();
        assert_eq!(kinds, EVENT_KINDS);
        assert!(EVENT_KINDS.iter().all(|k| is_keyword(k)));
    }
}
