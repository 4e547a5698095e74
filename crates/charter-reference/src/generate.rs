//! Edge-heavy scenarios for the five seed policies, built from bytes, for the
//! differential test (proptest draws the bytes) and the fuzz target (libFuzzer
//! does). Every byte is a choice; a missing byte reads as 0, the plainest
//! choice, so shrinking the bytes shrinks the scenario.
//!
//! What the choices aim at: window boundaries exactly on the day (3 and 6
//! months after a referral, 12 months after the first invoice, a year of
//! vendor-contact lookback, the end of a notice period), month ends, partial,
//! multiple and oversized refunds, instalments and overpayments, competing
//! claims by several partners, same-day events in shuffled file order, vendor
//! contacts just inside and outside the lookback, registrations decided late
//! or rejected, attachments with and without the customer's request, notices,
//! invitations, staff changes and activities around the trailing year.

use chrono::{Days, Months, NaiveDate};

/// A seed policy under `policies/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    Optimetriks,
    LeadSender,
    CimpactPro,
    Simpro,
    FutureProcessing,
}

impl Seed {
    pub const ALL: [Seed; 5] = [
        Seed::Optimetriks,
        Seed::LeadSender,
        Seed::CimpactPro,
        Seed::Simpro,
        Seed::FutureProcessing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Seed::Optimetriks => "optimetriks",
            Seed::LeadSender => "leadsender",
            Seed::CimpactPro => "cimpactpro",
            Seed::Simpro => "simpro",
            Seed::FutureProcessing => "future-processing",
        }
    }

    /// The policy's file name under `policies/`.
    pub fn file(self) -> String {
        format!("{}.charter", self.name())
    }

    /// The policy's currency (the program's `currency`).
    pub fn currency(self) -> &'static str {
        match self {
            Seed::Optimetriks => "USD",
            Seed::LeadSender => "RUB",
            Seed::CimpactPro => "EUR",
            Seed::Simpro => "AUD",
            Seed::FutureProcessing => "PLN",
        }
    }
}

/// Reads choices from bytes; past the end every choice is 0.
struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n.max(1)
    }

    /// True with about `percent` in a hundred; false for the byte 0.
    fn chance(&mut self, percent: u8) -> bool {
        self.byte() % 100 >= 100 - percent.min(100)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        let i = self.below(items.len());
        items.get(i).copied()
    }
}

/// A shift of a date: months, then days (negative days go back).
#[derive(Clone, Copy)]
struct Shift(u32, i64);

fn shift(date: NaiveDate, by: Shift) -> NaiveDate {
    let moved = date.checked_add_months(Months::new(by.0)).unwrap_or(date);
    let days = Days::new(by.1.unsigned_abs());
    if by.1 >= 0 {
        moved.checked_add_days(days).unwrap_or(moved)
    } else {
        moved.checked_sub_days(days).unwrap_or(moved)
    }
}

fn back_months(date: NaiveDate, months: u32, days: i64) -> NaiveDate {
    let moved = date.checked_sub_months(Months::new(months)).unwrap_or(date);
    shift(moved, Shift(0, days))
}

const BASES: [(i32, u32, u32); 6] = [
    (2025, 1, 31),
    (2025, 3, 14),
    (2025, 8, 31),
    (2024, 12, 30),
    (2025, 2, 28),
    (2025, 11, 29),
];

/// Amounts in minor units: odd cents, half-cent ties at the seed rates, and
/// sums around the CimpactPro brackets.
const AMOUNTS: [u64; 12] = [
    100_000, 12_513, 8_259, 25_026, 1_005, 99_999, 5_000_000, 4_999_999, 15_000_000, 7_777_777, 1,
    333_333,
];

struct Built {
    /// (date, JSON object) in the order generated.
    events: Vec<(NaiveDate, String)>,
    partners: Vec<String>,
}

