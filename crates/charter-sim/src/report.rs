//! One renderer per output format of `charter simulate`: table, JSON and
//! CSV, for the whole result, each part of it and grouped figures.
//!
//! Tables are laid out by `comfy-table` (fixed layout, never the terminal's
//! width); CSV is written by the `csv` crate. Both show scenario text safely:
//! control characters escaped (`\u{1b}`), and in CSV a text cell that a
//! spreadsheet would take for a formula neutralised ([`csv_text`]).

use crate::{Finding, Payout, SimResult, Standing, Total};
use charter_diagnostics::render::JSON_VERSION;
use charter_diagnostics::text::escape_control;
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The JSON report: `{ version, as_of, payouts, totals, standings, findings }`,
/// fields in that order (schemas/simulate.schema.json).
pub fn to_json(result: &SimResult) -> String {
    serde_json::to_string_pretty(&Versioned {
        version: JSON_VERSION,
        result,
    })
    .unwrap_or_default()
        + "\n"
}

/// Streams the JSON report to `out`.
pub fn write_json(result: &SimResult, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &Versioned {
            version: JSON_VERSION,
            result,
        },
    )?;
    out.write_all(b"\n")
}

/// A report with `"version"` as its first field.
#[derive(Serialize)]
struct Versioned<'a, T: Serialize> {
    version: u32,
    #[serde(flatten)]
    result: &'a T,
}

/// A text cell of a CSV report, safe to open in a spreadsheet: control
/// characters escaped as in tables (`\u{1b}`), and a cell that starts with
/// `=`, `+`, `-`, `@` or a tab (a carriage return is already escaped) gets a
/// leading `'`, so no spreadsheet runs it as a formula (OWASP's CSV injection
/// rule). Only text from the scenario or policy goes through here: amounts,
/// rates and dates are numbers Charter writes (`-12.50` is a refund's
/// clawback, and stays a number a spreadsheet can add up).
pub fn csv_text(text: &str) -> Cow<'_, str> {
    let escaped = escape_control(text);
    if escaped.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{escaped}"))
    } else {
        escaped
    }
}

/// A rate in percent with its unit (`5%`); empty for none.
pub fn rate_text(rate: Option<Decimal>) -> String {
    rate.map(|r| format!("{r}%")).unwrap_or_default()
}

/// A CSV writer over `out` (RFC 4180 quoting, `\n` line ends).
fn csv_writer(out: &mut dyn std::io::Write) -> csv::Writer<&mut dyn std::io::Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

