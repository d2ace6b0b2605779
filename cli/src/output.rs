//! Printing answers: JSON (pretty on a terminal, compact otherwise), NDJSON, YAML or a
//! table, after `--jq`. Listings stream: each item is written as it arrives (tables
//! excepted, which need every row to size their columns).

use std::io::{BufWriter, IsTerminal, Stdout, Write};

use serde_json::Value;

use crate::command::{Format, Globals};
use crate::exit::CliError;
use crate::jq::Jq;

/// Where answers go, and how they look.
pub struct Printer {
    format: Format,
    pretty: bool,
    /// Strings without quotes, one value a line.
    raw: bool,
    jq: Option<Jq>,
    columns: Vec<String>,
    default_columns: &'static [&'static str],
    out: BufWriter<Stdout>,
    /// Items written so far in the current listing.
    listed: u64,
    /// Table rows, kept until the end.
    rows: Vec<Value>,
}

impl Printer {
    /// A printer for `globals`' format, filter and columns; `area` picks the default
    /// table columns.
    pub fn new(globals: &Globals, area: &str) -> Result<Printer, CliError> {
        let stdout = std::io::stdout();
        let pretty = stdout.is_terminal();
        let format = globals.format.unwrap_or(Format::Json);
        Ok(Printer {
            // Raw output is a value a line: JSON listings print as NDJSON.
            format: if globals.raw_output && format == Format::Json {
                Format::Ndjson
            } else {
                format
            },
            pretty,
            raw: globals.raw_output,
            jq: globals.jq.as_deref().map(Jq::compile).transpose()?,
            columns: globals.columns.clone(),
            default_columns: crate::columns::defaults(area),
            out: BufWriter::with_capacity(64 * 1024, stdout),
            listed: 0,
            rows: Vec::new(),
        })
    }

    fn filtered(&self, value: Value) -> Result<Vec<Value>, CliError> {
        match &self.jq {
            Some(jq) => jq.run(value),
            None => Ok(vec![value]),
        }
    }

    /// Prints one answer (not a listing).
    pub fn value(&mut self, value: Value) -> Result<(), CliError> {
        let outputs = self.filtered(value)?;
        match self.format {
            Format::Table => {
                for output in outputs {
                    match output {
                        Value::Array(items) => self.rows.extend(items),
                        other => self.rows.push(other),
                    }
                }
                self.finish_table()
            }
            Format::Yaml => {
                for (i, output) in outputs.iter().enumerate() {
                    if i > 0 {
                        self.write(b"---\n")?;
                    }
                    let text = yaml(output)?;
                    self.write(text.as_bytes())?;
                }
                self.flush()
            }
            Format::Ndjson => {
                // An array answer is one line per element, as a listing is.
                for output in outputs {
                    let lines = match output {
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    for line in &lines {
                        self.json(line, false, "")?;
                        self.write(b"\n")?;
                    }
                }
                self.flush()
            }
            Format::Json => {
                for output in &outputs {
                    self.json(output, self.pretty, "")?;
                    self.write(b"\n")?;
                }
                self.flush()
            }
        }
    }

    /// Prints one item of a listing.
    pub fn item(&mut self, item: Value) -> Result<(), CliError> {
        for output in self.filtered(item)? {
            match self.format {
                Format::Table => self.rows.push(output),
                Format::Ndjson => {
                    self.json(&output, false, "")?;
                    self.write(b"\n")?;
                }
                Format::Json => {
                    let separator: &[u8] = match (self.listed, self.pretty) {
                        (0, true) => b"[\n  ",
                        (0, false) => b"[",
                        (_, true) => b",\n  ",
                        (_, false) => b",",
                    };
                    self.write(separator)?;
                    self.json(&output, self.pretty, "  ")?;
                }
                Format::Yaml => {
                    let text = yaml(&Value::Array(vec![output]))?;
                    self.write(text.as_bytes())?;
                }
            }
            self.listed += 1;
        }
        Ok(())
    }

    /// Ends a listing.
    pub fn end_list(&mut self) -> Result<(), CliError> {
        match self.format {
            Format::Table => return self.finish_table(),
            Format::Json if self.listed == 0 => self.write(b"[]\n")?,
            Format::Json if self.pretty => self.write(b"\n]\n")?,
            Format::Json => self.write(b"]\n")?,
            Format::Yaml if self.listed == 0 => self.write(b"[]\n")?,
            Format::Yaml | Format::Ndjson => {}
        }
        self.flush()
    }

    fn json(&mut self, value: &Value, pretty: bool, indent: &str) -> Result<(), CliError> {
        if let (true, Value::String(text)) = (self.raw, value) {
            return self.write(text.as_bytes());
        }
        if !pretty {
            serde_json::to_writer(&mut self.out, value).map_err(json_failed)?;
            return Ok(());
        }
        let text = serde_json::to_string_pretty(value).map_err(write_failed)?;
        if indent.is_empty() {
            self.write(text.as_bytes())
        } else {
            // JSON text holds no raw newline inside strings: every newline is layout.
            self.write(text.replace('\n', &format!("\n{indent}")).as_bytes())
        }
    }

    fn finish_table(&mut self) -> Result<(), CliError> {
        let rows = std::mem::take(&mut self.rows);
        let text = crate::columns::render(&rows, &self.columns, self.default_columns);
        self.write(text.as_bytes())?;
        self.flush()
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        self.out.write_all(bytes).map_err(io_failed)
    }

    fn flush(&mut self) -> Result<(), CliError> {
        self.out.flush().map_err(io_failed)
    }
}

fn write_failed(e: impl std::fmt::Display) -> CliError {
    CliError::other(format!("cannot write the output: {e}"))
}

/// A reader that went away (`integrator … | head`) ends the command quietly.
fn io_failed(e: std::io::Error) -> CliError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        CliError::reader_gone()
    } else {
        write_failed(e)
    }
}

fn json_failed(e: serde_json::Error) -> CliError {
    if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
        CliError::reader_gone()
    } else {
        write_failed(e)
    }
}

/// YAML text of `value`. Numbers keep their text where YAML can hold it (integers of
/// 64 bits, decimals that round-trip through `f64`); a longer one is written as a
/// string rather than rounded.
fn yaml(value: &Value) -> Result<String, CliError> {
    serde_yaml::to_string(&to_yaml(value)).map_err(write_failed)
}

fn to_yaml(value: &Value) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match value {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Number(n) => {
            let text = n.to_string();
            if let Ok(i) = text.parse::<i64>() {
                Y::Number(i.into())
            } else if let Ok(u) = text.parse::<u64>() {
                Y::Number(u.into())
            } else {
                match text.parse::<f64>() {
                    Ok(f)
                        if f.is_finite()
                            && serde_json::Number::from_f64(f)
                                .is_some_and(|back| back.to_string() == text) =>
                    {
                        Y::Number(f.into())
                    }
                    _ => Y::String(text),
                }
            }
        }
        Value::String(s) => Y::String(s.clone()),
        Value::Array(items) => Y::Sequence(items.iter().map(to_yaml).collect()),
        Value::Object(fields) => Y::Mapping(
            fields
                .iter()
                .map(|(k, v)| (Y::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keeps_numbers_it_can_hold_and_quotes_the_others() {
        let value: Value =
            serde_json::from_str(r#"{"a":1,"b":1.5,"c":123456789012345678901234}"#).unwrap();
        assert_eq!(
            yaml(&value).unwrap(),
            "a: 1\nb: 1.5\nc: '123456789012345678901234'\n"
        );
    }
}
