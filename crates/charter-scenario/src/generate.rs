//! Deterministic synthetic scenarios for tests and benchmarks
//! (`charter gen-scenario`).
//!
//! The shape follows an Optimetriks-like program: partners on a `Referral`
//! track refer customers the vendor then sells to; partners on an
//! `Affiliate` track register deals and sell them (partner-sold orders),
//! sometimes collecting payment themselves. Products are `Starter`, `Pro`
//! and `Enterprise`. Around each deal come vendor contacts, partial payments,
//! refunds and renewals; around partners, activities, staff changes,
//! invitations and the odd notice. The same [`GenConfig`] always yields the
//! same bytes (a seeded SplitMix64, no outside randomness).
//!
//! [`GenShape::BillingExport`] is instead the plain, regular shape of a real
//! billing export (the simulation benchmark against DuckDB): referrals or
//! partner-sold orders, then monthly invoices each paid once.

use std::fmt;
use std::io::{self, Write};

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Number of events to write (exactly).
    pub events: usize,
    /// Number of partners to declare (at least one is used).
    pub partners: usize,
    /// First day of the period deals start in.
    pub start: NaiveDate,
    /// Length of the period in days; no event falls after it.
    pub days: u32,
    /// The currency of every invoice.
    pub currency: String,
    /// Whether partners hold tiers, modules and elected benefits and receive
    /// invitations; off for programs with tracks only (Optimetriks). The
    /// billing export never has them.
    pub tiers_and_modules: bool,
    /// What kind of scenario to generate.
    pub shape: GenShape,
}

/// The kind of scenario [`generate`] writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GenShape {
    /// Every event type, around deals of every kind: vendor contacts,
    /// registrations, attachments, partial and partner-collected payments,
    /// refunds, renewals, activities, staff changes, invitations and the odd
    /// notice. Exactly `events` events, none after the period.
    #[default]
    Mixed,
    /// A billing export of an Optimetriks-like program (the shape of the
    /// simulation benchmark against DuckDB, `crates/charter-sim/benches/`).
    /// Partners alternate between `Referral` (no contract, no staff data)
    /// and `Affiliate` (a signed contract and one `trained` person). Each
    /// customer starts on a day of the period with one partner picked at
    /// random: a `Referral` partner's referral, then the customer's order 30
    /// days later (Starter, Pro or Enterprise, no partner named), or an
    /// `Affiliate` partner's own order of `Starter`; then 1 to 8 monthly
    /// invoices of 100.00 from the order's day, each paid in full by the
    /// vendor 5 days after it was issued (no `collected_by`: the vendor, by
    /// default). About 10.5 events per customer, 112 bytes per event;
    /// customers are whole, so there are `events` events or up to 17 more
    /// (a customer's invoices may run up to eight months past the period).
    /// Every claim is valid and every payment earns a commission under
    /// `policies/optimetriks.charter`.
    BillingExport,
}

impl Default for GenConfig {
    fn default() -> GenConfig {
        GenConfig {
            seed: 1,
            events: 10_000,
            partners: 100,
            start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
            days: 365,
            currency: "USD".to_string(),
            tiers_and_modules: true,
            shape: GenShape::Mixed,
        }
    }
}

/// A generated scenario in the NDJSON layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedScenario {
    /// A JSON array of partner objects, one per line.
    pub partners_json: String,
    /// One event object per line, in date order.
    pub events_ndjson: String,
}

/// Generates a scenario in memory.
pub fn generate(config: &GenConfig) -> GeneratedScenario {
    let mut partners = Vec::new();
    let mut events = Vec::with_capacity(config.events * 120);
    // Writing to a Vec cannot fail.
    let _ = write_scenario(config, &mut partners, &mut events);
    GeneratedScenario {
        partners_json: String::from_utf8_lossy(&partners).into_owned(),
        events_ndjson: String::from_utf8_lossy(&events).into_owned(),
    }
}

