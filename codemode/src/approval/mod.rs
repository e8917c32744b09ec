//! Calls that wait for a person's approval before they run.
//!
//! A function needs approval when its [`FunctionSpec`](crate::FunctionSpec) says so:
//! `#[codemode::tool(approval)]`, `#[codemode(approval)]` on a capability method,
//! [`HostFunction::require_approval`](crate::HostFunction::require_approval), or
//! [`Registry::require_approval`](crate::Registry::require_approval). Before such a
//! call runs, the run's [`Approver`] is asked; the MCP server's approver asks the
//! client's user through `elicitation/create`.

mod gate;

pub(crate) use gate::Gate;

use crate::value::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A call waiting for approval: what it calls, with what, and from which program.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// The function, as the program calls it after `codemode.`: `fs.write`.
    pub function: String,
    /// The call's keyword arguments.
    pub arguments: Value,
    /// The source of the program making the call, as it was given to the run.
    pub code: Arc<str>,
}

/// An answer to an [`ApprovalRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Approval {
    /// Run this call.
    Once,
    /// Run this call and every later call to the same function in this run, without
    /// asking again.
    ForRun,
    /// Do not run it: the call rejects with an `Error` saying it was not approved,
    /// followed by this reason (`the user declined`), which the program may catch.
    Deny(String),
}

/// The future an [`Approver`] answers with.
pub type ApprovalFuture = Pin<Box<dyn Future<Output = Approval> + Send + 'static>>;

/// Decides whether calls that need approval may run. Any
/// `Fn(ApprovalRequest) -> impl Future<Output = Approval>` is one.
///
/// A run asks its approver one question at a time, in the order the calls were made;
/// a call approved [`Approval::ForRun`] lets the calls to the same function that wait
/// behind it through. While calls wait, the run's timeout stands still, for at most
/// [`Limits::approval_timeout`](crate::Limits::approval_timeout) per call.
pub trait Approver: Send + Sync + 'static {
    /// Answers one request.
    fn approve(&self, request: ApprovalRequest) -> ApprovalFuture;
}

impl<F, Fut> Approver for F
where
    F: Fn(ApprovalRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Approval> + Send + 'static,
{
    fn approve(&self, request: ApprovalRequest) -> ApprovalFuture {
        Box::pin(self(request))
    }
}
