//! `calc --batch`: the conformance driver. Reads `{"id", "op", "args"}`
//! lines, writes `{"id", "ok"}` / `{"id", "err"}` lines (conformance/FORMAT.md).

use std::io::{self, BufRead, BufWriter, Write};

use serde_json::{Map, Value};

use super::ops::{self, Failure};

/// Answer every request line of `input` on `output`. A line that is not a
/// request gets an answer naming the problem (with its id when it has one);
/// a line without an id is reported on `errors` instead. Only I/O errors end
/// the run early.
pub fn run(mut input: impl BufRead, output: impl Write, errors: &mut dyn Write) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, output);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        n += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match answer(&line) {
            Ok(v) => {
                serde_json::to_writer(&mut out, &v)?;
                out.write_all(b"\n")?;
            }
            Err(why) => writeln!(errors, "ipdb: calc --batch: line {n}: {why}")?,
        }
    }
    out.flush()
}

/// The answer line for one request, or why there is none.
fn answer(line: &[u8]) -> Result<Value, String> {
    let req: Value = serde_json::from_slice(line).map_err(|e| format!("not JSON: {e}"))?;
    let id = req.get("id").cloned().ok_or("no \"id\"")?;
    let result = match (
        req.get("op").and_then(Value::as_str),
        req.get("args").and_then(Value::as_array),
    ) {
        // A bug in one op must not cost the answers to every later line.
        (Some(op), Some(args)) => std::panic::catch_unwind(|| ops::eval(op, args))
            .unwrap_or_else(|_| Err(Failure::Request(format!("internal error in op {op:?}")))),
        (None, _) => Err(Failure::Request("no \"op\" string".into())),
        (_, None) => Err(Failure::Request("no \"args\" list".into())),
    };
    let mut m = Map::new();
    m.insert("id".into(), id);
    match result {
        Ok(v) => m.insert("ok".into(), v),
        Err(f) => m.insert("err".into(), Value::String(f.to_string())),
    };
    Ok(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drive(input: &str) -> (String, String) {
        drive_bytes(input.as_bytes())
    }

    fn drive_bytes(input: &[u8]) -> (String, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        run(input, &mut out, &mut err).unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn answers_each_line() {
        let (out, err) = drive(concat!(
            "{\"id\": 1, \"op\": \"address\", \"args\": [\"1.2.3.04\"]}\n",
            "\n",
            "{\"id\": 2, \"op\": \"v4_int_to_packed\", \"args\": [\"-1\"]}\n",
            "{\"id\": 3, \"op\": \"supernet\", \"args\": [\"10.0.0.0/8\", null, 4]}\n",
        ));
        assert_eq!(
            out,
            "{\"err\":\"ValueError\",\"id\":1}\n{\"err\":\"ValueError\",\"id\":2}\n{\"id\":3,\"ok\":\"0.0.0.0/4\"}\n"
        );
        assert_eq!(err, "");
    }

    #[test]
    fn malformed_requests_never_crash() {
        let (out, err) = drive(concat!(
            "not json\n",
            "{\"op\": \"address\", \"args\": []}\n",
            "{\"id\": 7, \"op\": \"nope\", \"args\": []}\n",
            "{\"id\": 8, \"op\": \"address\", \"args\": []}\n",
            "{\"id\": 9, \"op\": \"address_add\", \"args\": [\"1.2.3.4\", 1.5]}\n",
            "{\"id\": 10, \"args\": []}\n",
            "[1, 2]\n",
        ));
        assert_eq!(err.lines().count(), 3, "{err}");
        let answers: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(answers.len(), 4);
        for a in &answers {
            assert!(a["err"].as_str().unwrap().starts_with("bad request"), "{a}");
        }
    }

    #[test]
    fn invalid_utf8_costs_one_line_only() {
        let (out, err) = drive_bytes(b"{\"id\": 1, \"op\": \"address\", \"args\": [\"\xff\"]}\n{\"id\": 2, \"op\": \"address_add\", \"args\": [\"::\", 1]}");
        assert_eq!(out, "{\"id\":2,\"ok\":\"::1\"}\n");
        assert!(err.contains("line 1"), "{err}");
    }
}
