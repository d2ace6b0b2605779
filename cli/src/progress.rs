//! The progress line of a listing: on stderr when it is a terminal, nothing otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner counting items, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A spinner when stderr is a terminal.
    pub fn new() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} items ({per_sec}, {elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// `count` items so far.
    pub fn tick(&self, count: u64) {
        if let Some(bar) = &self.0 {
            bar.set_position(count);
        }
    }

    /// Clears the line.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