// `csv::ErrorKind` is non-exhaustive: a wildcard arm is the only way to match it.
#[allow(clippy::wildcard_enum_match_arm)]
fn csv_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Rows as CSV under `header`: the cells of columns in `numbers` as given
/// (numbers and dates Charter writes), every other cell through [`csv_text`].
pub fn write_csv_rows<S: AsRef<str>>(
    header: &[&str],
    rows: &[Vec<S>],
    numbers: &[usize],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv_writer(out);
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        w.write_record(header.iter().map(|h| csv_text(h).into_owned()))?;
        for row in rows {
            w.write_record(row.iter().enumerate().map(|(i, c)| {
                if numbers.contains(&i) {
                    Cow::Borrowed(c.as_ref().as_bytes())
                } else {
                    match csv_text(c.as_ref()) {
                        Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
                        Cow::Owned(t) => Cow::Owned(t.into_bytes()),
                    }
                }
            }))?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

/// One CSV row per payout, as `charter simulate --format csv` streams them.
pub fn write_payouts_csv(payouts: &[Payout], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv_writer(out);
    let taxed = payouts.iter().any(|p| p.tax.is_some());
    let converted = payouts.iter().any(|p| p.converted.is_some());
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        let mut header = PAYOUT_COLUMNS.to_vec();
        if converted {
            header.splice(9..9, CONVERTED_COLUMNS);
        }
        if taxed {
            header.splice(9..9, ["tax", "gross"]);
        }
        w.write_record(&header)?;
        for p in payouts {
            let mut row: Vec<Cow<str>> = vec![
                csv_text(&p.id),
                csv_text(&p.partner),
                csv_text(p.customer.as_deref().unwrap_or_default()),
                csv_text(p.invoice.as_deref().unwrap_or_default()),
                csv_text(&p.rule),
                Cow::Owned(p.base.to_string()),
                Cow::Owned(rate_text(p.rate)),
                Cow::Owned(p.amount.to_string()),
                csv_text(&p.currency),
            ];
            if taxed {
                push_decimals(&mut row, &[p.tax, p.gross]);
            }
            if converted {
                let c = p.converted.as_ref();
                row.push(csv_text(c.map_or("", |c| c.currency.as_str())));
                push_decimals(&mut row, &[c.map(|c| c.rate)]);
                row.push(Cow::Owned(
                    c.map(|c| c.rate_date.to_string()).unwrap_or_default(),
                ));
                push_decimals(
                    &mut row,
                    &[
                        c.map(|c| c.amount),
                        c.and_then(|c| c.tax),
                        c.and_then(|c| c.gross),
                    ],
                );
            }
            row.push(Cow::Owned(p.earned.to_string()));
            row.push(Cow::Owned(p.due.to_string()));
            row.push(Cow::Borrowed(p.settlement));
            w.write_record(row.iter().map(|c| c.as_bytes()))?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

/// A decimal, or nothing.
fn decimal_or_empty(d: Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The columns of a payout in its partner's currency, after `currency` (and
/// `tax`, `gross`) when some payout is converted.
pub const CONVERTED_COLUMNS: [&str; 6] = [
    "converted_currency",
    "exchange_rate",
    "rate_date",
    "converted_amount",
    "converted_tax",
    "converted_gross",
];

/// The columns of the payouts CSV (with `tax` and `gross` after `currency`
/// when some payout carries a tax, and [`CONVERTED_COLUMNS`] when some is
/// converted).
pub const PAYOUT_COLUMNS: [&str; 12] = [
    "id",
    "partner",
    "customer",
    "invoice",
    "rule",
    "base",
    "rate",
    "amount",
    "currency",
    "earned",
    "due",
    "settlement",
];

/// Appends one cell per value: the decimal, or empty for none.
fn push_decimals(row: &mut Vec<Cow<'_, str>>, values: &[Option<Decimal>]) {
    row.extend(values.iter().map(|v| Cow::Owned(decimal_or_empty(*v))));
}

/// Each partner's total and standing: `partner,amount,currency,standing`.
pub fn write_totals_csv(
    totals: &[Total],
    standings: &[Standing],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let tiers = standing_index(standings);
    let mut w = csv_writer(out);
    let taxed = totals.iter().any(|t| t.tax.is_some());
    let converted = totals.iter().any(|t| t.converted.is_some());
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        let mut header = vec!["partner", "amount", "currency"];
        if taxed {
            header.extend(["tax", "gross"]);
        }
        if converted {
            header.extend([
                "converted_currency",
                "converted_amount",
                "converted_tax",
                "converted_gross",
            ]);
        }
        header.push("standing");
        w.write_record(&header)?;
        for t in totals {
            let tier = tiers.get(t.partner.as_str()).copied().flatten();
            let mut row: Vec<Cow<str>> = vec![
                csv_text(&t.partner),
                Cow::Owned(t.amount.to_string()),
                csv_text(&t.currency),
            ];
            if taxed {
                push_decimals(&mut row, &[t.tax, t.gross]);
            }
            if converted {
                let c = t.converted.as_ref();
                row.push(csv_text(c.map_or("", |c| c.currency.as_str())));
                push_decimals(
                    &mut row,
                    &[
                        c.map(|c| c.amount),
                        c.and_then(|c| c.tax),
                        c.and_then(|c| c.gross),
                    ],
                );
            }
            row.push(csv_text(tier.unwrap_or_default()));
            w.write_record(row.iter().map(|c| c.as_bytes()))?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

/// Each partner's standing as of the simulation date: `partner,tier` (empty: none).
pub fn write_standings_csv(
    standings: &[Standing],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv_writer(out);
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        w.write_record(["partner", "tier"])?;
        for s in standings {
            w.write_record([
                csv_text(&s.partner).as_ref(),
                &csv_text(s.tier.as_deref().unwrap_or_default()),
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

/// Every finding: `code,name,severity,message,partner,customer,event,rule_location`.
pub fn write_findings_csv(
    findings: &[Finding],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut w = csv_writer(out);
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        w.write_record([
            "code",
            "name",
            "severity",
            "message",
            "partner",
            "customer",
            "event",
            "rule_location",
        ])?;
        for f in findings {
            w.write_record([
                f.code.id(),
                f.code.name(),
                f.severity.as_str(),
                &csv_text(&f.message),
                &csv_text(f.partner.as_deref().unwrap_or_default()),
                &csv_text(f.customer.as_deref().unwrap_or_default()),
                &csv_text(f.event.as_deref().unwrap_or_default()),
                &csv_text(f.rule_location.as_deref().unwrap_or_default()),
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

/// A text table laid out by `comfy-table`: a header, a rule under it, the
/// columns in `right` right-aligned (numbers), trailing spaces trimmed, the
/// same whatever the terminal. Cells hold scenario text (ids, names): their
/// control characters are shown escaped (`\u{1b}`), so a scenario cannot
/// drive the terminal. A long table is laid out in pieces of [`TABLE_PIECE`]
/// rows at the widths of the whole (measured by `comfy-table` piece by
/// piece), so a table of 100,000 payouts never holds every cell twice.
pub fn table<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>], right: &[usize]) -> String {
    table_in_pieces(headers, rows, right, TABLE_PIECE)
}

/// Rows a table lays out at once.
pub const TABLE_PIECE: usize = 4096;

fn table_in_pieces<S: AsRef<str>>(
    headers: &[&str],
    rows: &[Vec<S>],
    right: &[usize],
    piece: usize,
) -> String {
    use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};
    const STYLE: comfy_table::TableStyle = comfy_table::TableStyle::new()
        .header_lines(comfy_table::ContentLineStyle::none().junction(' '))
        .header_separator(comfy_table::LineStyle::none().fill('─').junction(' '))
        .content_lines(comfy_table::ContentLineStyle::none().junction(' '));
    let build = |part: &[Vec<S>], header: bool| {
        let mut t = Table::new();
        t.load_style(STYLE)
            .set_content_arrangement(ContentArrangement::Disabled);
        if header {
            t.set_header(headers.to_vec());
        }
        for row in part {
            t.add_row(
                row.iter()
                    .map(|cell| escape_control(cell.as_ref()).into_owned())
                    .collect::<Vec<String>>(),
            );
        }
        for (i, column) in t.column_iter_mut().enumerate() {
            column.set_padding((0, 1));
            if right.contains(&i) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    };
    let piece = piece.max(1);
    if rows.len() <= piece {
        let mut out = build(rows, true).trim_fmt();
        out.push('\n');
        return out;
    }
    let mut widths = vec![0u16; headers.len()];
    for (i, part) in rows.chunks(piece).enumerate() {
        for (w, m) in widths
            .iter_mut()
            .zip(build(part, i == 0).column_max_content_widths())
        {
            *w = (*w).max(m);
        }
    }
    let mut out = String::new();
    for (i, part) in rows.chunks(piece).enumerate() {
        let mut t = build(part, i == 0);
        for (column, w) in t.column_iter_mut().zip(&widths) {
            // The width with the column's padding of one.
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                w.saturating_add(1),
            )));
        }
        out.push_str(&t.trim_fmt());
        out.push('\n');
    }
    out
}

/// Each partner's standing by name (the first listed wins).
fn standing_index(standings: &[Standing]) -> HashMap<&str, Option<&str>> {
    let mut index: HashMap<&str, Option<&str>> = HashMap::with_capacity(standings.len());
    for s in standings {
        index.entry(s.partner.as_str()).or_insert(s.tier.as_deref());
    }
    index
}

/// The human report: payouts, totals, standings and findings.
pub fn to_table(result: &SimResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "as of {}\n", result.as_of);
    if result.payouts.is_empty() {
        out.push_str("no payouts\n");
    } else {
        // Text fields borrowed, only numbers and dates written out.
        let taxed = result.payouts.iter().any(|p| p.tax.is_some());
        let converted = result.payouts.iter().any(|p| p.converted.is_some());
        let rows: Vec<Vec<Cow<str>>> = result
            .payouts
            .iter()
            .map(|p| {
                let mut row = vec![
                    Cow::Borrowed(p.id.as_str()),
                    Cow::Borrowed(p.partner.as_str()),
                    Cow::Borrowed(p.customer.as_deref().unwrap_or_default()),
                    Cow::Borrowed(p.invoice.as_deref().unwrap_or_default()),
                    Cow::Borrowed(p.rule.as_str()),
                    Cow::Owned(p.base.to_string()),
                    Cow::Owned(rate_text(p.rate)),
                    Cow::Owned(format!("{} {}", p.amount, p.currency)),
                ];
                if taxed {
                    row.push(Cow::Owned(money_or_dash(p.tax, &p.currency)));
                    row.push(Cow::Owned(money_or_dash(p.gross, &p.currency)));
                }
                if converted {
                    row.push(Cow::Owned(p.converted.as_ref().map_or_else(
                        || "—".to_string(),
                        |c| {
                            let paid = c.gross.unwrap_or(c.amount);
                            format!("{paid} {} at {} ({})", c.currency, c.rate, c.rate_date)
                        },
                    )));
                }
                row.extend([
                    Cow::Owned(p.earned.to_string()),
                    Cow::Owned(p.due.to_string()),
                    Cow::Borrowed(p.settlement),
                ]);
                row
            })
            .collect();
        let mut headers = vec![
            "id", "partner", "customer", "invoice", "rule", "base", "rate", "amount",
        ];
        let mut right = vec![5, 6, 7];
        if taxed {
            headers.extend(["tax", "gross"]);
            right.extend([8, 9]);
        }
        if converted {
            headers.push("paid in partner currency");
        }
        headers.extend(["earned", "due", "settlement"]);
        out.push_str(&table(&headers, &rows, &right));
    }
    out.push('\n');
    // Each partner's standing by name (the first wins), so that pairing it
    // with its total is a lookup, not a search of every standing.
    let standings = standing_index(&result.standings);
    // Standings that took a requirement no data measures as met: marked `*`.
    let assumed: std::collections::HashSet<&str> = result
        .standings
        .iter()
        .filter(|s| s.tier.is_some() && !s.assumed.is_empty())
        .map(|s| s.partner.as_str())
        .collect();
    let taxed_totals = result.totals.iter().any(|t| t.tax.is_some());
    let converted_totals = result.totals.iter().any(|t| t.converted.is_some());
    let rows: Vec<Vec<Cow<str>>> = result
        .totals
        .iter()
        .map(|t| {
            let tier = standings
                .get(t.partner.as_str())
                .copied()
                .flatten()
                .unwrap_or("—");
            let tier = if assumed.contains(t.partner.as_str()) {
                Cow::Owned(format!("{tier} *"))
            } else {
                Cow::Borrowed(tier)
            };
            let mut row = vec![
                Cow::Borrowed(t.partner.as_str()),
                Cow::Owned(format!("{} {}", t.amount, t.currency)),
            ];
            if taxed_totals {
                row.push(Cow::Owned(money_or_dash(t.tax, &t.currency)));
                row.push(Cow::Owned(money_or_dash(t.gross, &t.currency)));
            }
            if converted_totals {
                row.push(Cow::Owned(t.converted.as_ref().map_or_else(
                    || "—".to_string(),
                    |c| format!("{} {}", c.gross.unwrap_or(c.amount), c.currency),
                )));
            }
            row.push(tier);
            row
        })
        .collect();
    let mut headers = vec!["partner", "total"];
    let mut right = vec![1];
    if taxed_totals {
        headers.extend(["tax", "gross"]);
        right.extend([2, 3]);
    }
    if converted_totals {
        right.push(headers.len());
        headers.push("paid in partner currency");
    }
    headers.push("standing");
    out.push_str(&table(&headers, &rows, &right));
    if !assumed.is_empty() {
        out.push_str(
            "* assumed: requirements no scenario data measures were taken as met (`assumed` in --format json; --assume unmet counts them as not met)\n",
        );
    }
    if !result.findings.is_empty() {
        out.push('\n');
        for f in &result.findings {
            let _ = write!(
                out,
                "{}[{}]: {}",
                f.severity.as_str(),
                f.code.id(),
                escape_control(&f.message)
            );
            if let Some(e) = &f.event {
                let _ = write!(out, " (at {})", escape_control(e));
            }
            if let Some(r) = &f.rule_location {
                let _ = write!(out, " (rule at {})", escape_control(r));
            }
            out.push('\n');
        }
    }
    out
}

/// An amount with its currency, or `—`.
fn money_or_dash(amount: Option<Decimal>, currency: &str) -> String {
    amount.map_or_else(|| "—".to_string(), |a| format!("{a} {currency}"))
}

/// The explanation of one payout, for `--explain ID`.
pub fn explain(result: &SimResult, id: &str) -> Option<String> {
    let p = result
        .payouts
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(id))?;
    let mut out = format!(
        "{} — {} {} to `{}` by `{}` (earned {}, due {}, {})\n",
        escape_control(&p.id),
        p.amount,
        p.currency,
        escape_control(&p.partner),
        p.rule,
        p.earned,
        p.due,
        p.settlement
    );
    for line in &p.explain {
        let _ = writeln!(out, "  {}", escape_control(line));
    }
    Some(out)
}

/// What `--group-by` groups payouts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    /// The month a payout was earned (`2025-03`).
    Month,
    /// Its quarter (`2025-Q1`).
    Quarter,
    /// Its year (`2025`).
    Year,
    Partner,
    /// The customer (`—` for payouts of no customer, like bonuses).
    Customer,
    /// The commission or bonus rule.
    Rule,
    /// The partner's standing as of the simulation date (`—`: none).
    Tier,
    /// The partner's track as the scenario declares it (`—`: none).
    Track,
}

impl GroupKey {
    pub const ALL: [GroupKey; 8] = [
        GroupKey::Month,
        GroupKey::Quarter,
        GroupKey::Year,
        GroupKey::Partner,
        GroupKey::Customer,
        GroupKey::Rule,
        GroupKey::Tier,
        GroupKey::Track,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GroupKey::Month => "month",
            GroupKey::Quarter => "quarter",
            GroupKey::Year => "year",
            GroupKey::Partner => "partner",
            GroupKey::Customer => "customer",
            GroupKey::Rule => "rule",
            GroupKey::Tier => "tier",
            GroupKey::Track => "track",
        }
    }

    /// `month,partner` into its keys, each once; the message names a bad one.
    pub fn parse_list(text: &str) -> Result<Vec<GroupKey>, String> {
        let mut keys = Vec::new();
        for word in text.split(',').map(str::trim) {
            let Some(key) = GroupKey::ALL.iter().find(|k| k.name() == word) else {
                let names = GroupKey::ALL.map(GroupKey::name);
                let hint = charter_diagnostics::did_you_mean(word, names.iter().copied())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown group key `{}`{hint} (keys: {})",
                    charter_diagnostics::text::shorten(word),
                    names.join(", ")
                ));
            };
            if keys.contains(key) {
                return Err(format!("group key `{word}` is given twice"));
            }
            keys.push(*key);
        }
        Ok(keys)
    }
}

/// One row of grouped figures: the group's key values (in the order asked),
/// the sum of its payouts' amounts in one currency, and how many there are.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub keys: Vec<(GroupKey, String)>,
    pub amount: Decimal,
    pub currency: String,
    pub payouts: usize,
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.keys.len() + 3))?;
        for (key, value) in &self.keys {
            map.serialize_entry(key.name(), value)?;
        }
        map.serialize_entry("amount", &self.amount)?;
        map.serialize_entry("currency", &self.currency)?;
        map.serialize_entry("payouts", &self.payouts)?;
        map.end()
    }
}

