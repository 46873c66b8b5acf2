//! `calc --json`: one JSON object with the same fields as the human view.

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::fields::to_object;
use super::Report;

/// Write `report` as one JSON object on one line:
/// `{"kind": "address", "address": {...}}`; an interface has both an
/// `"interface"` and a `"network"` member.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut top = Map::new();
    top.insert("kind".into(), Value::from(report.kind()));
    for (title, fields) in report.sections() {
        top.insert(title.into(), to_object(fields));
    }
    serde_json::to_writer(&mut *out, &Value::Object(top))?;
    writeln!(out)
}