/// Generates a scenario, writing the partners array and the NDJSON events.
pub fn write_scenario(
    config: &GenConfig,
    partners: &mut impl Write,
    events: &mut impl Write,
) -> io::Result<()> {
    let mut rng = Rng::new(config.seed);
    let mut plan = match config.shape {
        GenShape::Mixed => {
            let roster = make_partners(config, &mut rng);
            write_partners(config, &roster, partners)?;
            plan_events(config, &roster, &mut rng)
        }
        GenShape::BillingExport => {
            let roster = billing_partners(config);
            write_partners(config, &roster, partners)?;
            plan_billing_export(config, &roster, &mut rng)
        }
    };
    plan.sort_by_key(|e| (e.day, e.seq));
    if config.shape == GenShape::Mixed {
        plan.truncate(config.events);
    }
    let dates = DateTable::new(config);
    let mut out = io::BufWriter::with_capacity(1 << 16, events);
    for event in &plan {
        write_event(&mut out, config, &dates, event)?;
    }
    out.flush()
}

/// SplitMix64: tiny, fast and good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_c4a7_7e25_0001)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(0) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const PRODUCTS: [&str; 3] = ["Starter", "Pro", "Enterprise"];
/// List prices in cents.
const PRICES_CENTS: [u64; 3] = [120_000, 480_000, 2_400_000];
const REGIONS: [&str; 8] = ["PL", "DE", "FR", "GB", "US", "NL", "ES", "IT"];
const ACTIVITIES: [&str; 4] = ["webinar", "training", "case_study", "event"];
const TIERS: [&str; 3] = ["Select", "Gold", "Platinum"];
const QUALIFICATIONS: [&str; 3] = ["sales", "technical", "trained"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Track {
    Referral,
    Affiliate,
}

struct GenPartner {
    track: Track,
    entity: &'static str,
    contract: bool,
    region: &'static str,
    joined: i64,
    tier: Option<&'static str>,
    service_provider: bool,
    referral_fee: bool,
    staff: [u32; 3],
    revenue_target_cents: Option<u64>,
}

fn make_partners(config: &GenConfig, rng: &mut Rng) -> Vec<GenPartner> {
    (0..config.partners.max(1))
        .map(|_| {
            let track = if rng.chance(40) {
                Track::Referral
            } else {
                Track::Affiliate
            };
            let entity = match rng.below(100) {
                0..=84 => "company",
                85..=91 => "sole_proprietor",
                92..=96 => "self_employed",
                _ => "individual",
            };
            let affiliate = track == Track::Affiliate;
            let sales = if affiliate { rng.below(6) as u32 } else { 0 };
            let technical = if affiliate { rng.below(4) as u32 } else { 0 };
            GenPartner {
                track,
                entity,
                contract: rng.chance(95),
                region: rng.pick(&REGIONS),
                joined: -rng.between(0, 400),
                tier: (affiliate && rng.chance(20)).then(|| rng.pick(&TIERS[..2])),
                service_provider: affiliate && rng.chance(30),
                referral_fee: !affiliate && rng.chance(60),
                staff: [
                    sales,
                    technical,
                    rng.below(u64::from(sales + technical) + 1) as u32,
                ],
                revenue_target_cents: (affiliate && rng.chance(5)).then_some(5_000_000),
            }
        })
        .collect()
}

fn write_partners(
    config: &GenConfig,
    roster: &[GenPartner],
    out: &mut impl Write,
) -> io::Result<()> {
    let dates = DateTable::new(config);
    writeln!(out, "[")?;
    for (i, p) in roster.iter().enumerate() {
        let line = PartnerLine {
            id: PartnerId(i as u32),
            name: PartnerName {
                index: i,
                suffix: if p.entity == "company" {
                    "GmbH"
                } else {
                    "Services"
                },
            },
            track: match p.track {
                Track::Referral => "Referral",
                Track::Affiliate => "Affiliate",
            },
            modules: (p.service_provider && config.tiers_and_modules)
                .then_some(["ServiceProviders"]),
            tier: p.tier.filter(|_| config.tiers_and_modules),
            entity: p.entity,
            contract: p.contract,
            region: p.region,
            joined: dates.get(p.joined),
            elected: (p.referral_fee && config.tiers_and_modules).then_some(["referral_fee"]),
            staff: (p.track == Track::Affiliate).then(|| match config.shape {
                GenShape::Mixed => Staff {
                    sales: Some(p.staff[0]),
                    technical: Some(p.staff[1]),
                    trained: p.staff[2],
                },
                // Only the qualification Optimetriks counts.
                GenShape::BillingExport => Staff {
                    sales: None,
                    technical: None,
                    trained: p.staff[2],
                },
            }),
            revenue_target: p.revenue_target_cents.map(Cents),
        };
        write!(out, "  ")?;
        serde_json::to_writer(&mut *out, &line)?;
        let comma = if i + 1 < roster.len() { "," } else { "" };
        writeln!(out, "{comma}")?;
    }
    writeln!(out, "]")
}

/// One line of the partners array, in the order the fields are written.
#[derive(Serialize)]
struct PartnerLine<'a> {
    id: PartnerId,
    name: PartnerName,
    track: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    modules: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<&'static str>,
    entity: &'static str,
    contract: bool,
    region: &'static str,
    joined: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    elected: Option<[&'static str; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    staff: Option<Staff>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue_target: Option<Cents>,
}

#[derive(Serialize)]
struct Staff {
    #[serde(skip_serializing_if = "Option::is_none")]
    sales: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    technical: Option<u32>,
    trained: u32,
}

/// `Partner 12 GmbH`.
struct PartnerName {
    index: usize,
    suffix: &'static str,
}

impl fmt::Display for PartnerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Partner {} {}", self.index, self.suffix)
    }
}

