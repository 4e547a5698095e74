//! A finished run, by id, and its outputs: the named [`SimResult`] for
//! callers that want one, and the JSON and CSV reports streamed straight
//! from the ids — rendered in parallel pieces written in order, so a large
//! run never holds its report in memory and the bytes do not depend on the
//! number of threads. Explanations become text only for JSON.

use crate::engine::Outcome;
use crate::exchange::{write_conversion, Conversion, Exchange, PaidIn};
use crate::explain::{Facts, Render, Texts};
use crate::payouts::{PayoutRec, RuleRef};
use crate::plan::Plan;
use crate::report::csv_text;
use crate::tax::{write_tax, TaxLine, TaxRates};
use crate::text::{push_date, push_decimal, Lines, StringLines};
use crate::{ConvertedTotal, Finding, Payout, SimResult, Standing, Total};
use charter_scenario::Scenario;
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::Write;

/// Payouts rendered per piece.
const PIECE: usize = 8192;

/// How many payouts ahead of the one rendered its explanation is prefetched.
const WHY_AHEAD: usize = 8;

/// A simulation's outcome, ready to be reported.
pub struct Simulation<'a> {
    pub(crate) outcome: Outcome,
    pub(crate) plan: Plan<'a>,
    pub(crate) scenario: &'a Scenario,
    /// What every explanation of a rule repeats, written on first use.
    pub(crate) texts: std::sync::OnceLock<Texts>,
    /// The tax each partner is paid on top (`tax.rs`).
    tax: TaxRates,
    /// The currency each partner is paid in and the rates (`exchange.rs`).
    exchange: Exchange,
}

