//! Runs every scenario file under `tests/data`: each file in `bad/` must fail
//! with exactly the error in the `.err` file beside it; each file in `good/`
//! must load, and a readable dump of what loaded must match the `.out` file
//! beside it. `UPDATE_EXPECT=1 cargo test -p charter-scenario` rewrites the
//! expectation files.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use charter_scenario::{parse_bytes, EventKind, Scenario};

fn data_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(kind)
}

fn files(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir(kind))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario files in {kind}/");
    files
}

/// Compares `actual` with the file at `path`, or rewrites it on request.
/// Returns a description of the mismatch.
fn check(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )
    })
}

fn run(kind: &str, outcome: impl Fn(&str, &[u8]) -> Result<String, String>, ext: &str) {
    let mut failures = Vec::new();
    for path in files(kind) {
        let name = format!("{kind}/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(&path).unwrap();
        match outcome(&name, &bytes) {
            Ok(text) => failures.extend(check(&path.with_extension(ext), &text)),
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_scenarios_fail_with_the_expected_error() {
    run(
        "bad",
        |name, bytes| match parse_bytes(bytes, name) {
            Ok(_) => Err("loaded, but should fail".to_owned()),
            Err(err) => Ok(format!("{err}\n")),
        },
        "err",
    );
}

#[test]
fn good_scenarios_load() {
    run(
        "good",
        |name, bytes| match parse_bytes(bytes, name) {
            Ok(scenario) => Ok(dump(&scenario)),
            Err(err) => Err(format!("failed to load: {err}")),
        },
        "out",
    );
}

/// A readable account of everything loaded, names resolved.
fn dump(s: &Scenario) -> String {
    let mut out = String::new();
    if let Some(as_of) = s.as_of {
        writeln!(out, "as_of {as_of}").unwrap();
    }
    for p in &s.partners {
        write!(
            out,
            "partner {} line {}: entity={} contract={}",
            s.names.partner(p.id),
            p.line,
            p.entity,
            p.contract
        )
        .unwrap();
        let optional = [
            ("name", p.name.clone()),
            ("track", p.track.clone()),
            ("tier", p.tier.clone()),
            ("region", p.region.map(|r| r.to_string())),
            ("joined", p.joined.map(|d| d.to_string())),
            ("revenue_target", p.revenue_target.map(|d| d.to_string())),
            ("tax_rate", p.tax_rate.map(|d| format!("{d}%"))),
            ("currency", p.currency.map(|c| c.to_string())),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                write!(out, " {key}={value:?}").unwrap();
            }
        }
        if !p.modules.is_empty() {
            write!(out, " modules={:?}", p.modules).unwrap();
        }
        if !p.elected.is_empty() {
            write!(out, " elected={:?}", p.elected).unwrap();
        }
        if !p.staff.is_empty() {
            write!(out, " staff={:?}", p.staff).unwrap();
        }
        out.push('\n');
    }
    for e in &s.events {
        write!(
            out,
            "event {} line {} {} {}",
            e.index,
            e.line,
            e.date,
            e.kind.event_type()
        )
        .unwrap();
        if let Some(name) = s.event_name(e) {
            write!(out, " name={name:?}").unwrap();
        }
        writeln!(out, " {}", describe(s, &e.kind)).unwrap();
    }
    if let Some(expect) = &s.expect {
        writeln!(out, "expect {expect:?}").unwrap();
    }
    out
}

fn describe(s: &Scenario, kind: &EventKind) -> String {
    let n = &s.names;
    let partner = |id| {
        let mark = if n.partner_is_declared(id) {
            ""
        } else {
            " (undeclared)"
        };
        format!("partner={:?}{mark}", n.partner(id))
    };
    let invoice = |id| {
        let mark = if n.invoice_is_declared(id) {
            ""
        } else {
            " (undeclared)"
        };
        format!("invoice={:?}{mark}", n.invoice(id))
    };
    let customer = |id| format!("customer={:?}", n.customer(id));
    let symbol = |key: &str, id: Option<charter_scenario::Symbol>| {
        id.map(|id| format!(" {key}={:?}", n.symbol(id)))
            .unwrap_or_default()
    };
    match *kind {
        EventKind::VendorContact { customer: c }
        | EventKind::Signup { customer: c }
        | EventKind::Trial { customer: c }
        | EventKind::Lead { customer: c }
        | EventKind::DirectRequest { customer: c } => customer(c),
        EventKind::Referral {
            partner: p,
            customer: c,
        } => format!("{} {}", partner(p), customer(c)),
        EventKind::Registration {
            partner: p,
            customer: c,
            opportunity,
            approved,
            decided,
        } => format!(
            "{} {}{} approved={approved} decided={decided:?}",
            partner(p),
            customer(c),
            symbol("opportunity", opportunity)
        ),
        EventKind::Attachment {
            partner: p,
            customer: c,
            requested_by_customer,
        } => format!(
            "{} {} requested_by_customer={requested_by_customer}",
            partner(p),
            customer(c)
        ),
        EventKind::Order {
            customer: c,
            product,
            opportunity,
            partner: p,
        } => format!(
            "{}{}{}{}",
            customer(c),
            symbol("product", product),
            symbol("opportunity", opportunity),
            p.map(|p| format!(" {}", partner(p))).unwrap_or_default()
        ),
        EventKind::Invoice {
            invoice: i,
            customer: c,
            amount,
            currency,
            product,
            renewal,
            subscription,
            months,
        } => format!(
            "{} {} amount={amount} currency={currency:?}{} renewal={renewal}{}{}",
            invoice(i),
            customer(c),
            symbol("product", product),
            symbol("subscription", subscription.map(|s| s.symbol())),
            if months == 1 {
                String::new()
            } else {
                format!(" months={months}")
            }
        ),
        EventKind::Payment {
            invoice: i,
            amount,
            collected_by,
        } => format!(
            "{} amount={amount} collected_by={}",
            invoice(i),
            collected_by.as_str()
        ),
        EventKind::Refund { invoice: i, amount } => format!("{} amount={amount}", invoice(i)),
        EventKind::Activity { partner: p, kind } => {
            format!("{}{}", partner(p), symbol("kind", Some(kind)))
        }
        EventKind::Notice { partner: p } => partner(p),
        EventKind::Invitation { partner: p, tier } => {
            format!("{}{}", partner(p), symbol("tier", Some(tier)))
        }
        EventKind::Staff {
            partner: p,
            qualification,
            count,
        } => format!(
            "{}{} count={count}",
            partner(p),
            symbol("qualification", Some(qualification))
        ),
        EventKind::ExchangeRate { from, to, rate } => format!("from={from} to={to} rate={rate}"),
    }
}