/// One planned event: its day (offset from `start`), a tie-breaker keeping
/// each deal's own order, and what happens.
struct Planned {
    day: i64,
    seq: u64,
    kind: Kind,
}

enum Kind {
    VendorContact {
        customer: u32,
    },
    Signup {
        customer: u32,
    },
    Trial {
        customer: u32,
    },
    Lead {
        customer: u32,
    },
    DirectRequest {
        customer: u32,
    },
    Referral {
        partner: u32,
        customer: u32,
    },
    Registration {
        partner: u32,
        customer: u32,
        opportunity: u32,
        approved: bool,
        decided: i64,
    },
    Attachment {
        partner: u32,
        customer: u32,
        requested: bool,
    },
    Order {
        customer: u32,
        product: usize,
        opportunity: Option<u32>,
        partner: Option<u32>,
    },
    Invoice {
        invoice: u32,
        customer: u32,
        cents: u64,
        product: usize,
        renewal: bool,
    },
    Payment {
        invoice: u32,
        cents: u64,
        by_partner: bool,
    },
    Refund {
        invoice: u32,
        cents: u64,
    },
    Activity {
        partner: u32,
        kind: usize,
    },
    Notice {
        partner: u32,
    },
    Invitation {
        partner: u32,
        tier: usize,
    },
    Staff {
        partner: u32,
        qualification: usize,
        count: u32,
    },
    /// A rate from the scenario's currency, in ten-thousandths.
    ExchangeRate {
        ten_thousandths: u32,
    },
}

/// Collects events in the period until there are at least `config.events`.
struct Planner {
    events: Vec<Planned>,
    last_day: i64,
    seq: u64,
    customers: u32,
    invoices: u32,
}

impl Planner {
    fn add(&mut self, day: i64, kind: Kind) {
        self.seq += 1;
        if (0..=self.last_day).contains(&day) {
            self.events.push(Planned {
                day,
                seq: self.seq,
                kind,
            });
        }
    }

    fn next_invoice(&mut self) -> u32 {
        self.invoices += 1;
        self.invoices
    }
}

fn plan_events(config: &GenConfig, roster: &[GenPartner], rng: &mut Rng) -> Vec<Planned> {
    let mut plan = Planner {
        events: Vec::with_capacity(config.events + config.events / 8),
        last_day: i64::from(config.days.max(1)) - 1,
        seq: 0,
        customers: 0,
        invoices: 0,
    };
    // Every partner starts with a staff head count already; activity is
    // spread over the period.
    while plan.events.len() < config.events {
        let partner = rng.below(roster.len() as u64) as u32;
        let day = rng.between(0, plan.last_day);
        if rng.chance(82) {
            plan_deal(&mut plan, rng, roster, partner, day);
        } else {
            plan_partner_event(&mut plan, rng, roster, partner, day);
        }
    }
    plan.events
}

