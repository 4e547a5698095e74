//! An NDJSON events file is read piece by piece, the pieces parsed on the
//! rayon pool: the scenario and its errors must be those of the whole text
//! read at once, whatever the pieces and the threads.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use charter_scenario::{
    generate, load_files, parse_ndjson, GenConfig, GenShape, Scenario, SourceText,
};

/// A billing export of about 5 MB: several pieces.
fn export() -> (String, String) {
    let generated = generate(&GenConfig {
        seed: 3,
        events: 45_000,
        partners: 450,
        shape: GenShape::BillingExport,
        ..GenConfig::default()
    });
    assert!(generated.events_ndjson.len() > 4 << 20, "several pieces");
    (generated.partners_json, generated.events_ndjson)
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn in_memory(events: &str, partners: &str) -> Result<Scenario, String> {
    parse_ndjson(
        SourceText {
            name: "events.ndjson",
            text: events.as_bytes(),
        },
        Some(SourceText {
            name: "partners.json",
            text: partners.as_bytes(),
        }),
        None,
    )
    .map_err(|e| e.to_string())
}

fn from_files(dir: &Path, events: &str, partners: &str) -> Result<Scenario, String> {
    let events = write(dir, "events.ndjson", events);
    let partners = write(dir, "partners.json", partners);
    load_files(&events, Some(&partners), None).map_err(|e| {
        // Name the files as `in_memory` does.
        e.to_string()
            .replace(&events.display().to_string(), "events.ndjson")
    })
}

/// Every event, id and name of two scenarios, compared in full.
fn assert_same(a: &Scenario, b: &Scenario) {
    assert_eq!(a.events, b.events);
    assert_eq!(a.partners, b.partners);
    let names = |s: &Scenario| {
        let n = &s.names;
        (
            (0..n.partner_count() as u32)
                .map(|i| n.partner(charter_scenario::PartnerId(i)).to_owned())
                .collect::<Vec<_>>(),
            (0..n.customer_count() as u32)
                .map(|i| n.customer(charter_scenario::CustomerId(i)).to_owned())
                .collect::<Vec<_>>(),
            (0..n.invoice_count() as u32)
                .map(|i| {
                    let id = charter_scenario::InvoiceId(i);
                    (n.invoice(id).to_owned(), n.invoice_event(id))
                })
                .collect::<Vec<_>>(),
            (0..n.symbol_count() as u32)
                .map(|i| n.symbol(charter_scenario::Symbol(i)).to_owned())
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(names(a), names(b));
}

#[test]
fn a_file_read_in_pieces_loads_as_the_text_at_once_on_any_thread_count() {
    let (partners, events) = export();
    let dir = tempfile::tempdir().unwrap();
    let streamed = from_files(dir.path(), &events, &partners).unwrap();
    let whole = in_memory(&events, &partners).unwrap();
    assert_same(&streamed, &whole);
    assert_eq!(streamed.events.len(), events.lines().count());
    let last = streamed.events.last().unwrap();
    assert_eq!(last.line as usize, events.lines().count());
    // One thread of a pool reads every piece on the calling thread.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let single = pool.install(|| from_files(dir.path(), &events, &partners).unwrap());
    assert_same(&single, &streamed);
    // Names are found by name once loaded.
    let names = &streamed.names;
    let invoice = names.find_invoice(names.invoice(charter_scenario::InvoiceId(7)));
    assert_eq!(invoice, Some(charter_scenario::InvoiceId(7)));
    assert_eq!(names.find_customer("no such customer"), None);
}

#[test]
fn lines_longer_than_a_piece_and_a_last_line_without_break_load() {
    let (partners, events) = export();
    // A 3 MB event id (longer than a piece), CRLF line ends, blank lines,
    // and no line break at the end.
    let long = format!(
        "{{\"date\":\"2025-01-02\",\"type\":\"notice\",\"partner\":\"p0001\",\"id\":\"{}\"}}",
        "x".repeat(3 << 20)
    );
    let mut text = String::new();
    let lines: Vec<&str> = events.lines().collect();
    let half = lines.len() / 2;
    for line in &lines[..half] {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str(&long);
    text.push_str("\n\n  \n");
    text.push_str(&lines[half..].join("\n"));
    let dir = tempfile::tempdir().unwrap();
    let streamed = from_files(dir.path(), &text, &partners).unwrap();
    assert_same(&streamed, &in_memory(&text, &partners).unwrap());
    assert_eq!(streamed.events.len(), lines.len() + 1);
    let notice = &streamed.events[half];
    assert_eq!(notice.line as usize, half + 1);
    assert_eq!(notice.id.as_deref().map(str::len), Some(3 << 20));
    assert_eq!(streamed.events[half + 1].line as usize, half + 4);
}

#[test]
fn errors_late_in_a_file_name_their_line_column_and_offset() {
    let (partners, events) = export();
    let lines: Vec<&str> = events.lines().collect();
    let dir = tempfile::tempdir().unwrap();
    // A bad amount in the last piece, after a multi-byte character on the
    // line: the column counts characters.
    let bad = lines.len() - 10;
    let mut broken: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    broken[bad] = "{\"date\":\"2025-01-02\",\"type\":\"payment\",\"id\":\"é\",\
                   \"invoice\":\"INV-1\",\"amount\":\"12,50\"}"
        .to_owned();
    let text = broken.join("\n") + "\n";
    let amount = broken[bad].find("\"12,50\"").unwrap();
    let column = broken[bad][..amount].chars().count() + 1;
    assert_eq!(column, amount, "one two-byte character before");
    let expected = format!(
        "events.ndjson:{}:{column}: $.amount: expected a decimal amount like \"100.00\", \
         found \"12,50\"",
        bad + 1
    );
    assert_eq!(
        from_files(dir.path(), &text, &partners).unwrap_err(),
        expected
    );
    assert_eq!(in_memory(&text, &partners).unwrap_err(), expected);
    let events_path = write(dir.path(), "events.ndjson", &text);
    let error = load_files(&events_path, None, None).unwrap_err();
    let line_start: usize = broken[..bad].iter().map(|l| l.len() + 1).sum();
    assert_eq!(error.offset, line_start + amount);

    // A second declaration of an invoice is reported when the whole file
    // parsed, at its line; a parse error anywhere wins over it.
    let first = lines
        .iter()
        .position(|l| l.contains("\"type\":\"invoice\""))
        .unwrap();
    let id_start = lines[first].find("\"id\":\"").unwrap() + 6;
    let id = &lines[first][id_start..id_start + lines[first][id_start..].find('"').unwrap()];
    let mut twice: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let second = lines.len() - 5;
    twice[second] = lines[first].to_owned();
    let text = twice.join("\n") + "\n";
    let column = lines[first].find(&format!("\"{id}\"")).unwrap() + 1;
    assert_eq!(
        from_files(dir.path(), &text, &partners).unwrap_err(),
        format!(
            "events.ndjson:{}:{column}: $.id: duplicate invoice id \"{id}\", \
             first declared at line {}",
            second + 1,
            first + 1
        )
    );
    twice[second + 2] = "{\"date\":\"2025-01-02\"".to_owned();
    let text = twice.join("\n") + "\n";
    let error = from_files(dir.path(), &text, &partners).unwrap_err();
    assert!(
        error.starts_with(&format!("events.ndjson:{}:", second + 3)),
        "{error}"
    );
}

#[test]
fn a_blank_file_is_empty_and_a_folder_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let blank = write(dir.path(), "events.ndjson", "\n \r\n\n");
    assert_eq!(
        load_files(&blank, None, None).unwrap_err().to_string(),
        format!(
            "{}:1:1: the file is empty; expected one event object per line",
            blank.display()
        )
    );
    let folder = dir.path().join("folder.ndjson");
    std::fs::create_dir(&folder).unwrap();
    assert_eq!(
        load_files(&folder, None, None).unwrap_err().to_string(),
        format!(
            "{}: cannot read the file: it is a folder, not a regular file",
            folder.display()
        )
    );
}

#[test]
fn the_partners_error_comes_first_though_they_load_beside_the_events() {
    let (partners, events) = export();
    let dir = tempfile::tempdir().unwrap();
    let bad_partners = partners.replacen("\"id\"", "\"idd\"", 1);
    let expected = in_memory(&events, &bad_partners).unwrap_err();
    assert!(expected.starts_with("partners.json:"), "{expected}");
    let partners_path = write(dir.path(), "partners.json", &bad_partners);
    let error = |events: &str| {
        let events = write(dir.path(), "events.ndjson", events);
        load_files(&events, Some(&partners_path), None)
            .unwrap_err()
            .to_string()
            .replace(&partners_path.display().to_string(), "partners.json")
    };
    // Good events, events failing in their first or last piece, and none.
    assert_eq!(error(&events), expected);
    assert_eq!(error(&format!("{{\n{events}")), expected);
    assert_eq!(error(&format!("{events}{{\n")), expected);
    assert_eq!(error("\n\n"), expected);
}

#[test]
fn events_in_other_shapes_load_as_serde_reads_them() {
    // Escapes, spacing, numbers and unknown fields take the serde path;
    // the plain lines around them the scan: both give the same scenario as
    // the same events written plainly.
    let (partners, events) = export();
    let plain: Vec<&str> = events.lines().collect();
    let mut other = Vec::new();
    for (i, line) in plain.iter().enumerate() {
        other.push(match i % 4 {
            0 => line.replacen("\"customer\":\"c", "\"customer\":\"\\u0063", 1),
            1 => line.replace("\":", "\" : ").replace(',', " ,\t"),
            2 => amount_as_number(line),
            _ => (*line).to_owned(),
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let plain_text = plain.join("\n") + "\n";
    let other_text = other.join("\n") + "\n";
    assert_ne!(plain_text, other_text);
    let plain_scenario = from_files(dir.path(), &plain_text, &partners).unwrap();
    let other_scenario = from_files(dir.path(), &other_text, &partners).unwrap();
    // Lines and indexes agree, one event per line in both.
    assert_same(&plain_scenario, &other_scenario);
}

/// `line` with its amount, if any, written as a JSON number.
fn amount_as_number(line: &str) -> String {
    let key = "\"amount\":\"";
    let Some(at) = line.find(key) else {
        return line.to_owned();
    };
    let digits = at + key.len();
    let end = digits + line[digits..].find('"').unwrap();
    format!(
        "{}\"amount\":{}{}",
        &line[..at],
        &line[digits..end],
        &line[end + 1..]
    )
}
