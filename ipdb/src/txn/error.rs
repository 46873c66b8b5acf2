//! What a commit reports: the step or hook that failed (with the kernel's
//! own error), and, when the rollback could not put everything back,
//! exactly what it could not and why, beside the original error.

use std::fmt;

use crate::error::Error;

/// A step that failed: its place in the plan, what it was in `ip(8)`
/// words, and the error (errno and the kernel's message inside).
#[derive(Debug)]
pub struct StepFailure {
    /// Position of the step in commit order (0-based).
    pub step: usize,
    /// The step in `ip(8)` words (`route add 10.0.0.0/24 via 192.0.2.1`).
    pub what: String,
    /// Why it failed. A step with no answer before the deadline has
    /// errno `ETIMEDOUT`.
    pub error: Error,
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {} ({}) failed: {}",
            self.step, self.what, self.error
        )
    }
}

/// Why a commit did not go through.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cause {
    /// The transaction could not be planned against the current state
    /// (nothing was sent).
    Plan(Error),
    /// A step failed or got no answer.
    Step(StepFailure),
    /// A commit hook vetoed.
    Hook {
        /// The hook's name.
        name: String,
        /// The hook's reason.
        reason: String,
    },
    /// The commit was not confirmed in time ([`super::Pending`]).
    NotConfirmed,
    /// The commit was rolled back on request before its deadline
    /// ([`super::Pending::rollback`]).
    RolledBack,
    /// The state could not be read (before, or to verify after).
    Read(Error),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Plan(e) => write!(f, "cannot plan the transaction: {e}"),
            Cause::Step(s) => write!(f, "{s}"),
            Cause::Hook { name, reason } => write!(f, "commit hook {name:?} vetoed: {reason}"),
            Cause::NotConfirmed => f.write_str("the commit was not confirmed in time"),
            Cause::RolledBack => f.write_str("the commit was rolled back on request"),
            Cause::Read(e) => write!(f, "cannot read the state: {e}"),
        }
    }
}

/// Something a rollback could not put back.
#[derive(Debug)]
pub struct RollbackIssue {
    /// The inverse step in `ip(8)` words, or the object that differs.
    pub what: String,
    /// The kernel's (or socket's) error, when an inverse step failed.
    pub error: Option<Error>,
}

impl fmt::Display for RollbackIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(e) => write!(f, "{}: {e}", self.what),
            None => f.write_str(&self.what),
        }
    }
}

/// A commit that did not go through. Everything it had applied was undone
/// (in reverse order) unless `rollback` says otherwise; `verified` says
/// whether the touched objects were read back equal to before.
#[derive(Debug)]
pub struct CommitError {
    /// The original failure (boxed: errors stay small to return).
    pub cause: Box<Cause>,
    /// How many steps had been applied (and were undone).
    pub applied: usize,
    /// What the rollback could not restore, each with its reason; empty
    /// when the rollback restored everything.
    pub rollback: Vec<RollbackIssue>,
    /// Whether the state after the rollback was read and found equal to
    /// the state before in every touched object.
    pub verified: bool,
}

impl CommitError {
    pub(crate) fn before_sending(cause: Cause) -> CommitError {
        CommitError {
            cause: Box::new(cause),
            applied: 0,
            rollback: Vec::new(),
            verified: true,
        }
    }

    /// The errno of the original failure, when it has one.
    pub fn errno(&self) -> Option<i32> {
        match &*self.cause {
            Cause::Plan(e) | Cause::Read(e) => e.errno(),
            Cause::Step(s) => s.error.errno(),
            _ => None,
        }
    }

    /// Whether the rollback restored everything (and it was verified).
    pub fn rolled_back_cleanly(&self) -> bool {
        self.rollback.is_empty() && self.verified
    }
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cause)?;
        if self.applied > 0 {
            write!(f, "; {} applied step(s) rolled back", self.applied)?;
        }
        if !self.rollback.is_empty() {
            write!(f, "; the rollback could not restore:")?;
            for i in &self.rollback {
                write!(f, " [{i}]")?;
            }
        } else if !self.verified {
            f.write_str("; the restored state was not verified")?;
        }
        Ok(())
    }
}

impl std::error::Error for CommitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.cause {
            Cause::Plan(e) | Cause::Read(e) => Some(e),
            Cause::Step(s) => Some(&s.error),
            _ => None,
        }
    }
}
