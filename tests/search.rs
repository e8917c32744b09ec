//! Ranked search over tools, capabilities and methods.

use codemode::{Registry, SearchKind, ToolError};

/// Reads a text file.
#[codemode::tool]
async fn read_file(path: String) -> Result<String, ToolError> {
    Ok(path)
}

/// Reads every line of a log, newest first.
#[codemode::tool]
async fn tail_log(name: String, lines: Option<u32>) -> Vec<String> {
    vec![name; lines.unwrap_or(1) as usize]
}

/// Sends an email to a recipient.
#[codemode::tool]
async fn send_email(recipient: String, subject: String) -> bool {
    !recipient.is_empty() && !subject.is_empty()
}

/// Converts currencies at today's rate.
#[codemode::tool]
async fn convert(amount: f64, currency: String) -> f64 {
    amount * currency.len() as f64
}

/// Calendar events.
struct Calendar;

/// Events in the team calendar.
#[codemode::capability(namespace = "calendar")]
impl Calendar {
    /// Lists upcoming events.
    async fn upcoming(&self, days: u32) -> Vec<String> {
        vec![String::new(); days as usize]
    }

    /// Creates an event.
    async fn create_event(&self, title: String) -> String {
        title
    }
}

fn registry() -> Registry {
    let mut registry = Registry::with_collected_tools().expect("unique names");
    registry.capability(Calendar).expect("a unique namespace");
    registry
}

fn names(query: &str) -> Vec<String> {
    registry()
        .search(query, 10)
        .into_iter()
        .map(|hit| hit.name)
        .collect()
}

#[test]
fn exact_name_ranks_first() {
    assert_eq!(names("read_file")[0], "read_file");
    assert_eq!(names("readFile")[0], "read_file");
    assert_eq!(names("calendar.upcoming")[0], "calendar.upcoming");
}

#[test]
fn name_prefix_beats_word_and_description_matches() {
    let found = names("send");
    assert_eq!(found[0], "send_email");
}

#[test]
fn words_match_across_case_styles() {
    assert_eq!(names("create event")[0], "calendar.create_event");
    assert_eq!(names("EMAIL")[0], "send_email");
}

#[test]
fn descriptions_and_parameters_are_searched() {
    assert_eq!(names("currencies")[0], "convert");
    assert_eq!(names("recipient")[0], "send_email");
    assert!(names("newest").contains(&"tail_log".to_owned()));
}

#[test]
fn namespaces_are_results_with_their_methods_signatures() {
    let hits = registry().search("calendar", 10);
    let namespace = hits
        .iter()
        .find(|hit| hit.kind == SearchKind::Capability)
        .expect("the namespace");
    assert_eq!(namespace.name, "calendar");
    assert_eq!(namespace.description, "Events in the team calendar.");
    assert!(
        namespace
            .signature
            .contains("codemode.calendar.upcoming(args: { days: number; }): Promise<string[]>"),
        "{}",
        namespace.signature
    );
    assert!(hits
        .iter()
        .any(|hit| hit.kind == SearchKind::Method && hit.name == "calendar.create_event"));
}

#[test]
fn hits_carry_kind_description_and_signature() {
    let hit = registry().search("read_file", 1).remove(0);
    assert_eq!(hit.kind, SearchKind::Tool);
    assert_eq!(hit.description, "Reads a text file.");
    assert_eq!(
        hit.signature,
        "codemode.read_file(args: { path: string; }): Promise<string>"
    );
}

#[test]
fn limit_caps_the_results() {
    assert_eq!(registry().search("e", 2).len(), 2);
    assert!(registry().search("read", 0).is_empty());
}

#[test]
fn blank_or_unmatched_queries_give_no_results() {
    assert!(registry().search("", 10).is_empty());
    assert!(registry().search("   ", 10).is_empty());
    assert!(registry().search("zzzzqqq", 10).is_empty());
}