fn plan_deal(plan: &mut Planner, rng: &mut Rng, roster: &[GenPartner], partner: u32, day: i64) {
    plan.customers += 1;
    let customer = plan.customers;
    let p = &roster[partner as usize];
    if rng.chance(15) {
        plan.add(day - rng.between(1, 60), Kind::VendorContact { customer });
    }
    // Some customers try the product first (a sign-up three days before the
    // deal); no random draw, so the rest of the plan is as before.
    if customer % 9 == 4 {
        plan.add(day - 3, Kind::Signup { customer });
    }
    // Some start a trial two days after the deal begins, and some are
    // qualified as leads the next day; again no random draw.
    if customer % 11 == 5 {
        plan.add(day + 2, Kind::Trial { customer });
    }
    if customer % 13 == 7 {
        plan.add(day + 1, Kind::Lead { customer });
    }
    // Now and then the day's exchange rate to another currency; no random
    // draw either.
    if customer % 17 == 9 {
        plan.add(
            day,
            Kind::ExchangeRate {
                ten_thousandths: 8_000 + customer % 2_000,
            },
        );
    }
    let product = match rng.below(100) {
        0..=49 => 0,
        50..=84 => 1,
        _ => 2,
    };
    let (order_day, order) = match p.track {
        Track::Referral => {
            plan.add(day, Kind::Referral { partner, customer });
            if rng.chance(25) {
                return; // the referral never turned into an order
            }
            let order_day = day + rng.between(5, 45);
            (
                order_day,
                Kind::Order {
                    customer,
                    product,
                    opportunity: None,
                    partner: None,
                },
            )
        }
        Track::Affiliate => {
            let opportunity = customer;
            let approved = rng.chance(90);
            plan.add(
                day,
                Kind::Registration {
                    partner,
                    customer,
                    opportunity,
                    approved,
                    decided: day + rng.between(1, 7),
                },
            );
            if rng.chance(10) {
                let attached = day + rng.between(0, 20);
                let requested = rng.chance(50);
                plan.add(
                    attached,
                    Kind::Attachment {
                        partner,
                        customer,
                        requested,
                    },
                );
                // One attached customer in eight later chooses to work with
                // the vendor directly (no random draw: the rest of the
                // scenario stays as it was).
                if customer % 8 == 0 {
                    plan.add(attached + 180, Kind::DirectRequest { customer });
                }
            }
            if !approved && rng.chance(50) {
                return;
            }
            let order_day = day + rng.between(10, 60);
            (
                order_day,
                Kind::Order {
                    customer,
                    product,
                    opportunity: Some(opportunity),
                    partner: approved.then_some(partner),
                },
            )
        }
    };
    plan.add(order_day, order);
    let collects = p.track == Track::Affiliate && rng.chance(25);
    let cents = PRICES_CENTS[product] * (100 - rng.below(21)) / 100;
    plan_invoice(
        plan, rng, customer, product, cents, order_day, false, collects,
    );
    if rng.chance(40) {
        plan_invoice(
            plan,
            rng,
            customer,
            product,
            cents,
            order_day + 365,
            true,
            collects,
        );
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one deal's invoice, private helper"
)]
fn plan_invoice(
    plan: &mut Planner,
    rng: &mut Rng,
    customer: u32,
    product: usize,
    cents: u64,
    day: i64,
    renewal: bool,
    by_partner: bool,
) {
    let invoice = plan.next_invoice();
    plan.add(
        day,
        Kind::Invoice {
            invoice,
            customer,
            cents,
            product,
            renewal,
        },
    );
    if rng.chance(8) {
        return; // never paid
    }
    let paid_day = day + rng.between(14, 45);
    if rng.chance(15) {
        let first = cents / 2;
        plan.add(
            paid_day,
            Kind::Payment {
                invoice,
                cents: first,
                by_partner,
            },
        );
        plan.add(
            paid_day + rng.between(10, 40),
            Kind::Payment {
                invoice,
                cents: cents - first,
                by_partner,
            },
        );
    } else {
        plan.add(
            paid_day,
            Kind::Payment {
                invoice,
                cents,
                by_partner,
            },
        );
    }
    if rng.chance(4) {
        let refunded = if rng.chance(50) { cents } else { cents / 2 };
        plan.add(
            paid_day + rng.between(10, 90),
            Kind::Refund {
                invoice,
                cents: refunded,
            },
        );
    }
}

