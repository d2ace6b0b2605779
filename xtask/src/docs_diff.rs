//! `cargo xtask docs-diff`: the endpoints the docs list against the spec's operations.
//! The docs are Markdown or text pages (endpoint tables and example request lines) or
//! endpoint inventories in the format of `current-api.tsv` ([`inventory`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::ExitCode;

use integrator_io_codegen::spec::Operation;
use integrator_io_codegen::Spec;

use crate::docs::slips::{self, Applied, Context};
use crate::docs::{examples, inventory, path, table, Document, Endpoint, Kind, Origin};

/// A documented endpoint the spec lacks.
#[derive(Clone, Debug)]
pub struct Missing {
    /// `GET /exports/{}` (or the concrete path of an example).
    pub endpoint: String,
    /// Every place that documents it, with the path as written there.
    pub written: Vec<(Origin, String)>,
}

/// A documented success code that differs from the spec's.
#[derive(Clone, Debug)]
pub struct Different {
    /// The spec's operation (`DELETE /exports/{id} (deleteExport)`).
    pub operation: String,
    /// The success code the spec decodes.
    pub spec: Option<u16>,
    /// The documented one.
    pub documented: u16,
    /// Where.
    pub origin: Origin,
}

/// What `docs-diff` found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How many files were read.
    pub files: usize,
    /// How many endpoint table rows they hold.
    pub table_rows: usize,
    /// How many example request lines they hold.
    pub example_lines: usize,
    /// How many operations the spec has.
    pub operations: usize,
    /// Documented but missing from the spec.
    pub missing: Vec<Missing>,
    /// Operations of the spec the docs do not name (`GET /tokenInfo (getTokenInfo)`).
    pub undocumented: Vec<String>,
    /// Documented with a different success code.
    pub different: Vec<Different>,
    /// Every slip tolerated.
    pub tolerated: Vec<Applied>,
    /// Table lines that could not be read.
    pub skipped: Vec<(Origin, String)>,
}

impl Report {
    /// True when the docs name an endpoint the spec lacks or gives another success code.
    pub fn failed(&self) -> bool {
        !self.missing.is_empty() || !self.different.is_empty()
    }

    /// The report as printed.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "docs-diff: {} files, {} endpoint table rows, {} example request lines; the spec has {} operations",
            self.files, self.table_rows, self.example_lines, self.operations
        );
        section(
            &mut out,
            "Documented but missing from the spec",
            self.missing.iter().map(|m| {
                let written: Vec<String> = m
                    .written
                    .iter()
                    .map(|(origin, path)| format!("{path} at {origin}"))
                    .collect();
                format!("{}  (written {})", m.endpoint, written.join(", "))
            }),
        );
        section(
            &mut out,
            "In the spec but not in the given docs",
            self.undocumented.iter().cloned(),
        );
        section(
            &mut out,
            "Documented with a different success code",
            self.different.iter().map(|d| {
                let spec = d.spec.map_or("none".to_string(), |c| c.to_string());
                format!(
                    "{}: the spec says {spec}, {} documents {}",
                    d.operation, d.origin, d.documented
                )
            }),
        );
        section(
            &mut out,
            "Tolerated documentation slips",
            self.tolerated.iter().map(Applied::to_string),
        );
        section(
            &mut out,
            "The slips",
            slips::legend(&self.tolerated).into_iter(),
        );
        if !self.skipped.is_empty() {
            section(
                &mut out,
                "Endpoint table lines not read",
                self.skipped
                    .iter()
                    .map(|(origin, reason)| format!("{origin}: {reason}")),
            );
        }
        let verdict = if self.failed() {
            "FAILED: the spec does not cover the docs"
        } else {
            "ok: every documented endpoint is in the spec with its success code"
        };
        let _ = write!(
            out,
            "\n{verdict} ({} missing, {} not in the docs, {} different success codes, {} slips tolerated)",
            self.missing.len(),
            self.undocumented.len(),
            self.different.len(),
            self.tolerated.len()
        );
        out
    }
}

/// One titled section of the report, `none` when empty.
fn section(out: &mut String, title: &str, lines: impl Iterator<Item = String>) {
    let lines: Vec<String> = lines.collect();
    let _ = writeln!(out, "\n{title} ({}):", lines.len());
    if lines.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for line in lines {
        let _ = writeln!(out, "  {line}");
    }
}