fn event(built: &mut Built, date: NaiveDate, body: String) {
    built
        .events
        .push((date, format!(r#"{{ "date": "{date}", {body} }}"#)));
}

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The partner ids the scenario uses: `p0`… and, for CimpactPro, roster ids.
fn partner_id(seed: Seed, i: usize, roster: bool) -> String {
    let names = ["greenledger", "lowlands", "fjord"];
    if let Some(name) = names.get(i).filter(|_| seed == Seed::CimpactPro && roster) {
        (*name).to_string()
    } else {
        format!("p{i}")
    }
}

/// What a scenario may hold beyond what the seed policies read. Each
/// addition draws choices of its own, after the ones it follows, so with none
/// asked for a scenario is the one [`scenario_json`] gives, byte for byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// Partner records with a `"tax_rate"` (for `tax on top of commission`,
    /// LANGUAGE.md §4 Tax on top): VAT-registered at 19%, 20%, 7.5%, 5.5%,
    /// 0% or 0.5% (halves of a cent to round), or not registered (none).
    pub tax_rates: bool,
    /// Partner records with a `"joined"` date (for `paid only if active
    /// for D`, LANGUAGE.md §4 Held for active partners): on the scenario's
    /// base date, 3, 6 or 12 months before it, a month after it, or none.
    pub joined: bool,
}

/// The partner record's `"tax_rate"` field, when it gives one.
fn tax_rate(c: &mut Choices) -> Option<String> {
    let rate = c
        .pick(&[
            None,
            Some("19%"),
            Some("7.5%"),
            Some("0%"),
            Some("20%"),
            Some("5.5%"),
            Some("0.5%"),
        ])
        .flatten()?;
    Some(format!(r#""tax_rate": "{rate}""#))
}

/// The partner record's `"joined"` field, when it gives one.
fn joined(c: &mut Choices, base: NaiveDate) -> Option<String> {
    let date = match c.below(6) {
        0 => return None,
        1 => base,
        2 => back_months(base, 3, 0),
        3 => back_months(base, 6, 0),
        4 => back_months(base, 12, 0),
        _ => shift(base, Shift(1, 0)),
    };
    Some(format!(r#""joined": "{date}""#))
}

fn partner_json(seed: Seed, c: &mut Choices, id: &str, base: NaiveDate, extras: Extras) -> String {
    let mut fields = vec![format!(r#""id": "{id}""#)];
    let contract = !c.chance(15);
    let staff = |c: &mut Choices, quals: &[&str]| -> Option<String> {
        if c.chance(30) {
            return None;
        }
        let parts: Vec<String> = quals
            .iter()
            .map(|q| format!(r#""{q}": {}"#, c.below(4)))
            .collect();
        Some(format!(r#""staff": {{ {} }}"#, parts.join(", ")))
    };
    match seed {
        Seed::Optimetriks => {
            if let Some(track) = c
                .pick(&[Some("Affiliate"), Some("Referral"), None])
                .flatten()
            {
                fields.push(format!(r#""track": "{track}""#));
            }
            fields.push(format!(r#""contract": {contract}"#));
            fields.extend(staff(c, &["trained"]));
        }
        Seed::LeadSender => {
            let entity = c
                .pick(&["company", "individual", "self_employed", "sole_proprietor"])
                .unwrap_or("company");
            fields.push(format!(r#""entity": "{entity}""#));
            if c.chance(70) {
                fields.push(format!(r#""contract": {contract}"#));
            }
        }
        Seed::CimpactPro => {
            fields.push(format!(r#""contract": {contract}"#));
            fields.extend(staff(c, &["trained"]));
        }
        Seed::Simpro => {
            fields.push(format!(r#""contract": {contract}"#));
            let modules: Vec<String> =
                ["ServiceProviders", "Technology", "Referral", "Accountancy"]
                    .iter()
                    .filter(|_| c.chance(40))
                    .map(|m| format!(r#""{m}""#))
                    .collect();
            if !modules.is_empty() {
                fields.push(format!(r#""modules": [{}]"#, modules.join(", ")));
            }
            let elected = c
                .pick(&[
                    r#""referral_fee""#,
                    r#""referral_fee""#,
                    "",
                    r#""subscription_discount""#,
                ])
                .unwrap_or("");
            if !elected.is_empty() {
                fields.push(format!(r#""elected": [{elected}]"#));
            }
            if c.chance(8) {
                fields.push(r#""tier": "Select""#.to_string());
            }
        }
        Seed::FutureProcessing => {
            fields.push(format!(r#""contract": {contract}"#));
            fields.extend(staff(c, &["sales", "technical"]));
            if c.chance(30) {
                let target = c.pick(&[0u64, 1_000_000, 5_000_000]).unwrap_or(0);
                fields.push(format!(r#""revenue_target": "{}""#, money(target)));
            }
            if c.chance(6) {
                fields.push(r#""tier": "Gold""#.to_string());
            }
        }
    }
    if extras.tax_rates {
        fields.extend(tax_rate(c));
    }
    if extras.joined {
        fields.extend(joined(c, base));
    }
    format!("{{ {} }}", fields.join(", "))
}

/// Dated partner facts: activities, staff changes, notices, invitations.
fn partner_events(seed: Seed, c: &mut Choices, built: &mut Built, id: &str, base: NaiveDate) {
    for _ in 0..c.below(3) {
        let kind = match seed {
            Seed::FutureProcessing => c.pick(&["lead_generation", "lead_generation", "webinar"]),
            _ => Some("webinar"),
        }
        .unwrap_or("webinar");
        let date = back_months(
            base,
            c.pick(&[0u32, 0, 12, 11, 13]).unwrap_or(0),
            c.pick(&[0i64, 1, -1, 20]).unwrap_or(0),
        );
        event(
            built,
            date,
            format!(r#""type": "activity", "partner": "{id}", "kind": "{kind}""#),
        );
    }
    if c.chance(20) {
        let qualification = match seed {
            Seed::FutureProcessing => c.pick(&["sales", "technical"]).unwrap_or("sales"),
            _ => "trained",
        };
        let date = shift(base, Shift(c.pick(&[0u32, 1, 4]).unwrap_or(0), 0));
        event(
            built,
            date,
            format!(
                r#""type": "staff", "partner": "{id}", "qualification": "{qualification}", "count": {}"#,
                c.below(3)
            ),
        );
    }
    if c.chance(15) {
        let date = shift(
            base,
            Shift(
                c.pick(&[1u32, 2, 5, 12]).unwrap_or(1),
                c.pick(&[0i64, -30, 3]).unwrap_or(0),
            ),
        );
        event(
            built,
            date,
            format!(r#""type": "notice", "partner": "{id}""#),
        );
    }
    if matches!(seed, Seed::Simpro | Seed::FutureProcessing) && c.chance(12) {
        let tier = match seed {
            Seed::Simpro => c.pick(&["Premier", "Select"]).unwrap_or("Premier"),
            _ => "Gold",
        };
        let date = shift(base, Shift(c.pick(&[0u32, 2, 7]).unwrap_or(0), 0));
        event(
            built,
            date,
            format!(r#""type": "invitation", "partner": "{id}", "tier": "{tier}""#),
        );
    }
}

/// A claim on `customer` by `partner` on `date`, by one of the policy's methods.
fn claim(
    seed: Seed,
    c: &mut Choices,
    built: &mut Built,
    partner: &str,
    customer: &str,
    date: NaiveDate,
    product: &str,
) {
    let body = match (seed, c.below(3)) {
        (Seed::Optimetriks, 0)
        | (Seed::CimpactPro, 0)
        | (Seed::LeadSender, 2)
        | (Seed::Simpro, _) => {
            format!(r#""type": "referral", "partner": "{partner}", "customer": "{customer}""#)
        }
        (Seed::LeadSender, 0) => format!(
            r#""type": "attachment", "partner": "{partner}", "customer": "{customer}", "requested_by_customer": {}"#,
            c.chance(30)
        ),
        (Seed::FutureProcessing, _) => {
            let approved = !c.chance(15);
            let decided = match c.below(4) {
                0 => String::new(),
                n => format!(
                    r#", "decided": "{}""#,
                    shift(date, Shift(0, [1i64, 2, 5][(n - 1) % 3]))
                ),
            };
            format!(
                r#""type": "registration", "partner": "{partner}", "customer": "{customer}", "approved": {approved}{decided}"#
            )
        }
        _ => {
            let product = if c.chance(20) {
                String::new()
            } else {
                format!(r#", "product": "{product}""#)
            };
            format!(r#""type": "order", "customer": "{customer}", "partner": "{partner}"{product}"#)
        }
    };
    event(built, date, body);
}

fn customer(
    seed: Seed,
    c: &mut Choices,
    built: &mut Built,
    n: usize,
    partners: &[String],
    base: NaiveDate,
) {
    let id = format!("c{n}");
    let products: &[&str] = match seed {
        Seed::Optimetriks => &["Starter", "Starter", "Pro"],
        _ => &["widget", "annual"],
    };
    let product = c.pick(products).unwrap_or("Starter");
    let start = shift(base, Shift(0, c.pick(&[0i64, 0, 3, 17]).unwrap_or(0)));
    // Vendor contacts around the one-year lookback.
    for _ in 0..c.below(3).saturating_sub(1) {
        let date = match c.below(6) {
            0 => back_months(start, 12, 0),
            1 => back_months(start, 12, 1),
            2 => back_months(start, 12, -1),
            3 => back_months(start, 0, -1),
            4 => start,
            _ => shift(start, Shift(0, 3)),
        };
        event(
            built,
            date,
            format!(r#""type": "vendor_contact", "customer": "{id}""#),
        );
    }
    // Competing claims, often on the same day.
    let claims = 1 + c.below(3);
    for _ in 0..claims {
        let Some(partner) = partners.get(c.below(partners.len())).cloned() else {
            continue;
        };
        let date = shift(start, Shift(0, c.pick(&[0i64, 0, 1, 5, 40]).unwrap_or(0)));
        claim(seed, c, built, &partner, &id, date, product);
    }
    // The purchase: an order at a boundary after the claims, or none (the first invoice closes).
    let closes = c
        .pick(&[
            Shift(0, 1),
            Shift(3, 0),
            Shift(3, 1),
            Shift(6, 0),
            Shift(6, 1),
            Shift(1, 0),
            Shift(0, 0),
            Shift(2, -1),
        ])
        .unwrap_or(Shift(0, 1));
    let purchase = shift(start, closes);
    if c.chance(60) {
        event(
            built,
            purchase,
            format!(r#""type": "order", "customer": "{id}", "product": "{product}""#),
        );
    }
    let first_invoice = shift(purchase, Shift(0, c.pick(&[0i64, 0, 1, 5]).unwrap_or(0)));
    for k in 0..1 + c.below(3) {
        let issued = if k == 0 {
            first_invoice
        } else {
            let after = c
                .pick(&[
                    Shift(1, 0),
                    Shift(12, -1),
                    Shift(12, 0),
                    Shift(12, 1),
                    Shift(6, 0),
                    Shift(24, 0),
                ])
                .unwrap_or(Shift(1, 0));
            shift(first_invoice, after)
        };
        let cents = c.pick(&AMOUNTS).unwrap_or(100_000);
        let invoice = format!("{id}-{k}");
        let renewal = k > 0 && c.chance(50);
        event(
            built,
            issued,
            format!(
                r#""type": "invoice", "id": "{invoice}", "customer": "{id}", "amount": "{}", "currency": "{}", "product": "{product}", "renewal": {renewal}"#,
                money(cents),
                seed.currency()
            ),
        );
        // Payments: in full, in instalments, partly, or over.
        let parts: Vec<u64> = match c.below(6) {
            0 | 1 => vec![cents],
            2 => vec![cents / 2, cents - cents / 2],
            3 => vec![cents / 3, cents / 3, cents - 2 * (cents / 3)],
            4 => vec![cents / 2],
            _ => vec![cents, cents.div_ceil(10)],
        };
        let mut day = shift(issued, Shift(0, c.pick(&[0i64, 1, 10, 30]).unwrap_or(0)));
        let mut paid = 0;
        for part in parts.into_iter().filter(|p| *p > 0) {
            let collected = match seed {
                Seed::LeadSender => c.pick(&["vendor", "partner"]).unwrap_or("vendor"),
                _ => "vendor",
            };
            event(
                built,
                day,
                format!(
                    r#""type": "payment", "invoice": "{invoice}", "amount": "{}", "collected_by": "{collected}""#,
                    money(part)
                ),
            );
            paid += part;
            day = shift(day, Shift(0, c.pick(&[0i64, 1, 15]).unwrap_or(0)));
        }
        // Refunds: partial, several, the whole, or more than paid.
        for _ in 0..c.below(4).saturating_sub(1) {
            let refund = match c.below(5) {
                0 => paid / 4,
                1 => paid / 2,
                2 => paid,
                3 => 1,
                _ => paid + 100,
            };
            day = shift(day, Shift(0, c.pick(&[0i64, 1, 30, 61]).unwrap_or(0)));
            if refund > 0 {
                event(
                    built,
                    day,
                    format!(
                        r#""type": "refund", "invoice": "{invoice}", "amount": "{}""#,
                        money(refund)
                    ),
                );
            }
        }
        // A payment after the refunds (a refund outside a clawback window
        // followed by a new one; on an invoice not yet paid in full, one that
        // may complete it after refunds), then a refund of part, all or more
        // of it.
        if c.chance(30) {
            let again = if paid >= cents || c.chance(50) {
                (cents / 2).max(1)
            } else {
                cents - paid + c.pick(&[0u64, cents / 4]).unwrap_or(0)
            };
            let collected = match seed {
                Seed::LeadSender => c.pick(&["vendor", "partner"]).unwrap_or("vendor"),
                _ => "vendor",
            };
            day = shift(day, Shift(0, c.pick(&[1i64, 45]).unwrap_or(1)));
            event(
                built,
                day,
                format!(
                    r#""type": "payment", "invoice": "{invoice}", "amount": "{}", "collected_by": "{collected}""#,
                    money(again.max(1))
                ),
            );
            let refund = match c.below(3) {
                0 => again / 2,
                1 => again,
                _ => paid + again,
            };
            day = shift(day, Shift(0, c.pick(&[0i64, 10, 40]).unwrap_or(10)));
            event(
                built,
                day,
                format!(
                    r#""type": "refund", "invoice": "{invoice}", "amount": "{}""#,
                    money(refund.max(1))
                ),
            );
        }
    }
}

/// Simpro's Select needs 10 Closed Won referrals of a ServiceProviders
/// partner: about ten referred customers ordering around the 6-month limit.
fn closed_won(c: &mut Choices, built: &mut Built, partner: &str, base: NaiveDate) {
    let count = 8 + c.below(4);
    for k in 0..count {
        let customer = format!("w{partner}-{k}");
        let referred = shift(base, Shift(0, k as i64));
        event(
            built,
            referred,
            format!(r#""type": "referral", "partner": "{partner}", "customer": "{customer}""#),
        );
        let ordered = shift(
            referred,
            c.pick(&[Shift(6, 0), Shift(1, 0), Shift(6, 1), Shift(2, 0)])
                .unwrap_or(Shift(1, 0)),
        );
        event(
            built,
            ordered,
            format!(r#""type": "order", "customer": "{customer}""#),
        );
    }
}

/// A scenario document (JSON) for `seed` from `bytes`.
pub fn scenario_json(seed: Seed, bytes: &[u8]) -> String {
    scenario_json_with(seed, bytes, Extras::default())
}

/// [`scenario_json`] with `extras`.
pub fn scenario_json_with(seed: Seed, bytes: &[u8], extras: Extras) -> String {
    let c = &mut Choices { bytes, at: 0 };
    let mut built = Built {
        events: Vec::new(),
        partners: Vec::new(),
    };
    let base = c
        .pick(&BASES)
        .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .unwrap_or_default();
    let partner_count = 1 + c.below(4);
    let roster = seed == Seed::CimpactPro && c.chance(30);
    let mut ids = Vec::new();
    for i in 0..partner_count {
        let id = partner_id(seed, i, roster);
        let json = partner_json(seed, c, &id, base, extras);
        built.partners.push(json);
        partner_events(seed, c, &mut built, &id, base);
        if seed == Seed::Simpro && c.chance(15) {
            closed_won(c, &mut built, &id, back_months(base, 3, 0));
        }
        ids.push(id);
    }
    for n in 0..1 + c.below(4) {
        let start = shift(base, Shift(c.pick(&[0u32, 0, 1, 2]).unwrap_or(0), 0));
        customer(seed, c, &mut built, n, &ids, start);
    }
    // The file order: shuffled (same-day events of every kind change places).
    let mut events = built.events;
    for i in (1..events.len()).rev() {
        let j = c.below(i + 1);
        events.swap(i, j);
    }
    let as_of = if c.chance(25) {
        shift(base, Shift(8, 0))
    } else {
        NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default()
    };
    let lines: Vec<&str> = events.iter().map(|(_, e)| e.as_str()).collect();
    format!(
        "{{\n  \"as_of\": \"{as_of}\",\n  \"partners\": [\n    {}\n  ],\n  \"events\": [\n    {}\n  ]\n}}\n",
        built.partners.join(",\n    "),
        lines.join(",\n    ")
    )
}
