//! Completion in context. The enclosing block comes from the braces before the
//! cursor (a line starting with an item keyword at column 0 resets it, so a
//! broken item above does not confuse the rest of the file); the words of the
//! current clause decide what is expected: a clause keyword, a defined name of
//! some kind, a unit after a number, an ISO country code, a vocabulary word.

use crate::analysis::Analysis;
use crate::keywords::{self, Block};
use charter_check::{SymbolKind, SymbolTable};
use charter_ir::countries::COUNTRIES;
use charter_syntax::lexer::{self, TokenKind};
use charter_syntax::vocabulary::ITEM_KEYWORDS;
use line_index::LineIndex;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionResponse,
    Documentation, MarkupContent, MarkupKind, Position,
};

/// Completion at `position` of `text`, the document's current text. The names
/// come from `a`, which may be the analysis of a slightly older text: while the
/// user types, completion does not wait for the document to be checked again.
pub fn completion(
    text: &str,
    a: &Analysis,
    position: Position,
    trigger: Option<&str>,
) -> Option<CompletionResponse> {
    let lines = LineIndex::new(text);
    let offset = crate::analysis::offset_of(&lines, text, position)?;
    let context = Context::at(text, offset)?;
    let items = items(a, &context, trigger);
    if items.is_empty() {
        return None;
    }
    Some(CompletionResponse::Array(items))
}

/// A lexical token of the current clause.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token<'t> {
    Word(&'t str),
    Number,
    Str,
    Punct(char),
}

/// Where the cursor is.
#[derive(Debug)]
struct Context<'t> {
    block: Block,
    /// The tokens of the current clause before the word being typed.
    tokens: Vec<Token<'t>>,
    /// The word being typed follows a digit directly (`5|`): a unit needs a space.
    after_digit: bool,
}