/// Every endpoint the documents name, slips corrected, with the table lines not read.
pub fn documented(docs: &[Document]) -> (Vec<Endpoint>, Vec<Applied>, Vec<(Origin, String)>) {
    let mut endpoints = Vec::new();
    let mut tolerated = Vec::new();
    let mut skipped = Vec::new();
    for doc in docs {
        let first = tolerated.len();
        let origin = |line| Origin {
            file: doc.path.clone(),
            line,
        };
        if let Some((rows, unread)) = inventory::parse(&doc.text) {
            skipped.extend(unread.into_iter().map(|u| (origin(u.line), u.reason)));
            let rows = rows
                .into_iter()
                .map(|row| Endpoint {
                    method: row.method,
                    path: row.path,
                    success: row.success,
                    description: row.note,
                    origin: origin(row.line),
                    kind: Kind::Table,
                })
                .collect();
            let (meant, applied) = slips::correct(rows, &Context::default());
            endpoints.extend(meant);
            tolerated.extend(applied);
            continue;
        }
        let (tables, unread) = table::parse(&doc.text);
        skipped.extend(unread.into_iter().map(|s| (origin(s.line), s.reason)));
        for t in &tables {
            let rows = t
                .rows
                .iter()
                .map(|row| Endpoint {
                    method: row.method.clone(),
                    path: path::relative(&row.uri),
                    success: Some(row.success),
                    description: row.description.clone(),
                    origin: origin(row.line),
                    kind: Kind::Table,
                })
                .collect();
            let context = Context {
                text: &doc.text,
                table_first_uri: t.rows.first().map(|r| r.uri.as_str()),
            };
            let (meant, applied) = slips::correct(rows, &context);
            endpoints.extend(meant);
            tolerated.extend(applied);
        }
        let requests = examples::extract(&doc.text)
            .into_iter()
            .map(|e| Endpoint {
                method: e.method,
                path: e.path,
                success: e.status,
                description: String::new(),
                origin: origin(e.line),
                kind: Kind::Example,
            })
            .collect();
        let context = Context {
            text: &doc.text,
            table_first_uri: None,
        };
        let (meant, applied) = slips::correct(requests, &context);
        endpoints.extend(meant);
        tolerated.extend(applied);
        // In the order of the document's lines; documents in the order given.
        tolerated[first..].sort_by_key(|a| a.origin.line);
    }
    (endpoints, tolerated, skipped)
}

/// The spec operation a documented endpoint names: a table row by its shape, an
/// example's concrete path by the most specific template it fits.
pub fn operation_for<'a>(
    operations: &'a [Operation],
    endpoint: &Endpoint,
) -> Option<&'a Operation> {
    let same_method = operations.iter().filter(|op| op.method == endpoint.method);
    match endpoint.kind {
        Kind::Table => {
            let shape = path::shape(&endpoint.path);
            same_method
                .into_iter()
                .find(|op| path::shape(&op.path) == shape)
        }
        Kind::Example => same_method
            .filter_map(|op| path::fit(&op.path, &endpoint.path).map(|score| (score, op)))
            .fold(
                None,
                |best: Option<(usize, &Operation)>, (score, op)| match best {
                    Some((top, _)) if top >= score => best,
                    _ => Some((score, op)),
                },
            )
            .map(|(_, op)| op),
    }
}

/// Compares the documents with the spec.
pub fn diff(spec: &Spec, docs: &[Document]) -> Report {
    let operations = spec.operations();
    let (endpoints, tolerated, skipped) = documented(docs);
    let mut report = Report {
        files: docs.len(),
        table_rows: docs
            .iter()
            .map(|d| match inventory::parse(&d.text) {
                Some((rows, _)) => rows.len(),
                None => table::parse(&d.text)
                    .0
                    .iter()
                    .map(|t| t.rows.len())
                    .sum::<usize>(),
            })
            .sum(),
        example_lines: docs.iter().map(|d| examples::extract(&d.text).len()).sum(),
        operations: operations.len(),
        tolerated,
        skipped,
        ..Report::default()
    };
    let mut named: BTreeSet<String> = BTreeSet::new();
    let mut missing: BTreeMap<String, Vec<(Origin, String)>> = BTreeMap::new();
    for endpoint in &endpoints {
        match operation_for(&operations, endpoint) {
            Some(op) => {
                named.insert(op.id.clone());
                if let Some(code) = endpoint.success {
                    if op.success_code() != Some(code) {
                        report.different.push(Different {
                            operation: op.display(),
                            spec: op.success_code(),
                            documented: code,
                            origin: endpoint.origin.clone(),
                        });
                    }
                }
            }
            None => {
                let key = match endpoint.kind {
                    Kind::Table => format!("{} {}", endpoint.method, path::shape(&endpoint.path)),
                    Kind::Example => format!("{} {}", endpoint.method, endpoint.path),
                };
                missing
                    .entry(key)
                    .or_default()
                    .push((endpoint.origin.clone(), endpoint.path.clone()));
            }
        }
    }
    report.missing = missing
        .into_iter()
        .map(|(endpoint, written)| Missing { endpoint, written })
        .collect();
    report.undocumented = operations
        .iter()
        .filter(|op| !named.contains(&op.id))
        .map(Operation::display)
        .collect();
    report
}

