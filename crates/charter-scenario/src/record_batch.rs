//! Scenarios assembled in memory, for the engine's phases run apart
//! (`charter_sim::phases`, Spark): a phase given one partner's credits by
//! name needs those names interned in a scenario that holds only that
//! partner's record. Ids stay dense and in order of first interning, as the
//! loader numbers them; a name interned twice keeps its first id.

use crate::model::{CustomerId, InvoiceId, Symbol};
use crate::names::Names;

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
}
