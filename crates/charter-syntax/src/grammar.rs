//! The pest parser generated from `grammar/charter.pest`.

#![allow(missing_docs)]

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "../../grammar/charter.pest"]
pub struct CharterParser;