/// Runs `docs-diff` on files and directories; prints the report.
pub fn run(spec: &Spec, paths: &[std::path::PathBuf]) -> Result<ExitCode, String> {
    let docs = crate::docs::read_documents(paths)?;
    let report = diff(spec, &docs);
    Ok(crate::docs::print_report(&report.render(), report.failed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /exports:
    get:
      operationId: listExports
      responses: {'200': {description: ok}}
  /exports/{id}:
    delete:
      operationId: deleteExport
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'204': {description: gone}}
  /connections/{id}/oauth2:
    get:
      operationId: getOAuth2
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /tokenInfo:
    get:
      operationId: getTokenInfo
      responses: {'200': {description: ok}}
"#;

    fn doc(text: &str) -> Document {
        Document {
            path: "page.md".into(),
            text: text.into(),
        }
    }

    #[test]
    fn missing_undocumented_different_and_tolerated() {
        let spec = Spec::from_yaml(SPEC).unwrap();
        let report = diff(
            &spec,
            &[doc("\
| Relative URI | Method | Success Code | Description |
|---|---|---|---|
|/exports|GET|200|List.|
|/exports/:_id|DELETE|200|Delete.|
|/exports/{_id}/clone|POST|201|Clone.|
|/connection/<_id>/oauth2|GET|200|OAuth.|
")],
        );
        assert!(report.failed());
        let missing: Vec<&str> = report.missing.iter().map(|m| m.endpoint.as_str()).collect();
        assert_eq!(missing, vec!["POST /exports/{}/clone"]);
        assert_eq!(report.undocumented, vec!["GET /tokenInfo (getTokenInfo)"]);
        assert_eq!(report.different.len(), 1);
        assert_eq!(
            report.different[0].operation,
            "DELETE /exports/{id} (deleteExport)"
        );
        assert_eq!(
            (report.different[0].spec, report.different[0].documented),
            (Some(204), 200)
        );
        assert_eq!(report.tolerated.len(), 1);
        assert_eq!(report.tolerated[0].slip.name, "connection-singular");
        let text = report.render();
        for expected in [
            "Documented but missing from the spec (1):\n  POST /exports/{}/clone  (written /exports/{_id}/clone at page.md:5)",
            "In the spec but not in the given docs (1):\n  GET /tokenInfo (getTokenInfo)",
            "Documented with a different success code (1):\n  DELETE /exports/{id} (deleteExport): the spec says 204, page.md:4 documents 200",
            "Tolerated documentation slips (1):\n  connection-singular  page.md:6  GET /connection/<_id>/oauth2 200 -> GET /connections/<_id>/oauth2 200",
            "FAILED",
        ] {
            assert!(text.contains(expected), "{expected}\n--- in ---\n{text}");
        }
    }

    #[test]
    fn example_request_lines_document_endpoints_by_their_concrete_path() {
        let spec = Spec::from_yaml(SPEC).unwrap();
        let report = diff(
            &spec,
            &[doc("\
GET /v1/tokenInfo HTTP/1.1
Sample response
HTTP/1.1 200 OK
{}
DELETE https://api.integrator.io/v1/exports/55ea776b HTTP/1.1
GET /v1/exports/55ea776b/preview HTTP/1.1
")],
        );
        let missing: Vec<&str> = report.missing.iter().map(|m| m.endpoint.as_str()).collect();
        assert_eq!(missing, vec!["GET /exports/55ea776b/preview"]);
        assert_eq!(
            report.undocumented,
            // In the order of the spec's paths (sorted).
            vec![
                "GET /connections/{id}/oauth2 (getOAuth2)",
                "GET /exports (listExports)"
            ]
        );
        assert!(report.different.is_empty());
        assert_eq!(report.example_lines, 3);
    }

    #[test]
    fn an_inventory_documents_its_official_rows() {
        let spec = Spec::from_yaml(SPEC).unwrap();
        let report = diff(
            &spec,
            &[doc(
                "method\tpath\tsuccess_code\tarea\tsource\tconfidence\tnote
GET\t/exports\t200\texports\tdocs\tofficial-reference\t
DELETE\t/exports/{_id}\t?\texports\tdocs\tofficial-other\t
POST\t/exports/{_id}/clone\t201\texports\tdocs\tofficial-other\t
GET\t/tokenInfo\t201\tmeta\tdocs\tofficial-other\t
GET\t/agents\t?\tagents\tcode\tthird-party\t
",
            )],
        );
        let missing: Vec<&str> = report.missing.iter().map(|m| m.endpoint.as_str()).collect();
        assert_eq!(missing, vec!["POST /exports/{}/clone"]);
        assert_eq!(
            report.undocumented,
            vec!["GET /connections/{id}/oauth2 (getOAuth2)"]
        );
        // `?` documents no code; 201 differs from the spec's 200.
        assert_eq!(report.different.len(), 1);
        assert_eq!(
            report.different[0].operation,
            "GET /tokenInfo (getTokenInfo)"
        );
        assert_eq!(report.table_rows, 4);
        assert_eq!(report.skipped.len(), 1);
        assert!(report.skipped[0].1.contains("third-party row GET /agents"));
        assert!(report.failed());
    }

    #[test]
    fn nothing_missing_passes() {
        let spec = Spec::from_yaml(SPEC).unwrap();
        let report = diff(
            &spec,
            &[doc(
                "| Relative URI | Method | Success Code | Description |\n|/exports|GET|200|x|\n",
            )],
        );
        assert!(!report.failed());
        assert!(report.render().contains("\nok: "));
    }
}
