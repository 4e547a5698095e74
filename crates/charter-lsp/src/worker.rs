//! Blocking work (file reads, compilation, simulation) runs here, off the
//! request loop: each job on a thread of its own, awaited with a deadline. A
//! job that misses its deadline is abandoned, never joined: the request gets
//! an error, and the thread ends whenever its read returns. A read can block
//! for good (a network drive that does not answer), so the number of live
//! jobs is capped instead of ever waiting for one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

/// The most jobs alive at once, stuck ones included.
pub const MAX_JOBS: usize = 64;

/// Why a job gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobError {
    /// The deadline passed; the job goes on alone.
    TimedOut,
    /// [`MAX_JOBS`] jobs are alive: reads are not returning.
    Busy,
    /// The job stopped without a result (it panicked), or no thread could start.
    Failed(String),
}

/// Starts jobs and counts the live ones. Cheap to clone: clones share the count.
#[derive(Clone, Debug, Default)]
pub struct Workers {
    live: Arc<AtomicUsize>,
}

impl Workers {
    /// Runs `job` on its own thread. The thread is detached: nothing waits for
    /// it to end, not even the runtime's shutdown.
    pub fn spawn(&self, job: impl FnOnce() + Send + 'static) -> Result<(), JobError> {
        let claimed = self
            .live
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MAX_JOBS).then_some(n + 1)
            });
        if claimed.is_err() {
            return Err(JobError::Busy);
        }
        let live = LiveJob(self.live.clone());
        std::thread::Builder::new()
            .name("charter-lsp-job".to_string())
            .spawn(move || {
                let _live = live;
                job();
            })
            .map(|_| ())
            .map_err(|e| JobError::Failed(format!("cannot start a thread: {e}")))
    }

    /// Runs `job` off the request loop and waits for its result until `deadline`.
    pub async fn run<T: Send + 'static>(
        &self,
        deadline: Instant,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JobError> {
        let (tx, rx) = oneshot::channel();
        self.spawn(move || {
            let _ = tx.send(job());
        })?;
        match tokio::time::timeout_at(deadline, rx).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err(JobError::Failed("the job stopped without a result".into())),
            Err(_) => Err(JobError::TimedOut),
        }
    }

    /// How many jobs are alive.
    pub fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }
}

/// Gives a job's slot back when its thread ends, however it ends.
struct LiveJob(Arc<AtomicUsize>);

impl Drop for LiveJob {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A duration for a message: `300 ms`, `10 s`, `1.5 s`.
pub fn seconds(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", (d.as_millis() / 100) as f64 / 10.0)
    }
}

/// `duration` from now.
pub fn after(duration: Duration) -> Instant {
    Instant::now() + duration
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use std::sync::mpsc;

    #[tokio::test]
    async fn a_stuck_job_is_abandoned_at_its_deadline() {
        let workers = Workers::default();
        let (release, stuck) = mpsc::channel::<()>();
        let result = workers
            .run(after(Duration::from_millis(50)), move || {
                let _ = stuck.recv();
                1
            })
            .await;
        assert_eq!(result, Err(JobError::TimedOut));
        assert_eq!(workers.live(), 1);
        // Other jobs still run.
        assert_eq!(
            workers.run(after(Duration::from_secs(60)), || 2).await,
            Ok(2)
        );
        drop(release);
    }

    #[tokio::test]
    async fn a_panicking_job_fails_and_frees_its_slot() {
        let workers = Workers::default();
        let result: Result<(), _> = workers
            .run(after(Duration::from_secs(60)), || panic!("boom"))
            .await;
        assert!(matches!(result, Err(JobError::Failed(_))));
        while workers.live() > 0 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn too_many_stuck_jobs_make_new_ones_busy() {
        let workers = Workers::default();
        let (release, stuck) = mpsc::channel::<()>();
        let stuck = Arc::new(std::sync::Mutex::new(stuck));
        for _ in 0..MAX_JOBS {
            let stuck = stuck.clone();
            workers
                .spawn(move || {
                    let _ = stuck.lock().map(|s| s.recv());
                })
                .unwrap();
        }
        assert_eq!(
            workers.run(after(Duration::from_secs(60)), || ()).await,
            Err(JobError::Busy)
        );
        drop(release);
    }
}
