//! Integrations as code for integrator.io: pull an integration into a directory of
//! files (one per resource, account ids as references, secrets never written), diff
//! any two (directories or live integrations), and plan and apply a tree to another
//! account: in dependency order, read-modify-write, idempotent and resumable.
//!
//! The `integrator` program mounts [`cli::SyncCommand`] and calls [`cli::run`] with
//! its profiles; the functions below are the same operations as a library.
//!
//! ```no_run
//! # async fn demo(source: integrator_io::Client, target: integrator_io::Client) -> Result<(), integrator_io_sync::SyncError> {
//! use integrator_io_sync::{apply, diff_trees, plan, pull, ApplyOptions, Ignore, Journal, PlanOptions, Remote, Tree};
//! use std::path::Path;
//!
//! let dir = Path::new("shopify-netsuite");
//! let source = Remote::new(source);
//! pull(&source, "Shopify - NetSuite").await?.tree.write(dir)?;
//!
//! let target = Remote::new(target);
//! let mut journal = Journal::load(dir, &target)?;
//! let plan = plan(Tree::read(dir)?, &target, &journal, &PlanOptions::default()).await?;
//! apply(&plan, &target, &mut journal, dir, &ApplyOptions::default()).await?;
//!
//! let after = pull(&target, plan.target_integration().unwrap_or_default()).await?;
//! assert!(diff_trees(&Tree::read(dir)?, &after.tree, &Ignore::default()).is_empty());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod apply;
pub mod cli;
mod connection_map;
mod diff;
mod error;
mod ignore;
mod journal;
mod kind;
mod merge;
mod normalize;
mod plan;
mod pull;
mod remote;
mod tree;

pub use apply::{apply, ApplyOptions, ApplyReport};
pub use connection_map::ConnectionMap;
pub use diff::{diff_trees, diff_values, ChangeKind, FieldChange, ResourceChange};
pub use error::{Problem, SyncError};
pub use ignore::Ignore;
pub use journal::Journal;
pub use kind::{slug, Key, Kind};
pub use normalize::{MASK, REF_PREFIX, SECRET, VOLATILE_FIELDS};
pub use plan::{plan, Action, Match, MatchedBy, Plan, PlanOptions, Step};
pub use pull::{pull, Snapshot};
pub use remote::{Doc, Remote};
pub use tree::{canonical, Resource, Tree, WriteSummary, MANIFEST, STATE_DIR, VOLATILE_DIR};
