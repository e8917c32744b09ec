//! Compile-time diagnostics of the codemode macros, checked with trybuild; and the
//! inputs of the macros' expansion snapshots, compiled here under `deny(warnings)` (and
//! clippy, with the workspace) so that the generated code stays clean.
#![deny(warnings, unused_qualifications)]

#[path = "../../codemode-macros/tests/expand/capability.rs"]
pub mod capability;
#[path = "../../codemode-macros/tests/expand/capability_description.rs"]
pub mod capability_description;
#[path = "../../codemode-macros/tests/expand/tool_approval.rs"]
pub mod tool_approval;
#[path = "../../codemode-macros/tests/expand/tool_keywords.rs"]
pub mod tool_keywords;
#[path = "../../codemode-macros/tests/expand/tool_sync_result_renamed.rs"]
pub mod tool_sync_result_renamed;
#[path = "../../codemode-macros/tests/expand/tool_whole_arguments.rs"]
pub mod tool_whole_arguments;
#[path = "../../codemode-macros/tests/expand/tool_without_result.rs"]
pub mod tool_without_result;