fn plan_partner_event(
    plan: &mut Planner,
    rng: &mut Rng,
    roster: &[GenPartner],
    partner: u32,
    day: i64,
) {
    let p = &roster[partner as usize];
    let kind = match rng.below(100) {
        0..=69 => Kind::Activity {
            partner,
            kind: rng.below(ACTIVITIES.len() as u64) as usize,
        },
        70..=84 if p.track == Track::Affiliate => {
            let qualification = rng.below(QUALIFICATIONS.len() as u64) as usize;
            let now = p.staff[qualification];
            Kind::Staff {
                partner,
                qualification,
                count: (i64::from(now) + rng.between(-1, 2)).max(0) as u32,
            }
        }
        85..=96 => Kind::Invitation {
            partner,
            tier: rng.below(TIERS.len() as u64) as usize,
        },
        97..=99 => Kind::Notice { partner },
        _ => Kind::Activity { partner, kind: 0 },
    };
    plan.add(day, kind);
}

/// The billing export's partners: even-numbered ones on `Referral` (no
/// contract, no staff data), odd-numbered ones on `Affiliate` (a signed
/// contract and one trained person); companies, joined a year before the
/// period.
fn billing_partners(config: &GenConfig) -> Vec<GenPartner> {
    (0..config.partners.max(1))
        .map(|i| {
            let affiliate = i % 2 == 1;
            GenPartner {
                track: if affiliate {
                    Track::Affiliate
                } else {
                    Track::Referral
                },
                entity: "company",
                contract: affiliate,
                region: REGIONS[i % REGIONS.len()],
                joined: -365,
                tier: None,
                service_provider: false,
                referral_fee: false,
                staff: [0, 0, 1],
                revenue_target_cents: None,
            }
        })
        .collect()
}

/// The billing export's events (see [`GenShape::BillingExport`]), whole
/// customers until there are at least `config.events`.
fn plan_billing_export(config: &GenConfig, roster: &[GenPartner], rng: &mut Rng) -> Vec<Planned> {
    /// Days from a referral to the order it brings.
    const REFERRAL_TO_ORDER: i64 = 30;
    /// Days from an invoice to its payment.
    const INVOICE_TO_PAYMENT: i64 = 5;
    const INVOICE_CENTS: u64 = 10_000;
    let mut plan = Planner {
        events: Vec::with_capacity(config.events + 16),
        last_day: i64::MAX,
        seq: 0,
        customers: 0,
        invoices: 0,
    };
    // The day offset of a date.
    let offset = |date: NaiveDate| (date - config.start).num_days();
    let last_start = i64::from(config.days.max(1)) - 1;
    while plan.events.len() < config.events {
        plan.customers += 1;
        let customer = plan.customers;
        let partner = rng.below(roster.len() as u64) as u32;
        let day = rng.between(0, last_start);
        let (order_day, product) = match roster[partner as usize].track {
            Track::Referral => {
                plan.add(day, Kind::Referral { partner, customer });
                let product = match rng.below(100) {
                    0..=49 => 0,
                    50..=84 => 1,
                    _ => 2,
                };
                let order_day = day + REFERRAL_TO_ORDER;
                plan.add(
                    order_day,
                    Kind::Order {
                        customer,
                        product,
                        opportunity: None,
                        partner: None,
                    },
                );
                (order_day, product)
            }
            Track::Affiliate => {
                plan.add(
                    day,
                    Kind::Order {
                        customer,
                        product: 0,
                        opportunity: None,
                        partner: Some(partner),
                    },
                );
                (day, 0)
            }
        };
        let ordered = config
            .start
            .checked_add_days(Days::new(order_day.unsigned_abs()))
            .unwrap_or(config.start);
        for month in 0..=rng.below(8) as u32 {
            let issued = ordered
                .checked_add_months(Months::new(month))
                .map_or(order_day, offset);
            let invoice = plan.next_invoice();
            plan.add(
                issued,
                Kind::Invoice {
                    invoice,
                    customer,
                    cents: INVOICE_CENTS,
                    product,
                    renewal: false,
                },
            );
            plan.add(
                issued + INVOICE_TO_PAYMENT,
                Kind::Payment {
                    invoice,
                    cents: INVOICE_CENTS,
                    by_partner: false,
                },
            );
        }
    }
    plan.events
}