/// Grouped figures of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Grouped {
    pub as_of: chrono::NaiveDate,
    pub group_by: Vec<&'static str>,
    pub groups: Vec<Group>,
}

/// The payouts of `result` grouped by `keys`, groups sorted by their key
/// values (then currency). Amounts are summed exactly (decimals), so the
/// groups of one currency add up to that currency's totals. `tracks` gives
/// each partner's declared track.
pub fn group(result: &SimResult, tracks: &HashMap<&str, &str>, keys: &[GroupKey]) -> Grouped {
    let tiers = standing_index(&result.standings);
    let mut sums: BTreeMap<(Vec<String>, &str), (Decimal, usize)> = BTreeMap::new();
    for p in &result.payouts {
        let values = keys
            .iter()
            .map(|key| match key {
                GroupKey::Month => format!("{}-{:02}", p.earned.year(), p.earned.month()),
                GroupKey::Quarter => {
                    format!("{}-Q{}", p.earned.year(), (p.earned.month() - 1) / 3 + 1)
                }
                GroupKey::Year => p.earned.year().to_string(),
                GroupKey::Partner => p.partner.clone(),
                GroupKey::Customer => p.customer.clone().unwrap_or_else(|| "—".into()),
                GroupKey::Rule => p.rule.clone(),
                GroupKey::Tier => tiers
                    .get(p.partner.as_str())
                    .copied()
                    .flatten()
                    .unwrap_or("—")
                    .to_string(),
                GroupKey::Track => tracks.get(p.partner.as_str()).unwrap_or(&"—").to_string(),
            })
            .collect();
        let entry = sums
            .entry((values, p.currency.as_str()))
            .or_insert((Decimal::ZERO, 0));
        entry.0 += p.amount;
        entry.1 += 1;
    }
    let groups = sums
        .into_iter()
        .map(|((values, currency), (amount, payouts))| Group {
            keys: keys.iter().copied().zip(values).collect(),
            amount,
            currency: currency.to_string(),
            payouts,
        })
        .collect();
    Grouped {
        as_of: result.as_of,
        group_by: keys.iter().map(|k| k.name()).collect(),
        groups,
    }
}

