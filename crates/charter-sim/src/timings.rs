//! `CHARTER_TIMINGS`: with it set, each step of a run reports its wall
//! time on standard error (for benchmarks and profiles; never part of any
//! output). The one reader of the variable: the CLI's load and total steps
//! and the engine's phases go through it.

use std::time::Instant;

/// Times the steps of a run, one after the other.
pub struct Timings {
    on: bool,
    start: Instant,
    last: Instant,
}

impl Timings {
    pub fn new() -> Timings {
        let now = Instant::now();
        Timings {
            on: std::env::var_os("CHARTER_TIMINGS").is_some(),
            start: now,
            last: now,
        }
    }

    /// Reports the time since the previous step (or the start).
    pub fn step(&mut self, what: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!("timing: {what}: {:.3} s", (now - self.last).as_secs_f64());
            self.last = now;
        }
    }

    /// Reports the time since the start.
    pub fn total(&self) {
        if self.on {
            eprintln!("timing: total: {:.3} s", self.start.elapsed().as_secs_f64());
        }
    }
}

impl Default for Timings {
    fn default() -> Self {
        Timings::new()
    }
}
