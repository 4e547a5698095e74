//! `charter simulate --sweep NAME=V1,V2,…` or `NAME=FROM..TO/STEP`: one
//! simulation per value of a named rate, window, threshold or bracket (the
//! `--set` overrides), one row per value (and per group with `--group-by`).

use charter_sim::report::{group, table, write_csv_rows, GroupKey, Grouped};
use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// At most this many values in one sweep.
pub const MAX_VALUES: usize = 1000;

/// A parsed `--sweep`: the name and its values, as `--set` would write them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sweep {
    pub name: String,
    pub values: Vec<String>,
}

/// Parses `NAME=V1,V2,…` or `NAME=FROM..TO/STEP` (`referral_share=3%..7%/0.5%`,
/// `window=30 days..90 days/30`): the range runs from FROM up to TO in steps
/// of STEP, all three the same unit (STEP may leave it out).
pub fn parse(text: &str) -> Result<Sweep, String> {
    let usage =
        "--sweep expects NAME=V1,V2,… or NAME=FROM..TO/STEP, like `referral_share=3%..7%/1%`";
    let Some((name, values)) = text.split_once('=') else {
        return Err(format!("{usage}; got `{}`", shorten(text)));
    };
    let (name, values) = (name.trim(), values.trim());
    if name.is_empty() || values.is_empty() {
        return Err(format!("{usage}; got `{}`", shorten(text)));
    }
    let values = if let Some((from, rest)) = values.split_once("..") {
        let Some((to, step)) = rest.rsplit_once('/') else {
            return Err(format!(
                "{usage}: the range `{}` has no `/STEP`",
                shorten(values)
            ));
        };
        range(from.trim(), to.trim(), step.trim())?
    } else {
        let list: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
        if list.iter().any(String::is_empty) {
            return Err(format!("{usage}: an empty value in `{}`", shorten(values)));
        }
        list
    };
    if values.len() > MAX_VALUES {
        return Err(format!(
            "--sweep gives {} values; at most {MAX_VALUES} are simulated",
            values.len()
        ));
    }
    Ok(Sweep {
        name: name.to_string(),
        values,
    })
}

fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    charter_diagnostics::text::shorten(text)
}

/// A literal split into its number and its unit as written (`7.5%` →
/// `7.5`, `%`; `30 days` → `30`, ` days`).
fn number_and_unit(text: &str) -> Result<(Decimal, &str), String> {
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(text.len(), |(i, _)| i);
    let (number, unit) = text.split_at(end);
    let n = number
        .parse::<Decimal>()
        .map_err(|_| format!("`{}` does not start with a number", shorten(text)))?;
    Ok((n, unit))
}

fn range(from: &str, to: &str, step: &str) -> Result<Vec<String>, String> {
    let (start, unit) = number_and_unit(from)?;
    let (end, to_unit) = number_and_unit(to)?;
    let (step_n, step_unit) = number_and_unit(step)?;
    if to_unit.trim() != unit.trim()
        || !(step_unit.trim().is_empty() || step_unit.trim() == unit.trim())
    {
        return Err(format!(
            "--sweep range `{}..{}/{}` mixes units; give FROM, TO and STEP in one unit",
            shorten(from),
            shorten(to),
            shorten(step)
        ));
    }
    if step_n <= Decimal::ZERO {
        return Err(format!(
            "--sweep step `{}` must be above zero",
            shorten(step)
        ));
    }
    if end < start {
        return Err(format!(
            "--sweep range `{}..{}` runs backwards; FROM must not be above TO",
            shorten(from),
            shorten(to)
        ));
    }
    let count = ((end - start) / step_n).floor();
    if count >= Decimal::from(MAX_VALUES as u64) {
        return Err(format!(
            "--sweep range `{}..{}/{}` has more than {MAX_VALUES} values",
            shorten(from),
            shorten(to),
            shorten(step)
        ));
    }
    let mut values = Vec::new();
    let mut v = start;
    while v <= end {
        values.push(format!("{}{unit}", v.normalize()));
        v += step_n;
    }
    Ok(values)
}