/// `YYYY-MM-DD` text for every day offset the generator can produce.
struct DateTable {
    first: i64,
    texts: Vec<String>,
}

impl DateTable {
    fn new(config: &GenConfig) -> DateTable {
        let first = -400;
        let texts = (first..=i64::from(config.days) + 400)
            .map(|offset| {
                let date = if offset < 0 {
                    config
                        .start
                        .checked_sub_days(Days::new(offset.unsigned_abs()))
                } else {
                    config.start.checked_add_days(Days::new(offset as u64))
                };
                date.unwrap_or(config.start).format("%Y-%m-%d").to_string()
            })
            .collect();
        DateTable { first, texts }
    }

    fn get(&self, day: i64) -> &str {
        let i = (day - self.first).clamp(0, self.texts.len() as i64 - 1);
        self.texts.get(i as usize).map_or("", String::as_str)
    }
}

/// Values written as JSON strings through their `Display`, so serde_json
/// escapes them like every other string: no text reaches the output unescaped.
macro_rules! json_string_via_display {
    ($($name:ident),*) => {$(
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}

json_string_via_display!(
    Cents,
    PartnerId,
    CustomerId,
    OpportunityId,
    InvoiceId,
    PartnerName
);

/// Cents as a decimal amount string.
struct Cents(u64);

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// `p0012`.
struct PartnerId(u32);

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{:04}", self.0)
    }
}

/// `c000012`.
struct CustomerId(u32);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{:06}", self.0)
    }
}

/// `opp-000012`.
struct OpportunityId(u32);

impl fmt::Display for OpportunityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "opp-{:06}", self.0)
    }
}

/// `INV-0000012`.
struct InvoiceId(u32);

impl fmt::Display for InvoiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "INV-{:07}", self.0)
    }
}

/// One NDJSON event line: the date, then the type and the event's fields.
#[derive(Serialize)]
struct EventLine<'a> {
    date: &'a str,
    #[serde(flatten)]
    event: EventFields<'a>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum EventFields<'a> {
    VendorContact {
        customer: CustomerId,
    },
    Signup {
        customer: CustomerId,
    },
    Trial {
        customer: CustomerId,
    },
    Lead {
        customer: CustomerId,
    },
    DirectRequest {
        customer: CustomerId,
    },
    Referral {
        partner: PartnerId,
        customer: CustomerId,
    },
    Registration {
        partner: PartnerId,
        customer: CustomerId,
        opportunity: OpportunityId,
        approved: bool,
        decided: &'a str,
    },
    Attachment {
        partner: PartnerId,
        customer: CustomerId,
        requested_by_customer: bool,
    },
    Order {
        customer: CustomerId,
        product: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        opportunity: Option<OpportunityId>,
        #[serde(skip_serializing_if = "Option::is_none")]
        partner: Option<PartnerId>,
    },
    Invoice {
        id: InvoiceId,
        customer: CustomerId,
        amount: Cents,
        currency: &'a str,
        product: &'static str,
        renewal: bool,
    },
    Payment {
        invoice: InvoiceId,
        amount: Cents,
        #[serde(skip_serializing_if = "Option::is_none")]
        collected_by: Option<&'static str>,
    },
    Refund {
        invoice: InvoiceId,
        amount: Cents,
    },
    Activity {
        partner: PartnerId,
        kind: &'static str,
    },
    Notice {
        partner: PartnerId,
    },
    Invitation {
        partner: PartnerId,
        tier: &'static str,
    },
    Staff {
        partner: PartnerId,
        qualification: &'static str,
        count: u32,
    },
    ExchangeRate {
        from: &'a str,
        to: &'static str,
        rate: String,
    },
}

