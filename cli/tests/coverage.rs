//! Every operation of the spec has a command: derived from `openapi/integrator.yaml`
//! here, independently of the table the build derived.

use integrator_io_cli::command::{command, param_id};
use integrator_io_cli::table::OPERATIONS;

#[test]
fn every_operation_of_the_spec_has_a_command_with_every_parameter() {
    let spec = integrator_io_codegen::Spec::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/integrator.yaml"
    ))
    .unwrap();
    let tree = command();
    let operations = spec.operations();
    assert!(operations.len() >= 100);
    let mut missing = Vec::new();
    for op in &operations {
        let Some(entry) = OPERATIONS.iter().find(|c| c.id == op.id) else {
            missing.push(format!("{}: no command", op.id));
            continue;
        };
        assert_eq!(
            (entry.method, entry.path),
            (op.method.as_str(), op.path.as_str()),
            "{}",
            op.id
        );
        let Some(cmd) = tree
            .find_subcommand(entry.area)
            .and_then(|area| area.find_subcommand(entry.verb))
        else {
            missing.push(format!(
                "{}: `integrator {} {}` is not in the tree",
                op.id, entry.area, entry.verb
            ));
            continue;
        };
        for param in &op.params {
            if param.name == "Integrator-AShareId" {
                assert!(tree
                    .get_arguments()
                    .any(|a| a.get_long() == Some("ashare-id")));
                continue;
            }
            let spec_param = entry.params.iter().find(|p| p.name == param.name);
            let has_arg = spec_param.is_some_and(|p| {
                cmd.get_arguments()
                    .any(|a| a.get_id() == param_id(p).as_str())
            });
            if !has_arg {
                missing.push(format!(
                    "{}: parameter {} has no argument",
                    op.id, param.name
                ));
            }
        }
        if op.has_body && !cmd.get_arguments().any(|a| a.get_long() == Some("body")) {
            missing.push(format!("{}: no --body", op.id));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
    assert_eq!(OPERATIONS.len(), operations.len());
    // The tree itself is consistent (clap's own checks: no duplicate flags, ...).
    tree.debug_assert();
}
