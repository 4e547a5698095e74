//! Charter's documents for people: the self-contained HTML report with
//! inline SVG charts (`charter report`), the partner guide generated from a
//! policy (`charter doc`), per-partner statements (`charter statements`) and
//! what a scenario suite exercised (`charter test --coverage`).

mod chart;
pub mod coverage;
pub mod guide;
mod pages;
pub mod report;
pub mod statement;