impl<'a> Simulation<'a> {
    pub(crate) fn new(
        mut outcome: Outcome,
        plan: Plan<'a>,
        scenario: &'a Scenario,
    ) -> Simulation<'a> {
        let tax = TaxRates::new(plan.program, scenario);
        let exchange = Exchange::new(plan.program, scenario, outcome.as_of);
        let missing = exchange.missing_rates(&outcome.payouts, &outcome.order, scenario);
        outcome.findings.extend(missing);
        Simulation {
            outcome,
            plan,
            scenario,
            texts: std::sync::OnceLock::new(),
            tax,
            exchange,
        }
    }

    pub fn as_of(&self) -> NaiveDate {
        self.outcome.as_of
    }

    pub fn findings(&self) -> &[Finding] {
        &self.outcome.findings
    }

    /// The findings, for a caller that sets their severities or drops some
    /// (`charter.toml`'s `[diagnostics]`) before reporting.
    pub fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.outcome.findings
    }

    /// Whether the scenario contradicts the policy (an error finding).
    pub fn has_errors(&self) -> bool {
        self.outcome
            .findings
            .iter()
            .any(|f| f.severity == charter_diagnostics::Severity::Error)
    }

    pub fn payout_count(&self) -> usize {
        self.outcome.payouts.len()
    }

    fn rule_name(&self, rule: RuleRef) -> &str {
        let program = self.plan.program;
        match rule {
            RuleRef::Commission(r) => &program.commissions[r.0 as usize].name.name,
            RuleRef::Bonus(b) => &program.bonuses[b.0 as usize].name.name,
        }
    }

    fn render(&self) -> Render<'_> {
        Render {
            plan: &self.plan,
            texts: self.texts.get_or_init(|| Texts::new(&self.plan)),
        }
    }

    fn explain_lines(&self, p: &PayoutRec, out: &mut Vec<String>) {
        out.clear();
        let Some(why) = &p.why else { return };
        let names = &self.scenario.names;
        let render = self.render();
        let facts = Facts {
            partner: names.partner(p.partner),
            customer: p.customer.map_or("", |c| names.customer(c)),
            invoice: p.invoice.map_or("", |i| names.invoice(i)),
            base: p.base,
            amount: p.amount,
            earned: p.earned,
        };
        render.lines(why, &facts, out);
        let mut sink = StringLines {
            line: String::new(),
            out,
        };
        self.explain_money(p, &mut sink);
    }

    /// The tax on top of payout `p`, when its partner is paid one.
    fn tax_of(&self, p: &PayoutRec) -> Option<Decimal> {
        self.tax.tax(p.partner, p.amount, self.plan.rounding)
    }

    /// Payout `p` in its partner's currency.
    fn conversion_of(&self, p: &PayoutRec) -> PaidIn {
        self.exchange
            .convert(p.partner, p.amount, p.earned, self.tax.rate(p.partner))
    }

    /// The explanation lines of what is paid beside the commission.
    fn explain_money<S: Lines + ?Sized>(&self, p: &PayoutRec, s: &mut S) {
        if let (Some(rate), Some(tax)) = (self.tax.rate(p.partner), self.tax_of(p)) {
            let line = TaxLine {
                rate,
                amount: p.amount,
                tax,
                currency: self.plan.currency,
                rounding: &self.plan.rounding_text,
            };
            write_tax(&line, s);
        }
        if self.exchange.any() {
            write_conversion(
                &self.conversion_of(p),
                p.amount,
                p.earned,
                self.plan.currency,
                self.tax.rate(p.partner),
                self.plan.program.rounding.mode,
                s,
            );
        }
    }

    fn payout(&self, n: usize, p: &PayoutRec) -> Payout {
        let names = &self.scenario.names;
        let mut explain = Vec::new();
        self.explain_lines(p, &mut explain);
        let tax = self.tax_of(p);
        Payout {
            id: format!("P{}", n + 1),
            partner: names.partner(p.partner).to_string(),
            customer: p.customer.map(|c| names.customer(c).to_string()),
            invoice: p.invoice.map(|i| names.invoice(i).to_string()),
            rule: self.rule_name(p.rule).to_string(),
            base: p.base,
            rate: p.rate,
            amount: p.amount,
            currency: self.plan.currency.to_string(),
            tax,
            gross: tax.map(|t| p.amount + t),
            converted: match self.conversion_of(p) {
                PaidIn::Partner(c) => Some(named_conversion(&c)),
                PaidIn::Program | PaidIn::NoRate(_) => None,
            },
            earned: p.earned,
            due: p.due,
            settlement: p.settlement.as_str(),
            explain,
        }
    }

    /// Each partner's total, by name.
    pub fn totals(&self) -> Vec<Total> {
        let names = &self.scenario.names;
        // The tax of each partner paid one: the sum of its payouts' taxes.
        let mut taxes: Vec<Option<Decimal>> = vec![None; names.partner_count()];
        if self.tax.any() {
            for p in &self.outcome.payouts {
                if let (Some(tax), Some(slot)) =
                    (self.tax_of(p), taxes.get_mut(p.partner.0 as usize))
                {
                    *slot = Some(slot.unwrap_or_default() + tax);
                }
            }
        }
        let converted = self.converted_totals();
        self.outcome
            .partners
            .iter()
            .map(|(p, amount, _)| {
                let tax = self.tax.rate(*p).map(|_| {
                    let mut tax = taxes
                        .get(p.0 as usize)
                        .copied()
                        .flatten()
                        .unwrap_or_default();
                    tax.rescale(self.plan.rounding.scale);
                    tax
                });
                Total {
                    partner: names.partner(*p).to_string(),
                    currency: self.plan.currency.to_string(),
                    amount: *amount,
                    tax,
                    gross: tax.map(|t| *amount + t),
                    converted: converted.get(p.0 as usize).cloned().flatten(),
                }
            })
            .collect()
    }

    /// Each partner's total in its own currency, by partner id: for a
    /// partner paid in another currency all of whose payouts were converted.
    fn converted_totals(&self) -> Vec<Option<ConvertedTotal>> {
        let names = &self.scenario.names;
        if !self.exchange.any() {
            return Vec::new();
        }
        let mut totals: Vec<Option<ConvertedTotal>> = (0..names.partner_count())
            .map(|i| {
                let partner = charter_scenario::PartnerId(i as u32);
                self.exchange.currency(partner).map(|c| ConvertedTotal {
                    currency: c.to_string(),
                    amount: Decimal::new(0, charter_ir::units::minor_units(c.as_str())),
                    tax: self
                        .tax
                        .rate(partner)
                        .map(|_| Decimal::new(0, charter_ir::units::minor_units(c.as_str()))),
                    gross: None,
                })
            })
            .collect();
        for p in &self.outcome.payouts {
            let Some(slot) = totals.get_mut(p.partner.0 as usize) else {
                continue;
            };
            match (self.conversion_of(p), slot.as_mut()) {
                (PaidIn::Partner(c), Some(total)) => {
                    total.amount += c.amount;
                    if let (Some(t), Some(sum)) = (c.tax, total.tax.as_mut()) {
                        *sum += t;
                    }
                }
                (PaidIn::NoRate(_), _) => *slot = None,
                (PaidIn::Program | PaidIn::Partner(_), _) => {}
            }
        }
        for total in totals.iter_mut().flatten() {
            total.gross = total.tax.map(|t| total.amount + t);
        }
        totals
    }

    /// Each partner's standing as of the simulation date, by name.
    pub fn standings(&self) -> Vec<Standing> {
        let names = &self.scenario.names;
        let tiers = &self.plan.program.tiers;
        self.outcome
            .partners
            .iter()
            .zip(&self.outcome.assumed)
            .map(|((p, _, tier), assumed)| Standing {
                partner: names.partner(*p).to_string(),
                tier: tier.map(|t| tiers[t.0 as usize].name.name.clone()),
                assumed: assumed.clone(),
            })
            .collect()
    }

    /// Everything, by name.
    pub fn into_result(self) -> SimResult {
        let payouts = self
            .outcome
            .payouts
            .iter()
            .enumerate()
            .map(|(n, p)| self.payout(n, p))
            .collect();
        let totals = self.totals();
        let standings = self.standings();
        SimResult {
            as_of: self.outcome.as_of,
            payouts,
            totals,
            standings,
            findings: self.outcome.findings,
        }
    }

    /// Renders the payouts in pieces on every core and hands each piece's
    /// bytes to `write` in order.
    fn stream(
        &self,
        out: &mut dyn Write,
        render: impl Fn(&Self, usize, &PayoutRec, &mut Vec<u8>, &mut Scratch) + Sync,
    ) -> std::io::Result<()> {
        let payouts = &self.outcome.payouts;
        let batch = PIECE * rayon::current_num_threads().max(1) * 2;
        // One batch's pieces, rendered on the pool into buffers kept from
        // a batch already written (fresh memory costs a page fault a page).
        let render_batch = |start: usize, mut spare: Vec<Vec<u8>>| -> Vec<Vec<u8>> {
            let end = (start + batch).min(payouts.len());
            (start..end)
                .step_by(PIECE)
                .map(|from| {
                    let mut buf = spare.pop().unwrap_or_default();
                    buf.clear();
                    (from, buf)
                })
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|(from, mut buf)| {
                    let to = (from + PIECE).min(end);
                    let mut scratch = Scratch::default();
                    for (n, p) in payouts[from..to].iter().enumerate() {
                        // Explanations lie where phase (b) built them,
                        // partner by partner, not in the report's order:
                        // ask for the ones a few payouts ahead early.
                        if let Some(why) = payouts
                            .get(from + n + WHY_AHEAD)
                            .and_then(|p| p.why.as_deref())
                        {
                            crate::prefetch::prefetch_whole(why);
                        }
                        render(self, from + n, p, &mut buf, &mut scratch);
                    }
                    scratch.finish(&mut buf);
                    buf
                })
                .collect()
        };
        // While this thread writes one batch, the pool renders the next.
        let mut start = 0;
        let mut ready = render_batch(0, Vec::new());
        let mut spare = Vec::new();
        while start < payouts.len() {
            let next = start + batch;
            let mut upcoming = Vec::new();
            let written = rayon::in_place_scope(|scope| {
                if next < payouts.len() {
                    let spare = std::mem::take(&mut spare);
                    scope.spawn(|_| upcoming = render_batch(next, spare));
                }
                ready.iter().try_for_each(|piece| out.write_all(piece))
            });
            written?;
            spare = std::mem::replace(&mut ready, upcoming);
            start = next;
        }
        Ok(())
    }

    /// The JSON report, byte for byte what [`crate::report::to_json`] gives
    /// (`serde_json`'s pretty printer, `"version"` first), streamed.
    pub fn write_json(&self, out: &mut dyn Write) -> std::io::Result<()> {
        write!(
            out,
            "{{\n  \"version\": {},\n  \"as_of\": \"",
            charter_diagnostics::render::JSON_VERSION
        )?;
        let mut date = Vec::new();
        push_date(&mut date, self.outcome.as_of);
        out.write_all(&date)?;
        out.write_all(b"\",\n  \"payouts\": [")?;
        if self.outcome.payouts.is_empty() {
            out.write_all(b"]")?;
        } else {
            self.stream(out, |sim, n, p, buf, scratch| {
                sim.json_payout(n, p, buf, scratch)
            })?;
            out.write_all(b"\n  ]")?;
        }
        #[derive(Serialize)]
        struct Rest<'r> {
            totals: &'r [Total],
            standings: &'r [Standing],
            findings: &'r [Finding],
        }
        let (totals, standings) = (self.totals(), self.standings());
        let rest = serde_json::to_vec_pretty(&Rest {
            totals: &totals,
            standings: &standings,
            findings: &self.outcome.findings,
        })
        .map_err(std::io::Error::other)?;
        // `{\n  "totals": …\n}`: the fields continue the report's object.
        out.write_all(b",\n")?;
        out.write_all(rest.get(2..).unwrap_or_default())?;
        out.write_all(b"\n")
    }

    fn json_payout(&self, n: usize, p: &PayoutRec, buf: &mut Vec<u8>, _: &mut Scratch) {
        let names = &self.scenario.names;
        if n > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"\n    {\n      \"id\": \"P");
        buf.extend_from_slice(itoa::Buffer::new().format(n + 1).as_bytes());
        buf.extend_from_slice(b"\",\n      \"partner\": ");
        json_str(buf, names.partner(p.partner));
        buf.extend_from_slice(b",\n      \"customer\": ");
        match p.customer {
            Some(c) => json_str(buf, names.customer(c)),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\n      \"invoice\": ");
        match p.invoice {
            Some(i) => json_str(buf, names.invoice(i)),
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\n      \"rule\": ");
        json_str(buf, self.rule_name(p.rule));
        buf.extend_from_slice(b",\n      \"base\": \"");
        push_decimal(buf, p.base);
        buf.extend_from_slice(b"\",\n      \"rate\": ");
        match p.rate {
            Some(r) => {
                buf.push(b'"');
                push_decimal(buf, r);
                buf.push(b'"');
            }
            None => buf.extend_from_slice(b"null"),
        }
        buf.extend_from_slice(b",\n      \"amount\": \"");
        push_decimal(buf, p.amount);
        buf.extend_from_slice(b"\",\n      \"currency\": ");
        json_str(buf, self.plan.currency);
        if let Some(tax) = self.tax_of(p) {
            buf.extend_from_slice(b",\n      \"tax\": \"");
            push_decimal(buf, tax);
            buf.extend_from_slice(b"\",\n      \"gross\": \"");
            push_decimal(buf, p.amount + tax);
            buf.push(b'"');
        }
        if let PaidIn::Partner(c) = self.conversion_of(p) {
            json_conversion(buf, &c);
        }
        buf.extend_from_slice(b",\n      \"earned\": \"");
        push_date(buf, p.earned);
        buf.extend_from_slice(b"\",\n      \"due\": \"");
        push_date(buf, p.due);
        buf.extend_from_slice(b"\",\n      \"settlement\": \"");
        buf.extend_from_slice(p.settlement.as_str().as_bytes());
        buf.extend_from_slice(b"\",\n      \"explain\": [");
        let mut lines = JsonLines { buf, first: true };
        if let Some(why) = &p.why {
            let facts = Facts {
                partner: names.partner(p.partner),
                customer: p.customer.map_or("", |c| names.customer(c)),
                invoice: p.invoice.map_or("", |i| names.invoice(i)),
                base: p.base,
                amount: p.amount,
                earned: p.earned,
            };
            self.render().write(why, &facts, &mut lines);
            self.explain_money(p, &mut lines);
        }
        if lines.first {
            buf.extend_from_slice(b"]\n    }");
        } else {
            buf.extend_from_slice(b"\n      ]\n    }");
        }
    }

    /// One CSV row per payout (RFC 4180 quoting, by the `csv` crate); no
    /// explanations. Rates carry their unit (`5%`); scenario text is made
    /// spreadsheet-safe ([`crate::report::csv_text`]).
    /// When some partner is paid tax on top, `tax` and `gross` follow `currency`.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(b"id,partner,customer,invoice,rule,base,rate,amount,currency,")?;
        if self.tax.any() {
            out.write_all(b"tax,gross,")?;
        }
        if self.exchange.any() {
            out.write_all(CONVERTED_COLUMNS)?;
        }
        out.write_all(b"earned,due,settlement\n")?;
        self.stream(out, |sim, n, p, buf, scratch| {
            sim.csv_payout(n, p, buf, scratch)
        })
    }

    fn csv_payout(&self, n: usize, p: &PayoutRec, buf: &mut Vec<u8>, scratch: &mut Scratch) {
        let names = &self.scenario.names;
        let cells = &mut scratch.cells;
        cells.clear();
        let cell = |cells: &mut Vec<u8>, ends: &mut Vec<usize>, f: &dyn Fn(&mut Vec<u8>)| {
            f(cells);
            ends.push(cells.len());
        };
        let ends = &mut scratch.ends;
        ends.clear();
        cell(cells, ends, &|b| {
            b.push(b'P');
            b.extend_from_slice(itoa::Buffer::new().format(n + 1).as_bytes());
        });
        cell(cells, ends, &|b| {
            b.extend_from_slice(csv_text(names.partner(p.partner)).as_bytes())
        });
        cell(cells, ends, &|b| {
            b.extend_from_slice(csv_text(p.customer.map_or("", |c| names.customer(c))).as_bytes())
        });
        cell(cells, ends, &|b| {
            b.extend_from_slice(csv_text(p.invoice.map_or("", |i| names.invoice(i))).as_bytes())
        });
        cell(cells, ends, &|b| {
            b.extend_from_slice(csv_text(self.rule_name(p.rule)).as_bytes())
        });
        cell(cells, ends, &|b| push_decimal(b, p.base));
        cell(cells, ends, &|b| {
            if let Some(r) = p.rate {
                push_decimal(b, r);
                b.push(b'%');
            }
        });
        cell(cells, ends, &|b| push_decimal(b, p.amount));
        cell(cells, ends, &|b| {
            b.extend_from_slice(self.plan.currency.as_bytes())
        });
        if self.tax.any() {
            let tax = self.tax_of(p);
            cell(cells, ends, &|b| {
                if let Some(t) = tax {
                    push_decimal(b, t);
                }
            });
            cell(cells, ends, &|b| {
                if let Some(t) = tax {
                    push_decimal(b, p.amount + t);
                }
            });
        }
        if self.exchange.any() {
            let c = match self.conversion_of(p) {
                PaidIn::Partner(c) => Some(c),
                PaidIn::Program | PaidIn::NoRate(_) => None,
            };
            let field = |cells: &mut Vec<u8>,
                         ends: &mut Vec<usize>,
                         f: &dyn Fn(&Conversion, &mut Vec<u8>)| {
                if let Some(c) = &c {
                    f(c, cells);
                }
                ends.push(cells.len());
            };
            field(cells, ends, &|c, b| {
                b.extend_from_slice(c.currency.as_str().as_bytes())
            });
            field(cells, ends, &|c, b| push_decimal(b, c.rate));
            field(cells, ends, &|c, b| push_date(b, c.rate_date));
            field(cells, ends, &|c, b| push_decimal(b, c.amount));
            field(cells, ends, &|c, b| {
                if let Some(t) = c.tax {
                    push_decimal(b, t);
                }
            });
            field(cells, ends, &|c, b| {
                if let Some(t) = c.tax {
                    push_decimal(b, c.amount + t);
                }
            });
        }
        cell(cells, ends, &|b| push_date(b, p.earned));
        cell(cells, ends, &|b| push_date(b, p.due));
        cell(cells, ends, &|b| {
            b.extend_from_slice(p.settlement.as_str().as_bytes())
        });
        // One CSV writer per piece, holding the piece's buffer until
        // [`Scratch::finish`] gives it back (not one writer and buffer a row).
        let writer = scratch.csv.get_or_insert_with(|| {
            csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(std::mem::take(buf))
        });
        let mut start = 0;
        let fields = ends.iter().map(|&end| {
            let field = &cells[start..end];
            start = end;
            field
        });
        let _ = writer.write_record(fields);
    }
}

