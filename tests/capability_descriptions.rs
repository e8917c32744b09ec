//! Capabilities say what their instance allows: in the namespace's description, the
//! TypeScript declarations and search results, so that a model's first call can be right.

use codemode::{EnvCapability, FsCapability, HttpCapability, Registry, SearchKind};

/// Books on a configurable set of shelves.
struct Library {
    shelves: Vec<String>,
}

/// Books on shelves.
#[codemode::capability(namespace = "library")]
impl Library {
    /// Lists the books on a shelf.
    async fn books(&self, shelf: String) -> Vec<String> {
        vec![format!("a book on {shelf}")]
    }

    /// The shelves this library has.
    #[codemode(describe)]
    fn shelves(&self) -> String {
        format!("Shelves: {}.", self.shelves.join(", "))
    }
}

/// Without a describing method, the description is the doc comment alone.
struct Clock;

/// Tells the time.
#[codemode::capability(namespace = "clock")]
impl Clock {
    /// Seconds since the epoch.
    async fn now(&self) -> u64 {
        0
    }
}

fn built_ins() -> Registry {
    let mut registry = Registry::new();
    registry
        .capability(FsCapability::new(["./data", "/srv/shared"]).with_max_bytes(64 * 1024))
        .and_then(|r| r.capability(EnvCapability::new(["USER", "LANG"])))
        .and_then(|r| r.capability(HttpCapability::new(["api.example.com", "localhost:8080"])))
        .expect("unique namespaces");
    registry
}

fn description<'a>(registry: &'a Registry, namespace: &str) -> &'a str {
    registry
        .namespaces()
        .find(|(name, _)| *name == namespace)
        .map(|(_, description)| description)
        .expect("the namespace is registered")
}

#[test]
fn built_in_capabilities_name_their_folders_keys_and_hosts() {
    let registry = built_ins();
    assert_eq!(
        description(&registry, "fs"),
        "Read and write files inside the allowed folders, as text or as bytes.\nAllowed folders: `./data`, `/srv/shared` (relative paths start at the working directory). Files up to 64 KiB."
    );
    assert_eq!(
        description(&registry, "env"),
        "Read allowed environment variables.\nAllowed keys: `USER`, `LANG`."
    );
    assert_eq!(
        description(&registry, "http"),
        "HTTP requests to allowed hosts.\nAllowed hosts: `api.example.com`, `localhost:8080` (http and https; a host given with a port allows that port only). Response bodies up to 5 MiB."
    );
}

#[test]
fn an_empty_allowlist_says_that_every_call_fails() {
    let mut registry = Registry::new();
    registry
        .capability(EnvCapability::new(Vec::<String>::new()))
        .expect("a namespace");
    assert!(description(&registry, "env").ends_with("\nNo variable is allowed: every call fails."));
}

#[test]
fn declarations_carry_the_instance_description_once_per_namespace() {
    let declarations = built_ins().typescript();
    assert!(
        declarations.contains("  /**\n   * Read allowed environment variables.\n   * Allowed keys: `USER`, `LANG`.\n   */\n  env: {"),
        "{declarations}"
    );
    assert_eq!(
        declarations.matches("Allowed folders:").count(),
        1,
        "{declarations}"
    );
    assert!(
        declarations.contains("Allowed hosts: `api.example.com`"),
        "{declarations}"
    );
}

#[test]
fn search_results_for_methods_carry_what_their_capability_allows() {
    let registry = built_ins();
    let hits = registry.search("read file", 3);
    let read = hits
        .iter()
        .find(|hit| hit.name == "fs.read")
        .expect("fs.read is found");
    assert_eq!(read.kind, SearchKind::Method);
    assert!(
        read.description
            .starts_with("Reads a UTF-8 text file.\nAllowed folders: `./data`"),
        "{read:?}"
    );
    let hits = registry.search("environment", 5);
    let env = hits
        .iter()
        .find(|hit| hit.name == "env")
        .expect("the namespace is found");
    assert!(
        env.description.ends_with("Allowed keys: `USER`, `LANG`."),
        "{env:?}"
    );
    assert!(registry
        .search("api.example.com", 5)
        .iter()
        .any(|hit| hit.name == "http.fetch"));
}

#[test]
fn a_user_capability_describes_its_instance_with_a_marked_method() {
    let mut registry = Registry::new();
    registry
        .capability(Library {
            shelves: vec!["poetry".into(), "physics".into()],
        })
        .and_then(|r| r.capability(Clock))
        .expect("unique namespaces");
    assert_eq!(
        description(&registry, "library"),
        "Books on shelves.\nShelves: poetry, physics."
    );
    assert_eq!(description(&registry, "clock"), "Tells the time.");
    assert!(
        registry.get("library.shelves").is_none(),
        "the describing method is not a host function"
    );
    let hit = &registry.search("books", 1)[0];
    assert_eq!(
        hit.description,
        "Lists the books on a shelf.\nShelves: poetry, physics."
    );
    let library = Library {
        shelves: vec!["art".into()],
    };
    assert_eq!(
        library.shelves(),
        "Shelves: art.",
        "the method stays callable from Rust"
    );
}
