//! `--jq FILTER`: jq filters run in-process with the jaq crates (no external `jq`).

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, RcIter};
use jaq_json::Val;
use serde_json::Value;

use crate::exit::CliError;

/// A compiled filter.
pub struct Jq {
    filter: jaq_core::Filter<Native<Val>>,
}

impl Jq {
    /// Compiles `code` with jq's standard library; a filter that does not parse is a
    /// usage error.
    pub fn compile(code: &str) -> Result<Jq, CliError> {
        let bad = |what: String| CliError::usage(format!("--jq: {what}"));
        let loader = Loader::new(jaq_std::defs().chain(jaq_json::defs()));
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| bad(load_errors(errors)))?;
        let filter = Compiler::default()
            .with_funs(jaq_std::funs().chain(jaq_json::funs()))
            .compile(modules)
            .map_err(|errors| {
                let text = errors
                    .into_iter()
                    .flat_map(|(_, errors)| errors)
                    .map(|(name, undefined)| format!("undefined {} `{name}`", undefined.as_str()))
                    .collect::<Vec<_>>()
                    .join("; ");
                bad(text)
            })?;
        Ok(Jq { filter })
    }

    /// The filter's outputs for `input`.
    pub fn run(&self, input: Value) -> Result<Vec<Value>, CliError> {
        let inputs = RcIter::new(core::iter::empty());
        self.filter
            .run((Ctx::new([], &inputs), Val::from(input)))
            .map(|out| {
                out.map(Value::from)
                    .map_err(|e| CliError::other(format!("--jq: {e}")))
            })
            .collect()
    }
}

fn load_errors(errors: jaq_core::load::Errors<&str, ()>) -> String {
    use jaq_core::load::Error;
    let near = |s: &str| s.chars().take(20).collect::<String>();
    errors
        .into_iter()
        .flat_map(|(_, error)| match error {
            Error::Io(errors) => errors.into_iter().map(|(_, e)| e).collect::<Vec<_>>(),
            Error::Lex(errors) => errors
                .into_iter()
                .map(|(expect, at)| format!("expected {} near {:?}", expect.as_str(), near(at)))
                .collect(),
            Error::Parse(errors) => errors
                .into_iter()
                .map(|(expect, at)| format!("expected {} near {:?}", expect.as_str(), near(at)))
                .collect(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_run_and_keep_exact_numbers() {
        let jq = Jq::compile("{id: ._id, n: .n} | select(.n > 1)").unwrap();
        let n: Value = serde_json::from_str("12345678901234567890123").unwrap();
        let out = jq.run(json!({"_id": "a", "n": n})).unwrap();
        assert_eq!(
            out[0].to_string(),
            r#"{"id":"a","n":12345678901234567890123}"#
        );
        assert!(jq.run(json!({"_id": "b", "n": 0})).unwrap().is_empty());
    }

    #[test]
    fn a_bad_filter_is_a_usage_error() {
        let error = Jq::compile(".[ | nosuch").err().unwrap();
        assert_eq!(error.code, crate::exit::USAGE);
        let error = Jq::compile("nosuchfunction").err().unwrap();
        assert!(
            error.lines[0].contains("nosuchfunction"),
            "{:?}",
            error.lines
        );
    }
}
