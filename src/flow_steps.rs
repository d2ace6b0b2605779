//! A flow's steps as one list ([`types::Flow::steps`]): the exports, lookups and
//! imports it runs, wherever the flow holds them.

use crate::types;

/// What a flow step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepType {
    /// An export that produces the flow's records (a page generator, or the legacy
    /// `_exportId`).
    Export,
    /// An export run for each page of records (a page processor of type `export`).
    Lookup,
    /// An import (a page processor of type `import`, or the legacy `_importId`).
    Import,
}

impl StepType {
    /// The collection the step's resource lives in: `exports` for an export or a
    /// lookup, `imports` for an import.
    pub fn collection(self) -> &'static str {
        match self {
            StepType::Export | StepType::Lookup => "exports",
            StepType::Import => "imports",
        }
    }
}

/// Where in the flow a step is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepPosition {
    /// `pageGenerators[index]`.
    PageGenerator {
        /// Index in `pageGenerators`.
        index: usize,
    },
    /// `pageProcessors[index]`.
    PageProcessor {
        /// Index in `pageProcessors`.
        index: usize,
    },
    /// `routers[router].branches[branch].pageProcessors[index]`.
    Branch {
        /// Index in `routers`.
        router: usize,
        /// Index in the router's `branches`.
        branch: usize,
        /// Index in the branch's `pageProcessors`.
        index: usize,
    },
    /// The flow's legacy top-level `_exportId`.
    LegacyExport,
    /// The flow's legacy top-level `_importId`.
    LegacyImport,
}

/// One step of a flow: the `_id` of its export or import (the `stepId` of the error
/// operations), what it does, and where the flow holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FlowStep {
    /// The `_id` of the export or import.
    pub id: String,
    /// Export, lookup or import.
    pub step_type: StepType,
    /// Where the flow holds it.
    pub position: StepPosition,
}

impl types::Flow {
    /// Every step of the flow, in running order: the page generators, then the page
    /// processors, then the page processors of each router branch, then the legacy `_exportId` and `_importId`
    /// of a single-step flow. Entries without an id are skipped.
    ///
    /// ```
    /// use integrator_io::{types::Flow, StepType};
    ///
    /// let flow: Flow = serde_json::from_str(r#"{
    ///     "pageGenerators": [{"_exportId": "e1"}],
    ///     "pageProcessors": [{"type": "export", "_exportId": "l1"},
    ///                        {"type": "import", "_importId": "i1"}]
    /// }"#).unwrap();
    /// let steps: Vec<(String, StepType)> =
    ///     flow.steps().map(|s| (s.id, s.step_type)).collect();
    /// assert_eq!(steps, [
    ///     ("e1".to_string(), StepType::Export),
    ///     ("l1".to_string(), StepType::Lookup),
    ///     ("i1".to_string(), StepType::Import),
    /// ]);
    /// ```
    pub fn steps(&self) -> std::vec::IntoIter<FlowStep> {
        let mut steps = Vec::new();
        let generators = self.page_generators.as_deref().unwrap_or_default();
        for (index, generator) in generators.iter().enumerate() {
            if let Some(id) = generator.export_id.value() {
                steps.push(FlowStep {
                    id: id.clone(),
                    step_type: StepType::Export,
                    position: StepPosition::PageGenerator { index },
                });
            }
        }
        let processors = self.page_processors.as_deref().unwrap_or_default();
        for (index, processor) in processors.iter().enumerate() {
            if let Some((id, step_type)) = processor_step(processor) {
                steps.push(FlowStep {
                    id,
                    step_type,
                    position: StepPosition::PageProcessor { index },
                });
            }
        }
        steps.extend(branch_steps(self.routers.as_deref().unwrap_or_default()));
        let legacy = [
            (
                &self.export_id,
                StepType::Export,
                StepPosition::LegacyExport,
            ),
            (
                &self.import_id,
                StepType::Import,
                StepPosition::LegacyImport,
            ),
        ];
        for (id, step_type, position) in legacy {
            if let Some(id) = id.value() {
                steps.push(FlowStep {
                    id: id.clone(),
                    step_type,
                    position,
                });
            }
        }
        steps.into_iter()
    }
}

/// A typed page processor's id and step type.
fn processor_step(processor: &types::PageProcessor) -> Option<(String, StepType)> {
    let kind = processor.type_.value().map(|t| t.to_string());
    step_of(
        kind.as_deref(),
        processor.export_id.value().map(String::as_str),
        processor.import_id.value().map(String::as_str),
    )
}

/// A page processor's id and step type from its `type` and ids: `type` decides when
/// present; otherwise whichever id is set (an import id wins, as an export id alone
/// in a processor is a lookup).
fn step_of(
    kind: Option<&str>,
    export_id: Option<&str>,
    import_id: Option<&str>,
) -> Option<(String, StepType)> {
    let lookup = export_id.map(|id| (id.to_string(), StepType::Lookup));
    let import = import_id.map(|id| (id.to_string(), StepType::Import));
    match kind {
        Some("export") => lookup,
        Some("import") => import,
        _ => import.or(lookup),
    }
}

/// The page processors of every router branch.
fn branch_steps(routers: &[types::Router]) -> Vec<FlowStep> {
    let mut steps = Vec::new();
    for (router, value) in routers.iter().enumerate() {
        let branches = value.branches.as_deref().unwrap_or_default();
        for (branch, value) in branches.iter().enumerate() {
            let processors = value.page_processors.as_deref().unwrap_or_default();
            for (index, processor) in processors.iter().enumerate() {
                if let Some((id, step_type)) = processor_step(processor) {
                    steps.push(FlowStep {
                        id,
                        step_type,
                        position: StepPosition::Branch {
                            router,
                            branch,
                            index,
                        },
                    });
                }
            }
        }
    }
    steps
}
