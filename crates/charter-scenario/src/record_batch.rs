//! Scenarios assembled in memory, for the engine's phases run apart
//! (`charter_sim::phases`, Spark): a phase given one partner's credits by
//! name needs those names interned in a scenario that holds only that
//! partner's record. Ids stay dense and in order of first interning, as the
//! loader numbers them; a name interned twice keeps its first id.
//! [`parse_partners`] loads a partners file alone (no events).

use crate::model::{CustomerId, InvoiceId, Scenario, Source, SourceFormat, Symbol};
use crate::names::Names;
use crate::{batch, Input, ScenarioError, SourceText};

/// A scenario of the partners in `partners` (in `format`) and no events:
/// a partner's record for phase (b). Errors are placed as a partners
/// file's are.
pub fn parse_partners(
    partners: SourceText<'_>,
    format: SourceFormat,
) -> Result<Scenario, ScenarioError> {
    parse_partner_input(Input::File(partners, format))
}

/// [`parse_partners`] for a file's bytes or an Arrow table.
pub fn parse_partner_input(partners: Input<'_>) -> Result<Scenario, ScenarioError> {
    let list = crate::files::load_partner_input(partners)?;
    let events = batch::Builder::new(&list.ids)
        .finish()
        .map_err(|p| match partners {
            Input::File(file, SourceFormat::Json | SourceFormat::Ndjson | SourceFormat::Csv) => {
                p.into_error(file.name, file.text)
            }
            Input::File(..) | Input::Arrow(_) => p.into_unplaced_error(partners.name()),
        })?;
    let format = match partners {
        Input::File(_, format) => format,
        Input::Arrow(_) => SourceFormat::Parquet,
    };
    Ok(crate::assemble(
        None,
        list,
        events,
        None,
        Source {
            format,
            events_file: String::new(),
            partners_file: Some(partners.name().to_owned()),
        },
    ))
}

impl Names {
    /// The id of customer `name`, adding it if new.
    pub fn intern_customer(&mut self, name: &str) -> CustomerId {
        CustomerId(self.customers.intern(name))
    }

    /// The id of invoice `name`, adding it if new (as an invoice no event
    /// declares: [`Names::invoice_is_declared`] stays false for it).
    pub fn intern_invoice(&mut self, name: &str) -> InvoiceId {
        let id = self.invoices.intern(name);
        if self.invoice_events.len() <= id as usize {
            self.invoice_events.resize(id as usize + 1, u32::MAX);
        }
        InvoiceId(id)
    }

    /// The symbol of `name` (a product, activity kind, tier or
    /// qualification), adding it if new.
    pub fn intern_symbol(&mut self, name: &str) -> Symbol {
        Symbol(self.symbols.intern(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_keeps_existing_ids_and_adds_new_ones() {
        let events =
            br#"{"type":"invoice","date":"2026-01-05","id":"i1","customer":"c1","amount":"10"}"#;
        let mut scenario = crate::parse_ndjson(
            crate::SourceText {
                name: "events.ndjson",
                text: events,
            },
            None,
            None,
        )
        .unwrap();
        let names = &mut scenario.names;
        assert_eq!(names.intern_customer("c1"), CustomerId(0));
        assert_eq!(names.intern_customer("c2"), CustomerId(1));
        assert_eq!(names.customer(CustomerId(1)), "c2");
        assert_eq!(names.intern_invoice("i1"), InvoiceId(0));
        assert!(names.invoice_is_declared(InvoiceId(0)));
        let i2 = names.intern_invoice("i2");
        assert_eq!(names.invoice(i2), "i2");
        assert!(!names.invoice_is_declared(i2));
        let s = names.intern_symbol("webinar");
        assert_eq!(names.find_symbol("webinar"), Some(s));
    }

    #[test]
    fn a_partners_file_alone_is_a_scenario_without_events() {
        let partners = br#"[{"id": "p1", "track": "Referral"}, {"id": "p2"}]"#;
        let file = SourceText {
            name: "partners.json",
            text: partners,
        };
        let scenario = parse_partners(file, SourceFormat::Json).unwrap();
        assert!(scenario.events.is_empty());
        assert_eq!(scenario.partners.len(), 2);
        let p1 = scenario.names.find_partner("p1").unwrap();
        assert!(scenario.names.partner_is_declared(p1));
        assert_eq!(
            scenario.partners[1].id,
            scenario.names.find_partner("p2").unwrap()
        );
        let bad = SourceText {
            name: "partners.json",
            text: br#"[{"id": "p1", "entity": "robot"}]"#,
        };
        let err = parse_partners(bad, SourceFormat::Json).unwrap_err();
        assert!(err.to_string().contains("entity"), "{err}");
    }
}