fn write_event(
    out: &mut impl Write,
    config: &GenConfig,
    dates: &DateTable,
    event: &Planned,
) -> io::Result<()> {
    let event_fields = match &event.kind {
        Kind::VendorContact { customer } => EventFields::VendorContact {
            customer: CustomerId(*customer),
        },
        Kind::Signup { customer } => EventFields::Signup {
            customer: CustomerId(*customer),
        },
        Kind::Trial { customer } => EventFields::Trial {
            customer: CustomerId(*customer),
        },
        Kind::Lead { customer } => EventFields::Lead {
            customer: CustomerId(*customer),
        },
        Kind::DirectRequest { customer } => EventFields::DirectRequest {
            customer: CustomerId(*customer),
        },
        Kind::Referral { partner, customer } => EventFields::Referral {
            partner: PartnerId(*partner),
            customer: CustomerId(*customer),
        },
        Kind::Registration {
            partner,
            customer,
            opportunity,
            approved,
            decided,
        } => EventFields::Registration {
            partner: PartnerId(*partner),
            customer: CustomerId(*customer),
            opportunity: OpportunityId(*opportunity),
            approved: *approved,
            decided: dates.get(*decided),
        },
        Kind::Attachment {
            partner,
            customer,
            requested,
        } => EventFields::Attachment {
            partner: PartnerId(*partner),
            customer: CustomerId(*customer),
            requested_by_customer: *requested,
        },
        Kind::Order {
            customer,
            product,
            opportunity,
            partner,
        } => EventFields::Order {
            customer: CustomerId(*customer),
            product: PRODUCTS[*product],
            opportunity: opportunity.map(OpportunityId),
            partner: partner.map(PartnerId),
        },
        Kind::Invoice {
            invoice,
            customer,
            cents,
            product,
            renewal,
        } => EventFields::Invoice {
            id: InvoiceId(*invoice),
            customer: CustomerId(*customer),
            amount: Cents(*cents),
            currency: &config.currency,
            product: PRODUCTS[*product],
            renewal: *renewal,
        },
        Kind::Payment {
            invoice,
            cents,
            by_partner,
        } => EventFields::Payment {
            invoice: InvoiceId(*invoice),
            amount: Cents(*cents),
            // A billing export leaves out who collected: the vendor, the default.
            collected_by: match config.shape {
                GenShape::Mixed => Some(if *by_partner { "partner" } else { "vendor" }),
                GenShape::BillingExport => None,
            },
        },
        Kind::Refund { invoice, cents } => EventFields::Refund {
            invoice: InvoiceId(*invoice),
            amount: Cents(*cents),
        },
        Kind::Activity { partner, kind } => EventFields::Activity {
            partner: PartnerId(*partner),
            kind: ACTIVITIES[*kind],
        },
        Kind::Notice { partner } => EventFields::Notice {
            partner: PartnerId(*partner),
        },
        Kind::Invitation { partner, .. } if !config.tiers_and_modules => EventFields::Activity {
            partner: PartnerId(*partner),
            kind: ACTIVITIES[0],
        },
        Kind::Invitation { partner, tier } => EventFields::Invitation {
            partner: PartnerId(*partner),
            tier: TIERS[*tier],
        },
        Kind::Staff {
            partner,
            qualification,
            count,
        } => EventFields::Staff {
            partner: PartnerId(*partner),
            qualification: QUALIFICATIONS[*qualification],
            count: *count,
        },
        Kind::ExchangeRate { ten_thousandths } => EventFields::ExchangeRate {
            from: &config.currency,
            to: if config.currency == "EUR" {
                "GBP"
            } else {
                "EUR"
            },
            rate: format!(
                "{}.{:04}",
                ten_thousandths / 10_000,
                ten_thousandths % 10_000
            ),
        },
    };
    let line = EventLine {
        date: dates.get(event.day),
        event: event_fields,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}
