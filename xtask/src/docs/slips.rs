//! The documentation slips `docs-diff` and `docs-examples` tolerate.
//!
//! Each is named, says what the docs write and what is meant, and is reported as
//! "tolerated" wherever it is applied: nothing is corrected silently. The same slips are
//! listed in `openapi/README.md` ("Documentation slips the spec corrects"); a test keeps
//! the two lists in step.

use super::path::{parameter_name, segments, shape};
use super::{Endpoint, Origin};

/// What a slip correction may look at besides the endpoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// The whole document (for lists written below a table).
    pub text: &'a str,
    /// The URI of the first row of the endpoint's table, if it comes from a table.
    pub table_first_uri: Option<&'a str>,
}

/// A correction: the endpoint(s) meant, or `None` when the slip does not apply.
type Correct = fn(&Endpoint, &Context) -> Option<Vec<Endpoint>>;

/// One known documentation slip.
#[derive(Clone, Copy, Debug)]
pub struct Slip {
    /// Its name, as reported.
    pub name: &'static str,
    /// What the docs write, and where.
    pub written: &'static str,
    /// What is meant (what the spec has).
    pub meant: &'static str,
    correct: Option<Correct>,
}

/// Every tolerated slip. `json-comments` applies to example bodies (see
/// [`JSON_COMMENTS`]); the others to endpoints of tables and request lines.
pub const SLIPS: [Slip; 9] = [
    Slip {
        name: "filedefinitions-written-as-integrations",
        written: "seed 001's file-definition table writes /integrations/<_id> for the GET, PUT and DELETE of one file definition",
        meant: "/filedefinitions/<_id>",
        correct: Some(filedefinitions_written_as_integrations),
    },
    Slip {
        name: "connection-singular",
        written: "seed 002 writes /connection/<_id>/oauth2",
        meant: "/connections/<_id>/oauth2 (every other connection path is plural)",
        correct: Some(connection_singular),
    },
    Slip {
        name: "install-steps-get-201",
        written: "seed 001 gives GET /integrations/<_id>/installSteps the success code 201 (the installSteps/uninstallSteps codes look swapped)",
        meant: "200, as endpoints.tsv and the spec have it",
        correct: Some(install_steps_get_201),
    },
    Slip {
        name: "joberrors-case",
        written: "docs/job.md's example requests /jobs/<_id>/jobErrors; its table writes joberrors",
        meant: "/jobs/<_id>/joberrors",
        correct: Some(joberrors_case),
    },
    Slip {
        name: "template-singular",
        written: "docs/template.md's examples request /template and /template/<_id>; its table writes /templates",
        meant: "/templates and /templates/<_id>",
        correct: Some(template_singular),
    },
    Slip {
        name: "audit-model-plural",
        written: "seed 001's audit table has one row /<modelPlural>/<_id>/audit, with the resource types listed below it (- Flow: /flows, ...)",
        meant: "one GET /<plural>/<_id>/audit per listed resource type",
        correct: Some(audit_model_plural),
    },
    Slip {
        name: "optional-last-parameter",
        written: "a row whose description calls its last path parameter optional (/connections/<_id>/debug/<_resourceId>: \"Use optional _resourceId\")",
        meant: "the path without that parameter as well (/connections/<_id>/debug)",
        correct: Some(optional_last_parameter),
    },
    Slip {
        name: "resolved-200-or-204",
        written: "one version of the help-center errors article gives PUT /flows/<_id>/<stepId>/resolved 204 (for exports; 200 for imports)",
        meant: "200 with the body the 2023 docs show, as the spec has it",
        correct: Some(resolved_200_or_204),
    },
    JSON_COMMENTS,
];

/// `//` comments inside JSON samples (docs/connection.md example 3).
pub const JSON_COMMENTS: Slip = Slip {
    name: "json-comments",
    written: "a JSON sample carries a // comment (docs/connection.md example 3)",
    meant: "the JSON without the comment",
    correct: None,
};

/// One application of a slip.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The slip.
    pub slip: &'static Slip,
    /// Where the docs write it.
    pub origin: Origin,
    /// What the docs write.
    pub written: String,
    /// What was read instead.
    pub read_as: String,
}

impl std::fmt::Display for Applied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}  {}  {} -> {}",
            self.slip.name, self.origin, self.written, self.read_as
        )
    }
}

/// One line per slip applied at least once, saying what the docs write and what is
/// meant, in the order of [`SLIPS`].
pub fn legend(applied: &[Applied]) -> Vec<String> {
    SLIPS
        .iter()
        .filter(|slip| applied.iter().any(|a| a.slip.name == slip.name))
        .map(|slip| format!("{}: {}; read as {}", slip.name, slip.written, slip.meant))
        .collect()
}

