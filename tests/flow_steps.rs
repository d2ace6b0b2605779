//! `Flow::steps`: every place a flow holds a step, in running order, with its type and
//! position; entries without an id are skipped.

use integrator_io::{types::Flow, FlowStep, StepPosition, StepType};
use serde_json::{from_value, json};

fn steps(flow: serde_json::Value) -> Vec<FlowStep> {
    from_value::<Flow>(flow).unwrap().steps().collect()
}

fn step(id: &str, step_type: StepType, position: StepPosition) -> FlowStep {
    FlowStep {
        id: id.into(),
        step_type,
        position,
    }
}

#[test]
fn generators_processors_branches_and_legacy_ids_in_running_order() {
    let flow = json!({
        "_exportId": "legacy-export",
        "_importId": "legacy-import",
        "pageGenerators": [{"_exportId": "g0"}, {"skipRetries": true}, {"_exportId": "g2"}],
        "pageProcessors": [
            {"type": "export", "_exportId": "lookup"},
            {"type": "import", "_importId": "import"},
            {"_importId": "untyped-import"},
            {"_exportId": "untyped-lookup"},
            {"type": "import"},
        ],
        "routers": [
            {"routeRecordsTo": "first_matching_branch", "branches": [
                {"name": "a", "pageProcessors": [{"type": "import", "_importId": "a0"}]},
                {"name": "b", "pageProcessors": [{"type": "export", "_exportId": "b0"},
                                                 {"type": "import", "_importId": "b1"}]},
            ]},
            {"branches": [{"name": "c", "pageProcessors": [{"_importId": "c0"}]}]},
        ],
    });
    use StepPosition::*;
    use StepType::*;
    assert_eq!(
        steps(flow),
        [
            step("g0", Export, PageGenerator { index: 0 }),
            step("g2", Export, PageGenerator { index: 2 }),
            step("lookup", Lookup, PageProcessor { index: 0 }),
            step("import", Import, PageProcessor { index: 1 }),
            step("untyped-import", Import, PageProcessor { index: 2 }),
            step("untyped-lookup", Lookup, PageProcessor { index: 3 }),
            step(
                "a0",
                Import,
                Branch {
                    router: 0,
                    branch: 0,
                    index: 0
                }
            ),
            step(
                "b0",
                Lookup,
                Branch {
                    router: 0,
                    branch: 1,
                    index: 0
                }
            ),
            step(
                "b1",
                Import,
                Branch {
                    router: 0,
                    branch: 1,
                    index: 1
                }
            ),
            step(
                "c0",
                Import,
                Branch {
                    router: 1,
                    branch: 0,
                    index: 0
                }
            ),
            step("legacy-export", Export, LegacyExport),
            step("legacy-import", Import, LegacyImport),
        ]
    );
}

#[test]
fn a_single_step_legacy_flow_and_an_empty_one() {
    let legacy = steps(json!({"_exportId": "e", "_importId": null}));
    assert_eq!(
        legacy,
        [step("e", StepType::Export, StepPosition::LegacyExport)]
    );
    assert_eq!(
        steps(json!({"pageGenerators": null, "routers": [{"branches": null}]})),
        []
    );
    assert_eq!(StepType::Lookup.collection(), "exports");
    assert_eq!(StepType::Import.collection(), "imports");
}
