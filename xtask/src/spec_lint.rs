//! `cargo xtask spec lint`: the rules build.rs enforces, and the spec's examples
//! against their schemas.

use std::process::ExitCode;

use integrator_io_codegen::{examples, lint, Spec};

/// Prints the findings; exits 1 when there are any.
pub fn run(spec: &Spec) -> ExitCode {
    let mut report = lint::check(spec);
    report.findings.extend(examples::check(spec));
    let operations = spec.operations().len();
    let example_count = examples::collect(spec).len();
    if report.is_clean() {
        crate::outln!(
            "spec lint: clean ({operations} operations, {example_count} examples checked)"
        );
        ExitCode::SUCCESS
    } else {
        crate::outln!("{report}");
        ExitCode::FAILURE
    }
}
