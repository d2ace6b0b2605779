//! Every documented example in the spec is valid against its schema, and decodes
//! through the generated types into exactly the JSON it came from, unknown fields too.

mod support;

use integrator_io_codegen::examples::{self, Place};
use serde_json::Value;

#[test]
fn every_documented_example_validates_against_its_schema() {
    let spec = support::spec();
    let all = examples::collect(spec);
    let findings = examples::check(spec);
    let report: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
    assert!(
        report.is_empty(),
        "{} invalid example(s):\n{}",
        report.len(),
        report.join("\n")
    );
    println!("{} documented examples validated", all.len());
    assert!(all.len() >= 60, "examples went missing: {}", all.len());
}

/// Decodes `value` through the operation's generated type and encodes it again.
fn roundtrip(
    example: &examples::Example,
    value: Value,
) -> Option<Result<Value, serde_json::Error>> {
    let method = integrator_io_codegen::spec::rust_ident(&example.operation_id);
    match &example.place {
        Place::Request => integrator_io::__contract::roundtrip_request(&method, value),
        Place::Response(status) if status.starts_with('2') => {
            integrator_io::__contract::roundtrip_response(&method, value)
        }
        Place::Response(_) => Some(
            serde_json::from_value::<integrator_io::types::ErrorEnvelope>(value)
                .and_then(serde_json::to_value),
        ),
    }
}

#[test]
fn every_json_example_round_trips_through_the_generated_types_keeping_every_field() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for example in examples::collect(support::spec()) {
        if !example.media_type.contains("json") {
            continue;
        }
        for value in [
            example.value.clone(),
            support::with_unknown_fields(&example.value),
        ] {
            match roundtrip(&example, value.clone()) {
                None => problems.push(format!(
                    "{}: no generated type to decode into",
                    example.describe()
                )),
                Some(Err(e)) => {
                    problems.push(format!("{}: does not decode: {e}", example.describe()))
                }
                Some(Ok(back)) => match support::same_meaning(&value, &back) {
                    Ok(()) => checked += 1,
                    Err(difference) => problems.push(format!(
                        "{}: changed on the way through at {difference}",
                        example.describe()
                    )),
                },
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    println!("{checked} example round trips kept every field");
}