/// Grouped figures as a table: the key columns, `amount`, `payouts`.
pub fn groups_table(grouped: &Grouped) -> String {
    let mut headers: Vec<&str> = grouped.group_by.clone();
    headers.extend(["amount", "payouts"]);
    let n = grouped.group_by.len();
    let rows: Vec<Vec<String>> = grouped
        .groups
        .iter()
        .map(|g| {
            let mut row: Vec<String> = g.keys.iter().map(|(_, v)| v.clone()).collect();
            row.push(format!("{} {}", g.amount, g.currency));
            row.push(g.payouts.to_string());
            row
        })
        .collect();
    let mut out = format!("as of {}\n\n", grouped.as_of);
    if rows.is_empty() {
        out.push_str("no payouts\n");
    } else {
        out.push_str(&table(&headers, &rows, &[n, n + 1]));
    }
    out
}

/// Grouped figures as JSON: `{ version, as_of, group_by, groups }`
/// (schemas/simulate-groups.schema.json).
pub fn groups_json(grouped: &Grouped) -> String {
    serde_json::to_string_pretty(&Versioned {
        version: JSON_VERSION,
        result: grouped,
    })
    .unwrap_or_default()
        + "\n"
}

/// Grouped figures as CSV: the key columns, `amount,currency,payouts`.
pub fn write_groups_csv(grouped: &Grouped, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = csv_writer(out);
    let run = |w: &mut csv::Writer<&mut dyn std::io::Write>| -> csv::Result<()> {
        let mut header: Vec<&str> = grouped.group_by.clone();
        header.extend(["amount", "currency", "payouts"]);
        w.write_record(&header)?;
        for g in &grouped.groups {
            let mut row: Vec<String> = g
                .keys
                .iter()
                .map(|(_, v)| csv_text(v).into_owned())
                .collect();
            row.push(g.amount.to_string());
            row.push(csv_text(&g.currency).into_owned());
            row.push(g.payouts.to_string());
            w.write_record(&row)?;
        }
        w.flush()?;
        Ok(())
    };
    run(&mut w).map_err(csv_error)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::{Standing, Total};

    #[test]
    fn scenario_text_cannot_drive_the_terminal() {
        let result = SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: Vec::new(),
            totals: vec![Total {
                partner: "acme\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}".into(),
                currency: "EUR".into(),
                amount: rust_decimal::Decimal::ONE,
                tax: None,
                gross: None,
                converted: None,
            }],
            standings: Vec::new(),
            findings: Vec::new(),
        };
        let text = to_table(&result);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(
            text.contains("acme\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}"),
            "{text}"
        );
    }

    #[test]
    fn each_total_shows_its_own_partners_standing() {
        let result = SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: Vec::new(),
            totals: ["b", "a", "c"]
                .iter()
                .map(|p| Total {
                    partner: p.to_string(),
                    currency: "EUR".into(),
                    amount: rust_decimal::Decimal::ONE,
                    tax: None,
                    gross: None,
                    converted: None,
                })
                .collect(),
            standings: vec![
                Standing {
                    partner: "a".into(),
                    tier: Some("Gold".into()),
                    assumed: Vec::new(),
                },
                Standing {
                    partner: "b".into(),
                    tier: Some("Silver".into()),
                    assumed: Vec::new(),
                },
                Standing {
                    partner: "a".into(),
                    tier: Some("Bronze".into()),
                    assumed: Vec::new(),
                },
            ],
            findings: Vec::new(),
        };
        let text = to_table(&result);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip_while(|l| !l.starts_with("partner"))
            .skip(2)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec!["b", "1", "EUR", "Silver"],
                vec!["a", "1", "EUR", "Gold"],
                vec!["c", "1", "EUR", "—"],
            ]
        );
    }

    #[test]
    fn a_table_laid_out_in_pieces_is_the_table_laid_out_whole() {
        let rows: Vec<Vec<String>> = (0..10)
            .map(|i| {
                vec![
                    format!("P{}", i * 37),
                    "ж".repeat(i % 4),
                    format!("{}.00 EUR", 10_i64.pow(i as u32 % 6)),
                ]
            })
            .collect();
        let whole = table_in_pieces(&["id", "partner", "amount"], &rows, &[2], usize::MAX);
        for piece in [1, 3, 4, 9] {
            assert_eq!(
                table_in_pieces(&["id", "partner", "amount"], &rows, &[2], piece),
                whole,
                "pieces of {piece}"
            );
        }
        assert_eq!(whole.lines().count(), 12, "{whole}");
    }

    #[test]
    fn csv_text_neutralises_formulas_and_escapes_controls() {
        for (text, want) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\\u{d}x"),
            ("a\u{1b}[2J", "a\\u{1b}[2J"),
            ("acme", "acme"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(csv_text(text), want, "{text:?}");
        }
        assert_eq!(rate_text(Some(Decimal::new(75, 1))), "7.5%");
        assert_eq!(rate_text(None), "");
    }

    #[test]
    fn groups_sum_exactly_by_quarter_and_partner() {
        let payout = |partner: &str, earned: (i32, u32, u32), amount: &str| Payout {
            id: "P1".into(),
            partner: partner.into(),
            customer: None,
            invoice: None,
            rule: "r".into(),
            base: Decimal::ZERO,
            rate: None,
            amount: amount.parse().unwrap(),
            currency: "EUR".into(),
            tax: None,
            gross: None,
            converted: None,
            earned: chrono::NaiveDate::from_ymd_opt(earned.0, earned.1, earned.2).unwrap(),
            due: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            settlement: "transfer",
            explain: Vec::new(),
        };
        let result = SimResult {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            payouts: vec![
                payout("b", (2025, 3, 31), "0.10"),
                payout("a", (2025, 4, 1), "0.20"),
                payout("b", (2025, 1, 1), "0.20"),
                payout("b", (2025, 12, 31), "-0.05"),
            ],
            totals: Vec::new(),
            standings: Vec::new(),
            findings: Vec::new(),
        };
        let g = group(
            &result,
            &HashMap::new(),
            &[GroupKey::Quarter, GroupKey::Partner, GroupKey::Track],
        );
        let rows: Vec<(Vec<&str>, String, usize)> = g
            .groups
            .iter()
            .map(|g| {
                (
                    g.keys.iter().map(|(_, v)| v.as_str()).collect(),
                    g.amount.to_string(),
                    g.payouts,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (vec!["2025-Q1", "b", "—"], "0.30".into(), 2),
                (vec!["2025-Q2", "a", "—"], "0.20".into(), 1),
                (vec!["2025-Q4", "b", "—"], "-0.05".into(), 1),
            ]
        );
        assert!(GroupKey::parse_list("month,mnth").is_err());
        assert_eq!(
            GroupKey::parse_list("year, rule").unwrap(),
            [GroupKey::Year, GroupKey::Rule]
        );
    }
}
