//! Partner objects and the `expect` block: read with derived serde structs
//! (they are few), then checked for duplicates and turned into the model.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::{locate, offset_in, parse_json, Problem, Step};
use crate::model::{Entity, Expectations, ExpectedPayout, Partner, PartnerId};
use crate::names::Interner;
use crate::value::{
    some, Amount, Count, Currency, DateValue, Expecting, Object, Region, SignedAmount, TaxRate,
    Text,
};

/// A partner object as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPartner<'a> {
    #[serde(borrow)]
    id: Text<'a>,
    #[serde(default, deserialize_with = "some", borrow)]
    name: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    track: Option<Text<'a>>,
    #[serde(default, borrow)]
    modules: Vec<Text<'a>>,
    #[serde(default, deserialize_with = "some", borrow)]
    tier: Option<Text<'a>>,
    #[serde(default, deserialize_with = "some")]
    entity: Option<Entity>,
    #[serde(default, deserialize_with = "some")]
    contract: Option<bool>,
    #[serde(default, deserialize_with = "some")]
    region: Option<Region>,
    #[serde(default, deserialize_with = "some")]
    joined: Option<DateValue>,
    #[serde(default, borrow)]
    elected: Vec<Text<'a>>,
    #[serde(default)]
    staff: BTreeMap<String, Count>,
    #[serde(default, deserialize_with = "some")]
    revenue_target: Option<Amount>,
    /// Customer ids that are the partner itself or its own company.
    #[serde(default, borrow)]
    accounts: Vec<Text<'a>>,
    /// The tax rate it adds on top of its commission, when VAT-registered.
    #[serde(default, deserialize_with = "some")]
    tax_rate: Option<TaxRate>,
    /// The currency it is paid in.
    #[serde(default, deserialize_with = "some")]
    currency: Option<Currency>,
}

/// Partners declared so far: ids in order and the line of each.
#[derive(Debug, Default)]
pub(crate) struct PartnerList {
    pub ids: Interner,
    pub partners: Vec<Partner>,
}

impl PartnerList {
    /// Reads the partner object `text` (a piece of `src` at JSON path
    /// `prefix`, starting on `line`) and declares it.
    pub(crate) fn add(
        &mut self,
        src: &[u8],
        text: &str,
        prefix: &dyn Fn() -> String,
        line: u32,
    ) -> Result<(), Problem> {
        let Object(raw): Object<RawPartner> = parse_json(src, text, prefix)?;
        let text = text.as_bytes();
        let name = raw.id.0.as_ref();
        if let Some(first) = self.ids.get(name) {
            let first_line = self.partners.get(first as usize).map_or(0, |p| p.line);
            let steps = [Step::Key("id".to_owned())];
            let offset = locate(text, &steps)
                .map_or(offset_in(src, text), |spot| offset_in(src, spot.value));
            return Err(Problem::new(
                offset,
                format!("{}.id", prefix()),
                format!(
                    "duplicate partner id {}, first declared at line {first_line}",
                    crate::value::quoted(name)
                ),
            ));
        }
        let id = PartnerId(self.ids.intern(name));
        let to_strings = |list: Vec<Text>| list.into_iter().map(Text::into_string).collect();
        self.partners.push(Partner {
            id,
            name: raw.name.map(Text::into_string),
            track: raw.track.map(Text::into_string),
            modules: to_strings(raw.modules),
            tier: raw.tier.map(Text::into_string),
            entity: raw.entity.unwrap_or(Entity::Company),
            contract: raw.contract.unwrap_or(true),
            region: raw.region,
            joined: raw.joined.map(|d| d.0),
            elected: to_strings(raw.elected),
            staff: raw.staff.into_iter().map(|(k, v)| (k, v.0)).collect(),
            revenue_target: raw.revenue_target.map(|a| a.0),
            accounts: to_strings(raw.accounts),
            tax_rate: raw.tax_rate.map(|r| r.0),
            currency: raw.currency,
            line,
        });
        Ok(())
    }
}

/// The `expect` block as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    #[serde(default)]
    totals: BTreeMap<String, SignedAmount>,
    #[serde(default)]
    standings: BTreeMap<String, Option<String>>,
    #[serde(default)]
    findings: Vec<FindingCode>,
    #[serde(default, deserialize_with = "some")]
    payouts: Option<Vec<Object<RawPayout>>>,
}

impl Expecting for RawPartner<'_> {
    const EXPECTING: &'static str = "a partner object";
}

impl Expecting for RawExpect {
    const EXPECTING: &'static str = "an object with `totals`, `standings`, `findings` or `payouts`";
}

impl Expecting for RawPayout {
    const EXPECTING: &'static str = "a payout object";
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPayout {
    partner: String,
    #[serde(default, deserialize_with = "some")]
    invoice: Option<String>,
    #[serde(default, deserialize_with = "some")]
    rule: Option<String>,
    amount: SignedAmount,
    #[serde(default, deserialize_with = "some")]
    due: Option<DateValue>,
    #[serde(default, deserialize_with = "some")]
    tax: Option<SignedAmount>,
    #[serde(default, deserialize_with = "some")]
    converted: Option<SignedAmount>,
}

impl From<RawExpect> for Expectations {
    fn from(raw: RawExpect) -> Expectations {
        Expectations {
            totals: raw.totals.into_iter().map(|(k, v)| (k, v.0)).collect(),
            standings: raw.standings,
            findings: raw.findings.into_iter().map(|c| c.0).collect(),
            payouts: raw.payouts.map(|payouts| {
                payouts
                    .into_iter()
                    .map(|Object(p)| ExpectedPayout {
                        partner: p.partner,
                        invoice: p.invoice,
                        rule: p.rule,
                        amount: p.amount.0,
                        due: p.due.map(|d| d.0),
                        tax: p.tax.map(|t| t.0),
                        converted: p.converted.map(|c| c.0),
                    })
                    .collect()
            }),
        }
    }
}

/// A finding code: one uppercase letter and four digits, like `S0101`.
#[derive(Debug)]
struct FindingCode(String);

impl<'de> Deserialize<'de> for FindingCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CodeVisitor;
        impl Visitor<'_> for CodeVisitor {
            type Value = FindingCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a finding code like \"S0101\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let b = v.as_bytes();
                let is_id = b.len() == 5
                    && b[0].is_ascii_uppercase()
                    && b[1..].iter().all(u8::is_ascii_digit);
                let is_name = !b.is_empty()
                    && b.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
                if is_id || is_name {
                    Ok(FindingCode(v.to_owned()))
                } else {
                    Err(E::custom(format!(
                        "expected a finding code like \"S0101\" or a name like \"dual-financial-benefit\", found {}",
                        crate::value::quoted(v)
                    )))
                }
            }
        }
        deserializer.deserialize_str(CodeVisitor)
    }
}
