//! Turns pest's errors into diagnostics in plain words.

use crate::grammar::Rule;
use charter_diagnostics::{Code, Diagnostic, FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// What a rule looks like, for "expected ..." messages.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::quantity => "a number with its unit, like `20%`, `1200 EUR`, `30 days` or `2026-01-01`",
        Rule::number => "a number like `10`",
        Rule::ident => "a name",
        Rule::name_list => "a list of names separated by commas",
        Rule::string => "a text in double quotes",
        Rule::currency => "a currency code like `EUR`",
        Rule::comparator => "a comparison like `>=`",
        Rule::item | Rule::EOI => "a top-level item (`program`, `tier`, `commission`, `partner`, ...)",
        Rule::doc => "a `///` doc comment",
        Rule::program_setting => {
            "a program setting (`currency`, `products`, `agreements`, `entities`, `rounding`, `holidays`, `claims`)"
        }
        Rule::member_clause => {
            "a clause (`require`, `grant`, `eligible`, `invite only`, `attribute`, `commission`, `bonus`, `payout`, `obligation`)"
        }
        Rule::commission_clause => {
            "a commission clause (`rate`, `of`, `within`, `for lifetime`, `bounds`, `uplift`, `eligible`, `settle`, `clawback`, `payout`)"
        }
        Rule::commission_head => "a rate and its base, like `: 5% of payments`",
        Rule::base => "a base, like `of payments` or `of invoices`",
        Rule::base_kind => "`payments` or `invoices`",
        Rule::base_filter => "a filter like `on new invoices` or `where collected_by vendor`",
        Rule::window => "a window like `within 12 months from first_invoice`, `for lifetime` or `while contract active`",
        Rule::window_rel => "`from` or `after`",
        Rule::anchor => {
            "an anchor (`first_invoice`, `first_payment`, `first_order`, `referral`, `registration`, `attachment`, `attribution`, `contract_start`)"
        }
        Rule::requirement_body => {
            "a requirement (`contract`, `agreement NAME`, `staff NAME >= N`, `count EVENTS ... >= N`, `revenue ...`, or a quoted text)"
        }
        Rule::event_kind => "an event kind like `order`, `referral` or `activity`",
        Rule::count_period => "a period like `per year` or `in last 12 months`",
        Rule::period_word => "`year`, `quarter` or `month`",
        Rule::eligibility => "`entity`, `tier`, `track` or `module` followed by names",
        Rule::benefit_clause => "a benefit clause (`commission`, `discount`, `bonus`)",
        Rule::benefit_for => "`for` and the tiers, tracks or modules that receive the benefit",
        Rule::rate_clause => "a rate like `rate 20%` or `rate by tier { ... }`",
        Rule::bracket => "a bracket like `below 50000 EUR: 20%`, `50000 EUR to 150000 EUR: 25%` or `from 150000 EUR: 30%`",
        Rule::bracket_mode => "a bracket mode: `whole amount`, `marginal` or `retroactive`",
        Rule::metric => "a metric like `sales over trailing 12 months`",
        Rule::metric_kind => "`sales`, `orders` or `customers`",
        Rule::condition => "a condition like `staff trained >= 1` or `sales over trailing 12 months >= 100000 EUR`",
        Rule::attribution_method => "`referral`, `registration`, `partner_sale` or `attachment`",
        Rule::attribution_clause => {
            "an attribution clause (`no vendor_contact within ...`, `order within ... after referral`, `approval required`, `exclusive`, `before installation`)"
        }
        Rule::attribution_flag => "`exclusive` or `before installation`",
        Rule::payout_timing => {
            "a payout timing like `within 30 days after payment`, `monthly statement, paid in week 2 of next month` or `netted at source`"
        }
        Rule::payout_anchor => "`payment`, `invoice` or `collection`",
        Rule::partner_clause => {
            "a partner clause (`region`, `tier`, `track`, `modules`, `entity`, `elect`, `contract`, `staff`, `revenue target`, `joined`)"
        }
        Rule::contract_clause => {
            "a contract clause (`term`, `notice`, `on termination`, `force majeure suspends obligations`, `non compete`)"
        }
        Rule::termination_effect => "`keep earned`, `waive renewals` or `stop commissions`",
        Rule::renewal_mode => "`renews after review` or `renews automatically`",
        Rule::settle_mode => "`netted` or `transfer`",
        Rule::collector => "`vendor` or `partner`",
        Rule::rounding_mode => "`half_even`, `half_up`, `half_down`, `down` or `up`",
        Rule::claims_order => "`first`, `last`, `exclusive_first` or `split { ... }`",
        Rule::entity_def => "an entity type like `company`",
        Rule::entity_restriction => "`no contract` or `netted only`",
        Rule::invoice_kind => "`new` or `renewal`",
        Rule::contract_state => "`signed` or `none`",
        Rule::party => "`vendor` or `partner`",
        Rule::tier_rate => "a tier and its rate, like `Gold: 15%`",
        _ => return None,
    })
}

/// A syntax error at `offset + error position`, phrased for a program designer.
pub fn to_diagnostic(file: FileId, offset: usize, chunk: &str, error: &Error<Rule>) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((a, b)) => (a, b),
    };
    // Point at the offending word rather than at an empty position.
    let found: String = chunk[start.min(chunk.len())..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(30)
        .collect();
    let end = if end == start {
        start + found.len()
    } else {
        end
    };
    let span = Span::new(file, offset + start, offset + end.min(chunk.len()));

    let mut expected: Vec<String> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(text) = describe(*rule) {
                if !expected.iter().any(|e| e == text) {
                    expected.push(text.to_string());
                }
            }
        }
    }
    if let Some(attempts) = error.parse_attempts() {
        let mut tokens: Vec<String> = attempts
            .expected_tokens()
            .into_iter()
            .map(|t| t.to_string())
            .filter(|t| {
                !t.trim().is_empty()
                    && t != "//"
                    && t != "///"
                    && !t.contains("..")
                    && !t.contains('\\')
                    && !t.contains('\u{feff}')
                    && t.chars().all(|c| !c.is_uppercase() && !c.is_whitespace())
            })
            .map(|t| format!("`{t}`"))
            .collect();
        tokens.sort();
        tokens.dedup();
        if !tokens.is_empty() && tokens.len() <= 8 {
            expected.push(tokens.join(", "));
        }
    }
    let found_text = if found.is_empty() {
        "the end of the item".to_string()
    } else {
        format!("`{found}`")
    };
    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", expected.join(" or "))
    };
    Diagnostic::new(Code::Syntax, message, span)
        .with_primary_label("not understood here")
        .with_help("each item is checked on its own: the rest of the file was still read; see `LANGUAGE.md` for the syntax")
}