impl<'t> Context<'t> {
    /// `None` inside a string or a comment.
    fn at(text: &'t str, offset: usize) -> Option<Context<'t>> {
        let before = text.get(..offset)?;
        let mut stack: Vec<Block> = Vec::new();
        let mut clause_start = 0;
        let mut line_start = true;
        for token in lexer::tokens(before) {
            let at_line_start = std::mem::replace(&mut line_start, false);
            if at_line_start
                && token.kind == TokenKind::Word
                && ITEM_KEYWORDS.contains(&token.text(before))
            {
                stack.clear();
                clause_start = token.start;
            }
            match token.kind {
                TokenKind::LineBreak => {
                    line_start = true;
                    clause_start = token.end;
                }
                // The cursor is inside a string or a comment.
                TokenKind::String { closed: false }
                | TokenKind::Comment
                | TokenKind::DocComment
                    if token.end == before.len() =>
                {
                    return None;
                }
                TokenKind::Punct('{') => {
                    stack.push(block_opened_by(&before[clause_start..token.start]));
                    clause_start = token.end;
                }
                TokenKind::Punct('[') => stack.push(Block::RegionList),
                TokenKind::Punct('}' | ']') => {
                    stack.pop();
                    clause_start = token.end;
                }
                _ => {}
            }
        }
        let block = stack.last().copied().unwrap_or(Block::TopLevel);
        let clause = &before[clause_start..];
        let run_start = clause
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word_char(*c))
            .last()
            .map_or(clause.len(), |(i, _)| i);
        // In `20|` or `5bu|` the digits are a number before the word being typed.
        let digits = clause[run_start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
            .unwrap_or(clause.len() - run_start);
        let word_start = if clause[run_start..].starts_with(|c: char| c.is_ascii_digit()) {
            run_start + digits
        } else {
            run_start
        };
        Some(Context {
            block,
            tokens: tokenize(&clause[..word_start]),
            after_digit: clause[..word_start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit()),
        })
    }

    fn first_word(&self) -> Option<&'t str> {
        match self.tokens.first() {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// The keyword that opened the list of names the cursor continues:
    /// `for A, B, |` and `for |` both give `for`.
    fn list_keyword(&self) -> Option<(usize, &'t str)> {
        let mut i = self.tokens.len();
        loop {
            let last = self.tokens.get(i.checked_sub(1)?)?;
            match last {
                Token::Punct(',') => {
                    // `, NAME` pairs (and `NAME "note"` or `NAME 2` after it).
                    let mut j = i - 1;
                    while j > 0 && matches!(self.tokens[j - 1], Token::Str | Token::Number) {
                        j -= 1;
                    }
                    match self.tokens.get(j.checked_sub(1)?)? {
                        Token::Word(w) if !keywords::is_keyword(w) => i = j - 1,
                        _ => return None,
                    }
                }
                Token::Word(w) => return Some((i - 1, w)),
                _ => return None,
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The block a `{` opens, from the words of the clause before it.
fn block_opened_by(clause: &str) -> Block {
    let tokens = tokenize(clause);
    let words: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(*w),
            _ => None,
        })
        .collect();
    match words.as_slice() {
        ["program", ..] => Block::Program,
        ["tier" | "track" | "module", ..] => Block::Member,
        ["benefit", ..] => Block::Benefit,
        ["commission", ..] => Block::Commission,
        ["rate", "by", "tier", ..] => Block::TierRates,
        ["rate", ..] => Block::Brackets,
        ["attribute", ..] => Block::Attribution,
        ["partner", ..] => Block::Partner,
        ["contract", ..] => Block::Contract,
        ["claims", ..] => Block::Split,
        ["modules", ..] => Block::ModulesOption,
        _ => Block::Unknown,
    }
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    lexer::tokens(text)
        .filter_map(|t| match t.kind {
            TokenKind::Space
            | TokenKind::LineBreak
            | TokenKind::Comment
            | TokenKind::DocComment => None,
            TokenKind::Number | TokenKind::Date => Some(Token::Number),
            TokenKind::Word => Some(Token::Word(t.text(text))),
            TokenKind::String { .. } => Some(Token::Str),
            TokenKind::Punct(c) => Some(Token::Punct(c)),
        })
        .collect()
}

/// What the cursor expects.
enum Expect {
    Clauses(Block),
    Names(&'static [SymbolKind]),
    RegionsAndCountries,
    Units,
    Words(&'static [(&'static str, &'static str)]),
    Nothing,
}

const MEMBERS: &[SymbolKind] = &[SymbolKind::Tier, SymbolKind::Track, SymbolKind::Module];

const ANCHORS: &[(&str, &str)] = &[
    ("first_invoice", "the customer's first invoice"),
    ("first_payment", "the customer's first payment"),
    ("first_order", "the customer's first order"),
    ("referral", "the referral"),
    ("registration", "the registration"),
    ("attachment", "the attachment"),
    ("attribution", "the attribution"),
    ("contract_start", "the start of the partner's contract"),
];
const EVENTS: &[(&str, &str)] = &[
    ("orders", "binding orders"),
    ("referral", "referrals"),
    ("registration", "registrations"),
    ("attachment", "attachments"),
    ("invoices", "invoices"),
    ("payments", "payments"),
    ("refunds", "refunds"),
    (
        "activity",
        "activities of a kind: `activity lead_generation`",
    ),
    ("vendor_contact", "contacts of the vendor with the customer"),
    ("notice", "notices"),
    ("invitation", "invitations"),
];
const PAYOUT_ANCHORS: &[(&str, &str)] = &[
    ("payment", "the customer's payment"),
    (
        "full payment",
        "the payment that settles the invoice in full",
    ),
    ("invoice", "the invoice"),
    ("collection", "collection of the money"),
];
const PAYOUT_TIMINGS: &[(&str, &str)] = &[
    ("within", "`within 30 days after payment`"),
    (
        "monthly statement, paid in week",
        "`monthly statement, paid in week 2 of next month`",
    ),
    (
        "netted at source",
        "the partner keeps it out of the payment",
    ),
];
const REQUIREMENTS: &[(&str, &str)] = &[
    ("contract", "a signed partner contract"),
    ("agreement", "a signed agreement"),
    ("staff", "staff with a qualification: `staff sales >= 2`"),
    ("count", "a count of events: `count orders per year >= 10`"),
    ("revenue", "revenue: `revenue per year >= 50000 EUR`"),
    (
        "revenue from new customers",
        "revenue of customers first invoiced in the period: `revenue from new customers per year >= 20000 EUR`",
    ),
    (
        "points",
        "a weighted sum: `points 3 per new customer + 1 per activity certification per year >= 10`",
    ),
    (
        "managed mrr",
        "monthly recurring revenue of the customers the partner holds, on the day: `managed mrr >= 10000 USD`",
    ),
    (
        "sold mrr",
        "monthly recurring revenue of the subscriptions sold in the period: `sold mrr per year >= 2000 USD`",
    ),
    (
        "any of",
        "one of several in each period from joining: `any of { count activity webinar >= 1 or count referrals >= 1 } each 12 months from joined`",
    ),
];
const ELIGIBILITY: &[(&str, &str)] = &[
    ("entity", "entity types"),
    ("tier", "tiers"),
    ("track", "tracks"),
    ("module", "modules"),
    ("with contract", "with a signed contract"),
];
const METHODS: &[(&str, &str)] = &[
    ("referral", "the partner refers the customer"),
    ("registration", "the partner registers the opportunity"),
    ("partner_sale", "the partner sells itself"),
    ("attachment", "the customer is attached by account"),
];
const RATE_BY: &[(&str, &str)] = &[
    ("tier", "a rate per tier"),
    ("sales over trailing", "brackets on sales"),
    ("orders over trailing", "brackets on orders"),
    ("customers over trailing", "brackets on customers"),
];
const CONDITIONS: &[(&str, &str)] = &[
    ("staff", "`staff trained >= 1`"),
    (
        "sales over trailing",
        "`sales over trailing 12 months >= 200000 EUR`",
    ),
    ("orders over trailing", "orders over a trailing period"),
    (
        "customers over trailing",
        "customers over a trailing period",
    ),
    ("elected", "the partner elected a benefit"),
];
const SETTLE: &[(&str, &str)] = &[
    ("transfer", "the vendor transfers the commission"),
    ("netted", "the partner keeps it out of what it collected"),
];
const ROUNDING: &[(&str, &str)] = &[
    ("half_even", "banker's rounding"),
    ("half_up", "half away from zero"),
    ("half_down", "half toward zero"),
    ("down", "toward zero"),
    ("up", "away from zero"),
];
const CLAIMS: &[(&str, &str)] = &[
    ("first", "the earliest claim wins"),
    ("last", "the latest claim wins"),
    (
        "exclusive_first",
        "an exclusive claim wins, else the earliest",
    ),
    ("split {", "split between tracks"),
];
const CONTRACT_STATE: &[(&str, &str)] = &[("signed", "a signed contract"), ("none", "no contract")];
const PARTY: &[(&str, &str)] = &[
    ("vendor", "owed by the vendor"),
    ("partner", "owed by the partner"),
];
const COMMISSION_FOR: &[(&str, &str)] = &[
    ("lifetime", "for the customer's lifetime"),
    ("products", "only for some products"),
];
const BASE: &[(&str, &str)] = &[
    ("payments", "a percentage of payments"),
    ("invoices", "a percentage of invoiced amounts"),
];
const WHILE: &[(&str, &str)] = &[
    ("contract active", "while the partner's contract is active"),
    ("customer pays", "while the customer pays"),
];
const ON_INVOICES: &[(&str, &str)] = &[
    ("invoices", "every invoice"),
    ("new invoices", "new-business invoices"),
    ("renewal invoices", "renewal invoices"),
];
const WINDOW_REL: &[(&str, &str)] = &[
    ("from", "counted from the anchor"),
    ("after", "after the anchor"),
];
const BUSINESS: &[(&str, &str)] = &[("days", "business days")];
const CATEGORIES: &[(&str, &str)] = &[
    ("marketing", "marketing benefit"),
    ("sales", "sales benefit"),
    ("enablement", "enablement benefit"),
    ("support", "support benefit"),
    ("financial", "money to the partner"),
];

fn expect(c: &Context<'_>) -> Expect {
    if c.block == Block::RegionList {
        return Expect::RegionsAndCountries;
    }
    let first = c.first_word();
    match c.tokens.last() {
        None => {
            return match c.block {
                Block::TierRates => Expect::Names(&[SymbolKind::Tier]),
                Block::Split => Expect::Names(&[SymbolKind::Track]),
                block => Expect::Clauses(block),
            }
        }
        Some(Token::Number) => {
            let before = c.tokens.len().checked_sub(2).and_then(|i| c.tokens.get(i));
            let has = |w: &str| c.tokens.contains(&Token::Word(w));
            let counted = matches!(before, Some(Token::Punct('>' | '<' | '=')))
                && !has("revenue")
                && !has("over");
            let bare = counted
                || matches!(before, Some(Token::Word("week" | "to")))
                || first == Some("rounding")
                || (c.block == Block::Partner && first == Some("staff"));
            return if bare { Expect::Nothing } else { Expect::Units };
        }
        Some(Token::Punct(',')) if matches!(c.block, Block::TierRates) => {
            return Expect::Names(&[SymbolKind::Tier])
        }
        Some(Token::Punct(',')) if matches!(c.block, Block::Split) => {
            return Expect::Names(&[SymbolKind::Track])
        }
        Some(Token::Punct('(')) if first == Some("benefit") => return Expect::Words(CATEGORIES),
        _ => {}
    }
    let Some((at, keyword)) = c.list_keyword() else {
        return Expect::Nothing;
    };
    let in_list = at + 1 < c.tokens.len();
    let previous = at.checked_sub(1).and_then(|i| match c.tokens.get(i) {
        Some(Token::Word(w)) => Some(*w),
        _ => None,
    });
    let in_commission = c.block == Block::Commission || first == Some("commission");
    match keyword {
        "for" if in_commission && !in_list => Expect::Words(COMMISSION_FOR),
        "for" => Expect::Names(MEMBERS),
        "products" if previous == Some("for") => Expect::Names(&[SymbolKind::Product]),
        "of" if first == Some("attribute") => Expect::Names(&[SymbolKind::Product]),
        "of" if first == Some("choose") => Expect::Names(&[SymbolKind::Benefit]),
        "of" if in_commission && !in_list => Expect::Words(BASE),
        "grant" | "elect" | "elected" => Expect::Names(&[SymbolKind::Benefit]),
        "tier" if first == Some("rate") => Expect::Nothing,
        "tier" if c.block == Block::Partner || previous.is_some() => {
            Expect::Names(&[SymbolKind::Tier])
        }
        "track" if c.block == Block::Partner || previous.is_some() => {
            Expect::Names(&[SymbolKind::Track])
        }
        "module" => Expect::Names(&[SymbolKind::Module]),
        "modules" if c.block == Block::Partner => Expect::Names(&[SymbolKind::Module]),
        "entity" => Expect::Names(&[SymbolKind::Entity]),
        "region" if c.block == Block::Partner && !in_list => Expect::RegionsAndCountries,
        "staff" if !in_list || c.block == Block::Partner => {
            Expect::Names(&[SymbolKind::Qualification])
        }
        "agreement" if !in_list => Expect::Names(&[SymbolKind::Agreement]),
        "eligible" if !in_list => Expect::Words(ELIGIBILITY),
        "require" if !in_list => Expect::Words(REQUIREMENTS),
        "payout" if !in_list => Expect::Words(PAYOUT_TIMINGS),
        "after" if !in_list && first == Some("payout") => Expect::Words(PAYOUT_ANCHORS),
        "after" | "before" if !in_list && first == Some("obligation") => Expect::Nothing,
        "after" | "before" | "count"
            if !in_list && (first == Some("require") || c.block == Block::Attribution) =>
        {
            Expect::Words(EVENTS)
        }
        "after" | "from" if !in_list && (in_commission || first == Some("within")) => {
            Expect::Words(ANCHORS)
        }
        "months" | "month" | "years" | "year" | "days" | "day" | "weeks" | "week"
            if !in_list && first == Some("payout") =>
        {
            Expect::Words(&[("after", "after the payment, invoice or collection")])
        }
        "months" | "month" | "years" | "year" | "days" | "weeks"
            if !in_list && (in_commission || first == Some("within")) =>
        {
            Expect::Words(WINDOW_REL)
        }
        "full" => Expect::Words(&[("payment", "the payment that settles the invoice in full")]),
        "by" if first == Some("attribute") && !in_list => Expect::Words(METHODS),
        "by" if first == Some("rate") => Expect::Words(RATE_BY),
        "by" if first == Some("obligation") => Expect::Words(PARTY),
        "when" => Expect::Words(CONDITIONS),
        "settle" => Expect::Words(SETTLE),
        "rounding" => Expect::Words(ROUNDING),
        "claims" => Expect::Words(CLAIMS),
        "contract" if c.block == Block::Partner => Expect::Words(CONTRACT_STATE),
        "while" => Expect::Words(WHILE),
        "on" if in_commission => Expect::Words(ON_INVOICES),
        "business" => Expect::Words(BUSINESS),
        _ => Expect::Nothing,
    }
}

fn items(a: &Analysis, c: &Context<'_>, trigger: Option<&str>) -> Vec<CompletionItem> {
    let symbols = &a.compilation.symbols;
    match expect(c) {
        Expect::Clauses(_) if trigger == Some(" ") => Vec::new(),
        Expect::Clauses(block) => keywords::clauses(block)
            .iter()
            .enumerate()
            .map(|(i, k)| CompletionItem {
                label: k.label.to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                detail: Some(k.detail.to_string()),
                insert_text: Some(k.insert.to_string()),
                sort_text: Some(format!("{i:03}")),
                ..CompletionItem::default()
            })
            .collect(),
        Expect::Names(kinds) => {
            // Names already in the list are not offered again.
            let listed: Vec<&str> = c
                .list_keyword()
                .map(|(at, _)| &c.tokens[at + 1..])
                .unwrap_or_default()
                .iter()
                .filter_map(|t| match t {
                    Token::Word(w) => Some(*w),
                    _ => None,
                })
                .collect();
            let mut out = names(symbols, kinds);
            out.retain(|i| !listed.contains(&i.label.as_str()));
            out
        }
        Expect::RegionsAndCountries => {
            let mut out = names(symbols, &[SymbolKind::Region]);
            out.extend(COUNTRIES.iter().map(|(code, name)| CompletionItem {
                label: (*code).to_string(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                label_details: Some(CompletionItemLabelDetails {
                    detail: None,
                    description: Some((*name).to_string()),
                }),
                detail: Some((*name).to_string()),
                filter_text: Some(format!("{code} {name}")),
                sort_text: Some(format!("1{code}")),
                ..CompletionItem::default()
            }));
            out
        }
        Expect::Units => units(&a.compilation.program.currency, c.after_digit),
        Expect::Words(words) => words
            .iter()
            .enumerate()
            .map(|(i, (word, detail))| CompletionItem {
                label: (*word).to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                detail: Some((*detail).to_string()),
                sort_text: Some(format!("{i:03}")),
                ..CompletionItem::default()
            })
            .collect(),
        Expect::Nothing => Vec::new(),
    }
}

fn names(symbols: &SymbolTable, kinds: &[SymbolKind]) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = symbols
        .symbols
        .iter()
        .filter(|s| kinds.contains(&s.kind))
        .map(|s| CompletionItem {
            label: s.name.clone(),
            kind: Some(item_kind(s.kind)),
            label_details: Some(CompletionItemLabelDetails {
                detail: None,
                description: Some(s.kind.describe().to_string()),
            }),
            detail: Some(s.kind.describe().to_string()),
            documentation: s.docs.as_ref().map(|d| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: d.clone(),
                })
            }),
            sort_text: Some(format!("0{}", s.name)),
            ..CompletionItem::default()
        })
        .collect();
    out.dedup_by(|x, y| x.label == y.label && x.kind == y.kind);
    out
}

pub fn item_kind(kind: SymbolKind) -> CompletionItemKind {
    match kind {
        SymbolKind::Tier => CompletionItemKind::CLASS,
        SymbolKind::Track => CompletionItemKind::INTERFACE,
        SymbolKind::Module => CompletionItemKind::MODULE,
        SymbolKind::Benefit => CompletionItemKind::PROPERTY,
        SymbolKind::ChooseGroup => CompletionItemKind::ENUM,
        SymbolKind::Commission | SymbolKind::Bonus => CompletionItemKind::FUNCTION,
        SymbolKind::Region => CompletionItemKind::FOLDER,
        SymbolKind::Country => CompletionItemKind::ENUM_MEMBER,
        SymbolKind::Partner => CompletionItemKind::VARIABLE,
        SymbolKind::Product => CompletionItemKind::STRUCT,
        SymbolKind::Agreement | SymbolKind::Qualification | SymbolKind::Entity => {
            CompletionItemKind::VALUE
        }
        SymbolKind::Obligation => CompletionItemKind::EVENT,
    }
}

fn units(currency: &str, after_digit: bool) -> Vec<CompletionItem> {
    let space = if after_digit { " " } else { "" };
    let mut units: Vec<(String, String, String)> =
        vec![("%".into(), "%".into(), "a percentage".into())];
    if !currency.is_empty() {
        units.push((
            currency.to_string(),
            format!("{space}{currency}"),
            "money in the program's currency".into(),
        ));
    }
    for (label, detail) in [
        ("days", "calendar days"),
        (
            "business days",
            "business days: weekends and holidays skipped",
        ),
        ("weeks", "weeks"),
        ("months", "calendar months"),
        ("years", "years"),
    ] {
        units.push((label.into(), format!("{space}{label}"), detail.into()));
    }
    units
        .into_iter()
        .enumerate()
        .map(|(i, (label, insert, detail))| CompletionItem {
            filter_text: Some(label.clone()),
            label,
            kind: Some(CompletionItemKind::UNIT),
            detail: Some(detail),
            insert_text: Some(insert),
            sort_text: Some(format!("{i:03}")),
            ..CompletionItem::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn context(text: &str) -> Context<'_> {
        let offset = text.find('|').unwrap();
        Context::at(&text[..offset], offset).unwrap()
    }

    #[test]
    fn blocks_are_found_from_braces() {
        assert_eq!(context("|").block, Block::TopLevel);
        assert_eq!(context("tier Gold {\n  |").block, Block::Member);
        assert_eq!(
            context("commission c {\n  rate by sales over trailing 12 months, marginal {\n    |")
                .block,
            Block::Brackets
        );
        assert_eq!(
            context("commission c {\n  rate by tier { Silver: 10%, |").block,
            Block::TierRates
        );
        assert_eq!(context("region DACH = [DE, |").block, Block::RegionList);
        // A broken item above does not leak its open brace into the next item.
        assert_eq!(
            context("tier Gold {\n  require\npartner acme {\n  |").block,
            Block::Partner
        );
        // A comment ends at a lone carriage return, as in the grammar.
        assert_eq!(
            context("// old Mac line end\rtier Gold {\r  |").block,
            Block::Member
        );
    }

    #[test]
    fn no_completion_inside_a_string_or_a_comment() {
        assert!(Context::at("partner a \"Acme", 15).is_none());
        assert!(Context::at("tier Gold { // gra", 18).is_none());
        assert!(Context::at("partner a \"Acme\" ", 17).is_some());
    }

    #[test]
    fn no_completion_in_strings_and_comments() {
        assert!(Context::at("require \"abc", 12).is_none());
        assert!(Context::at("// tier", 7).is_none());
    }

    #[test]
    fn category_list_matches_the_ir() {
        let words: Vec<&str> = CATEGORIES.iter().map(|(w, _)| *w).collect();
        let categories: Vec<&str> = charter_ir::BenefitCategory::ALL
            .iter()
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(words, categories);
    }
}
