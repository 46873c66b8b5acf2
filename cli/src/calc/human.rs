//! The default `calc` output: aligned `key: value` lines, one block per
//! section.

use std::io::{self, Write};

use serde_json::Value;

use super::Report;

/// Write `report` for a person.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let sections = report.sections();
    let width = sections
        .iter()
        .flat_map(|(_, f)| f.iter().map(|(k, _)| k.len()))
        .max()
        .unwrap_or(0);
    for (n, (title, fields)) in sections.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        if sections.len() > 1 {
            writeln!(out, "[{title}]")?;
        } else {
            writeln!(out, "{:width$}: {title}", "kind")?;
        }
        for (key, value) in fields {
            writeln!(out, "{key:width$}: {}", show(value))?;
        }
    }
    Ok(())
}

/// One value as text: strings bare, `null` as `-`, lists comma-separated,
/// a field-level error as `(error: Class)`.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join(", "),
        Value::Object(m) => match m.get("err") {
            Some(Value::String(class)) => format!("(error: {class})"),
            _ => v.to_string(),
        },
        other => other.to_string(),
    }
}