/// The CSV columns of a payout in its partner's currency, after `currency`
/// (and `tax,gross`) when some partner is paid in another currency.
const CONVERTED_COLUMNS: &[u8] =
    b"converted_currency,exchange_rate,rate_date,converted_amount,converted_tax,converted_gross,";

/// A conversion as the named report holds it.
fn named_conversion(c: &Conversion) -> crate::Converted {
    crate::Converted {
        currency: c.currency.to_string(),
        rate: c.rate,
        rate_date: c.rate_date,
        amount: c.amount,
        tax: c.tax,
        gross: c.tax.map(|t| c.amount + t),
    }
}

/// A payout's `"converted"` object, as `serde_json`'s pretty printer writes
/// [`crate::Converted`] inside a payout.
fn json_conversion(buf: &mut Vec<u8>, c: &Conversion) {
    buf.extend_from_slice(b",\n      \"converted\": {\n        \"currency\": ");
    json_str(buf, c.currency.as_str());
    buf.extend_from_slice(b",\n        \"rate\": \"");
    push_decimal(buf, c.rate);
    buf.extend_from_slice(b"\",\n        \"rate_date\": \"");
    push_date(buf, c.rate_date);
    buf.extend_from_slice(b"\",\n        \"amount\": \"");
    push_decimal(buf, c.amount);
    buf.push(b'"');
    if let Some(tax) = c.tax {
        buf.extend_from_slice(b",\n        \"tax\": \"");
        push_decimal(buf, tax);
        buf.extend_from_slice(b"\",\n        \"gross\": \"");
        push_decimal(buf, c.amount + tax);
        buf.push(b'"');
    }
    buf.extend_from_slice(b"\n      }");
}