/// One row of a sweep: the value, then the group's keys, amount, currency
/// and payout count.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub value: String,
    pub group: charter_sim::report::Group,
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let g = &self.group;
        let mut map = serializer.serialize_map(Some(g.keys.len() + 4))?;
        map.serialize_entry("value", &self.value)?;
        for (key, value) in &g.keys {
            map.serialize_entry(key.name(), value)?;
        }
        map.serialize_entry("amount", &g.amount)?;
        map.serialize_entry("currency", &g.currency)?;
        map.serialize_entry("payouts", &g.payouts)?;
        map.end()
    }
}

/// A sweep's report (schemas/simulate-sweep.schema.json).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub version: u32,
    pub as_of: chrono::NaiveDate,
    pub sweep: String,
    pub group_by: Vec<&'static str>,
    pub rows: Vec<Row>,
}

impl Report {
    pub fn new(name: &str, as_of: chrono::NaiveDate, keys: &[GroupKey]) -> Report {
        Report {
            version: charter_diagnostics::render::JSON_VERSION,
            as_of,
            sweep: name.to_string(),
            group_by: keys.iter().map(|k| k.name()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds the rows of one value: its groups, or one row of zero when it
    /// pays nothing and there are no keys to group by.
    pub fn add(&mut self, value: &str, grouped: Grouped, currency: &str) {
        if grouped.groups.is_empty() && grouped.group_by.is_empty() {
            self.rows.push(Row {
                value: value.to_string(),
                group: charter_sim::report::Group {
                    keys: Vec::new(),
                    amount: Decimal::ZERO,
                    currency: currency.to_string(),
                    payouts: 0,
                },
            });
        }
        for g in grouped.groups {
            self.rows.push(Row {
                value: value.to_string(),
                group: g,
            });
        }
    }

    fn cells(&self, row: &Row, amount_with_currency: bool) -> Vec<String> {
        let mut cells = vec![row.value.clone()];
        cells.extend(row.group.keys.iter().map(|(_, v)| v.clone()));
        if amount_with_currency {
            cells.push(format!("{} {}", row.group.amount, row.group.currency));
        } else {
            cells.push(row.group.amount.to_string());
            cells.push(row.group.currency.clone());
        }
        cells.push(row.group.payouts.to_string());
        cells
    }

    pub fn to_table(&self) -> String {
        let mut headers = vec![self.sweep.as_str()];
        headers.extend(self.group_by.iter().copied());
        headers.extend(["amount", "payouts"]);
        let n = headers.len();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| self.cells(r, true)).collect();
        format!(
            "as of {}\n\n{}",
            self.as_of,
            table(&headers, &rows, &[n - 2, n - 1])
        )
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub fn write_csv(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut header = vec![self.sweep.as_str()];
        header.extend(self.group_by.iter().copied());
        header.extend(["amount", "currency", "payouts"]);
        let n = header.len();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| self.cells(r, false)).collect();
        // Amount and payouts are numbers Charter writes; the rest is text.
        write_csv_rows(&header, &rows, &[n - 3, n - 1], out)
    }
}

/// The grouped figures of one run (every payout in one group when `keys` is empty).
pub fn figures(
    result: &charter_sim::SimResult,
    scenario: &charter_scenario::Scenario,
    keys: &[GroupKey],
) -> Grouped {
    group(result, &tracks(scenario), keys)
}

/// Each declared partner's track, by partner id.
pub fn tracks(scenario: &charter_scenario::Scenario) -> std::collections::HashMap<&str, &str> {
    scenario
        .partners
        .iter()
        .filter_map(|p| {
            p.track
                .as_deref()
                .map(|t| (scenario.names.partner(p.id), t))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lists_and_ranges_give_their_values() {
        assert_eq!(
            parse("referral_share=5%, 6%,7.5%").unwrap().values,
            ["5%", "6%", "7.5%"]
        );
        assert_eq!(
            parse("referral_share=3%..5%/0.5%").unwrap().values,
            ["3%", "3.5%", "4%", "4.5%", "5%"]
        );
        assert_eq!(
            parse("w=30 days..90 days/30").unwrap().values,
            ["30 days", "60 days", "90 days"]
        );
        for bad in [
            "x",
            "x=",
            "x=1%..2%",
            "x=1%..2 EUR/1%",
            "x=2%..1%/1%",
            "x=1%..2%/0%",
            "x=0%..100%/0.01%",
            "x=1%,,2%",
            "x=a..b/c",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
