//! A synthetic policy of a chosen size for the benchmarks: a program block,
//! tiers with requirements, then a repeated block of a region, a commission
//! with a bracket table and uplift, a benefit and a roster partner (about
//! 700 bytes a block), the first hundred partners exclusive in one country
//! each (disjoint, so the policy checks clean). Shared by the `charter-check`
//! and `charter-fmt` benchmarks (`#[path]`-included).

use std::fmt::Write as _;

/// A policy of about `bytes` bytes.
pub fn policy(bytes: usize) -> String {
    let countries = [
        "DE", "AT", "CH", "PL", "FR", "BE", "NL", "LU", "SE", "NO", "DK", "FI", "IS", "ES", "PT",
        "IT", "CZ", "SK", "HU", "RO", "BG", "GR", "IE", "EE", "LV", "LT", "SI", "HR", "CY", "MT",
    ];
    let mut s = String::with_capacity(bytes + 1024);
    s.push_str(
        "/// A generated partner program.\nprogram \"Bench\" {\n  currency EUR\n  products Starter < Pro < Enterprise\n  agreements partnership\n  qualifications sales, trained\n  claims first\n}\n\n\
         tiers Bronze < Silver < Gold\n\n\
         tier Bronze {\n  require staff sales >= 1\n}\n\n\
         tier Silver {\n  require staff sales >= 2\n  require count orders per year >= 5\n}\n\n\
         tier Gold {\n  require staff sales >= 3\n  require revenue per year >= 100000 EUR\n}\n\n\
         attribute customer by partner_sale\n\n\
         payout within 30 days after payment\n\n",
    );
    let tiers = ["Bronze", "Silver", "Gold"];
    let mut i = 0;
    while s.len() < bytes {
        let tier = tiers[i % 3];
        let a = countries[i % countries.len()];
        let b = countries[(i * 7 + 3) % countries.len()];
        let _ = writeln!(
            s,
            "/// Region {i}.\nregion R{i} = [{a}, {b}]\n\n\
             /// Commission {i}: rises with the partner's sales.\ncommission c{i} {{\n  rate by sales over trailing 12 months, whole amount {{\n    below 50000 EUR: 10%\n    50000 EUR to 150000 EUR: 12%\n    from 150000 EUR: 15%\n  }}\n  bounds 10% to 20%\n  uplift 2% when staff trained >= 1\n  of payments on new invoices\n  within 12 months from first_invoice\n  eligible tier {tier}\n}}\n\n\
             benefit b{i} (marketing) for {tier} \"note {i}\"\n\n\
             partner p{i} \"Partner {i} GmbH\" {{\n  region R{i}\n  tier {tier}\n  staff sales 2, trained 1\n  joined 2025-03-01\n}}\n"
        );
        if i < 100 {
            // Exclusive and disjoint: one country each, from the full list.
            let code = charter_ir::countries::COUNTRIES[i].0;
            let _ = writeln!(s, "partner x{i} {{\n  region {code} exclusive\n}}\n");
        }
        i += 1;
    }
    s
}