/// Buffers a renderer reuses from payout to payout.
#[derive(Default)]
struct Scratch {
    cells: Vec<u8>,
    ends: Vec<usize>,
    csv: Option<csv::Writer<Vec<u8>>>,
}

impl Scratch {
    /// Ends a piece: what a CSV writer holds goes back into `buf`.
    fn finish(self, buf: &mut Vec<u8>) {
        if let Some(writer) = self.csv {
            // Writing to memory cannot fail.
            if let Ok(inner) = writer.into_inner() {
                *buf = inner;
            }
        }
    }
}

/// A JSON string, escaped as `serde_json` escapes it (`"`, `\\`, the short
/// escapes `\b \f \n \r \t`, other control characters as `\u00xx`);
/// runs of plain bytes are copied whole.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    json_escape(buf, s);
    buf.push(b'"');
}

/// The body of a JSON string (see [`json_str`]).
fn json_escape(buf: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    /// Which bytes need an escape: controls, `"` and `\\`.
    const SPECIAL: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            table[b] = true;
            b += 1;
        }
        table[b'"' as usize] = true;
        table[b'\\' as usize] = true;
        table
    };
    let mut rest = s.as_bytes();
    while let Some(i) = rest.iter().position(|&b| SPECIAL[usize::from(b)]) {
        buf.extend_from_slice(&rest[..i]);
        let b = rest[i];
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            _ => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xf)]);
            }
        }
        rest = &rest[i + 1..];
    }
    buf.extend_from_slice(rest);
}

/// Explanation lines as the strings of a JSON array, written straight into
/// the report.
struct JsonLines<'b> {
    buf: &'b mut Vec<u8>,
    /// No line written yet.
    first: bool,
}

impl Lines for JsonLines<'_> {
    fn start(&mut self) {
        self.buf.extend_from_slice(if self.first {
            b"\n        \""
        } else {
            b",\n        \""
        });
        self.first = false;
    }
    fn lit(&mut self, s: &str) {
        debug_assert!(
            !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20),
            "text written as needing no escape needs one: {s:?}"
        );
        self.buf.extend_from_slice(s.as_bytes());
    }
    fn text(&mut self, s: &str) {
        json_escape(self.buf, s);
    }
    fn ascii(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    fn end(&mut self) {
        self.buf.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u32..0x80).chain([0x7f, 0xe9, 0x2028, 0x1f600]) {
            all.push(char::from_u32(c).unwrap_or('?'));
        }
        for s in [all.as_str(), "", "plain", "a\"b\\c\nd", "×→≈"] {
            let mut ours = Vec::new();
            super::json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap_or_default(), "{s:?}");
        }
    }
}
