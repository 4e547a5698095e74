//! LANGUAGE.md §5 lists every diagnostic code (C-codes of the checker, S-codes
//! of the simulator) in tables: they must agree with the registry, code for
//! code, with the same id, name and severity.

use charter_diagnostics::Code;
use std::collections::BTreeMap;
use std::path::Path;

/// The rows `| C0101 | syntax-error | error | … |` of §5, by id: (name, severity).
fn documented() -> Result<BTreeMap<String, (String, String)>, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../LANGUAGE.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = text
        .find("\n## 5. Diagnostics")
        .ok_or("LANGUAGE.md has no `## 5. Diagnostics`")?;
    let section = &text[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |e| e + 1)];
    let mut rows = BTreeMap::new();
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // `| id | name | severity | reported when |` splits into 6 cells.
        let [_, id, name, severity, _, _] = cells[..] else {
            continue;
        };
        let is_code = id.len() == 5
            && id.starts_with(['C', 'S'])
            && id[1..].bytes().all(|b| b.is_ascii_digit());
        if !is_code {
            continue;
        }
        let row = (name.to_string(), severity.to_string());
        if rows.insert(id.to_string(), row).is_some() {
            return Err(format!("{id} is listed twice"));
        }
    }
    Ok(rows)
}

#[test]
fn language_md_lists_the_registry() -> Result<(), String> {
    let mut rows = documented()?;
    let mut wrong = Vec::new();
    for code in Code::ALL {
        let info = code.info();
        match rows.remove(info.id) {
            None => wrong.push(format!("{} ({}) is not listed", info.id, info.name)),
            Some((name, severity)) => {
                if name != info.name {
                    wrong.push(format!(
                        "{}: listed as `{name}`, named `{}`",
                        info.id, info.name
                    ));
                }
                if severity != info.severity.as_str() {
                    wrong.push(format!(
                        "{}: listed as {severity}, severity {}",
                        info.id,
                        info.severity.as_str()
                    ));
                }
            }
        }
    }
    wrong.extend(
        rows.keys()
            .map(|id| format!("{id} is listed but not in the registry")),
    );
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "LANGUAGE.md §5 and the registry disagree:\n{}",
            wrong.join("\n")
        ))
    }
}

#[test]
fn both_families_are_listed() -> Result<(), String> {
    let rows = documented()?;
    for family in ['C', 'S'] {
        if !rows.keys().any(|id| id.starts_with(family)) {
            return Err(format!("no {family}-code in LANGUAGE.md §5"));
        }
    }
    Ok(())
}