/// Applies every slip, in the order of [`SLIPS`], to each endpoint; returns the
/// endpoints meant and every correction made.
pub fn correct(endpoints: Vec<Endpoint>, context: &Context) -> (Vec<Endpoint>, Vec<Applied>) {
    let mut applied = Vec::new();
    let mut current = endpoints;
    for slip in &SLIPS {
        let Some(correct) = slip.correct else {
            continue;
        };
        let mut next = Vec::with_capacity(current.len());
        for endpoint in current {
            match correct(&endpoint, context) {
                Some(meant) => {
                    applied.push(Applied {
                        slip,
                        origin: endpoint.origin.clone(),
                        written: endpoint.to_string(),
                        read_as: meant
                            .iter()
                            .map(Endpoint::to_string)
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                    next.extend(meant);
                }
                None => next.push(endpoint),
            }
        }
        current = next;
    }
    (current, applied)
}

/// The endpoint with another path.
fn with_path(endpoint: &Endpoint, path: String) -> Endpoint {
    Endpoint {
        path,
        ..endpoint.clone()
    }
}

/// Replaces the first segment when it is `from`.
fn rename_first_segment(endpoint: &Endpoint, from: &str, to: &str) -> Option<Vec<Endpoint>> {
    let rest = endpoint.path.strip_prefix('/')?.strip_prefix(from)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(vec![with_path(endpoint, format!("/{to}{rest}"))])
}

/// `filedefinitions-written-as-integrations`.
fn filedefinitions_written_as_integrations(
    endpoint: &Endpoint,
    context: &Context,
) -> Option<Vec<Endpoint>> {
    let first = context.table_first_uri?;
    if !super::path::relative(first).starts_with("/filedefinitions") {
        return None;
    }
    rename_first_segment(endpoint, "integrations", "filedefinitions")
}

/// `connection-singular`.
fn connection_singular(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    rename_first_segment(endpoint, "connection", "connections")
}

/// `template-singular`.
fn template_singular(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    rename_first_segment(endpoint, "template", "templates")
}

/// `install-steps-get-201`.
fn install_steps_get_201(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    (endpoint.method == "GET"
        && shape(&endpoint.path) == "/integrations/{}/installSteps"
        && endpoint.success == Some(201))
    .then(|| {
        vec![Endpoint {
            success: Some(200),
            ..endpoint.clone()
        }]
    })
}

/// `resolved-200-or-204`.
fn resolved_200_or_204(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    (endpoint.method == "PUT"
        && shape(&endpoint.path) == "/flows/{}/{}/resolved"
        && endpoint.success == Some(204))
    .then(|| {
        vec![Endpoint {
            success: Some(200),
            ..endpoint.clone()
        }]
    })
}

/// `joberrors-case`.
fn joberrors_case(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    let parts: Vec<&str> = segments(&endpoint.path).collect();
    match parts.as_slice() {
        ["jobs", id, "jobErrors"] => {
            Some(vec![with_path(endpoint, format!("/jobs/{id}/joberrors"))])
        }
        _ => None,
    }
}

/// `audit-model-plural`: one endpoint per `- Label: /plural` line below the row.
fn audit_model_plural(endpoint: &Endpoint, context: &Context) -> Option<Vec<Endpoint>> {
    let parts: Vec<&str> = segments(&endpoint.path).collect();
    let [first, rest @ ..] = parts.as_slice() else {
        return None;
    };
    if !parameter_name(first).is_some_and(|n| n.eq_ignore_ascii_case("modelPlural"))
        || rest.last() != Some(&"audit")
    {
        return None;
    }
    // The list below the table: `- Flow: /flows`.
    let plurals: Vec<&str> = context
        .text
        .lines()
        .skip(endpoint.origin.line)
        .filter_map(|line| {
            let (_, target) = line.trim().strip_prefix("- ")?.split_once(": ")?;
            let plural = target.trim().strip_prefix('/')?;
            (!plural.is_empty() && plural.chars().all(|c| c.is_ascii_alphanumeric()))
                .then_some(plural)
        })
        .collect();
    if plurals.is_empty() {
        return None;
    }
    let rest = rest.join("/");
    Some(
        plurals
            .into_iter()
            .map(|plural| with_path(endpoint, format!("/{plural}/{rest}")))
            .collect(),
    )
}

/// `optional-last-parameter`.
fn optional_last_parameter(endpoint: &Endpoint, _: &Context) -> Option<Vec<Endpoint>> {
    let (parent, last) = endpoint.path.rsplit_once('/')?;
    let name = parameter_name(last)?;
    if name.is_empty() || parent.is_empty() {
        return None;
    }
    let described = endpoint
        .description
        .to_lowercase()
        .contains(&format!("optional {}", name.to_lowercase()));
    described.then(|| vec![endpoint.clone(), with_path(endpoint, parent.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::Kind;

    fn endpoint(method: &str, path: &str, success: Option<u16>, description: &str) -> Endpoint {
        Endpoint {
            method: method.into(),
            path: path.into(),
            success,
            description: description.into(),
            origin: Origin {
                file: "doc.txt".into(),
                line: 1,
            },
            kind: Kind::Table,
        }
    }

    fn read(endpoints: Vec<Endpoint>, context: &Context) -> (Vec<String>, Vec<&'static str>) {
        let (meant, applied) = correct(endpoints, context);
        (
            meant.iter().map(Endpoint::to_string).collect(),
            applied.iter().map(|a| a.slip.name).collect(),
        )
    }

    #[test]
    fn file_definition_rows_written_as_integrations_only_in_a_file_definition_table() {
        let rows = vec![
            endpoint("GET", "/filedefinitions", Some(200), ""),
            endpoint("GET", "/integrations/<_id>", Some(200), ""),
        ];
        let in_filedefinitions = Context {
            text: "",
            table_first_uri: Some("/filedefinitions"),
        };
        assert_eq!(
            read(rows.clone(), &in_filedefinitions),
            (
                vec![
                    "GET /filedefinitions 200".to_string(),
                    "GET /filedefinitions/<_id> 200".to_string()
                ],
                vec!["filedefinitions-written-as-integrations"]
            )
        );
        let in_integrations = Context {
            text: "",
            table_first_uri: Some("/integrations"),
        };
        assert_eq!(read(rows, &in_integrations).1, Vec::<&str>::new());
    }

    #[test]
    fn singular_paths_and_job_errors_case() {
        let (meant, names) = read(
            vec![
                endpoint("GET", "/connection/<_id>/oauth2", Some(200), ""),
                endpoint("GET", "/template", None, ""),
                endpoint("PUT", "/template/58f1", None, ""),
                endpoint("GET", "/templates", None, ""),
                endpoint("GET", "/templatesX", None, ""),
                endpoint("GET", "/jobs/59ee/jobErrors", None, ""),
                endpoint("GET", "/jobs/59ee/joberrors", None, ""),
            ],
            &Context::default(),
        );
        assert_eq!(
            meant,
            vec![
                "GET /connections/<_id>/oauth2 200",
                "GET /templates",
                "PUT /templates/58f1",
                "GET /templates",
                "GET /templatesX",
                "GET /jobs/59ee/joberrors",
                "GET /jobs/59ee/joberrors",
            ]
        );
        assert_eq!(
            names,
            vec![
                "connection-singular",
                "joberrors-case",
                "template-singular",
                "template-singular"
            ]
        );
    }

    #[test]
    fn install_steps_get_with_201_is_read_as_200() {
        let (meant, names) = read(
            vec![
                endpoint("GET", "/integrations/<_id>/installSteps", Some(201), ""),
                endpoint("POST", "/integrations/<_id>/installSteps", Some(200), ""),
                endpoint("POST", "/integrations/<_id>/uninstallSteps", Some(201), ""),
            ],
            &Context::default(),
        );
        assert_eq!(
            meant,
            vec![
                "GET /integrations/<_id>/installSteps 200",
                "POST /integrations/<_id>/installSteps 200",
                "POST /integrations/<_id>/uninstallSteps 201",
            ]
        );
        assert_eq!(names, vec!["install-steps-get-201"]);
    }

    #[test]
    fn the_audit_row_expands_to_the_listed_resource_types() {
        let text = "\
Relative URI | Method | Success code | Description |
/<modelPlural>/<_id>/audit | GET | 200 | Get a log. |
Depending on the resource type, enter one of the following values for /<modelPlural>:
- Flow: /flows
- API token: /accesstokens
- Not a path: see below
";
        let (meant, names) = read(
            vec![endpoint("GET", "/<modelPlural>/<_id>/audit", Some(200), "")],
            &Context {
                text,
                table_first_uri: None,
            },
        );
        assert_eq!(
            meant,
            vec![
                "GET /flows/<_id>/audit 200",
                "GET /accesstokens/<_id>/audit 200"
            ]
        );
        assert_eq!(names, vec!["audit-model-plural"]);
        // Without the list, nothing is invented.
        assert!(read(
            vec![endpoint("GET", "/<modelPlural>/<_id>/audit", Some(200), "")],
            &Context::default()
        )
        .1
        .is_empty());
    }

    #[test]
    fn an_optional_last_parameter_documents_the_shorter_path() {
        let (meant, names) = read(
            vec![
                endpoint(
                    "GET",
                    "/connections/{_id}/debug/{_resourceId}",
                    Some(200),
                    "Get debug logs. Use optional _resourceId to filter logs.",
                ),
                endpoint("GET", "/connections/{_id}", Some(200), "Get a connection."),
            ],
            &Context::default(),
        );
        assert_eq!(
            meant,
            vec![
                "GET /connections/{_id}/debug/{_resourceId} 200",
                "GET /connections/{_id}/debug 200",
                "GET /connections/{_id} 200",
            ]
        );
        assert_eq!(names, vec!["optional-last-parameter"]);
    }

    #[test]
    fn every_slip_is_listed_in_the_spec_readme() {
        let readme = include_str!("../../../openapi/README.md");
        for slip in SLIPS {
            assert!(
                readme.contains(&format!("`{}`", slip.name)),
                "openapi/README.md does not list the slip `{}`",
                slip.name
            );
        }
    }
}
