struct Shelf {
    books: Vec<String>,
}

/// Books on a shelf.
#[codemode::capability(namespace = "shelf")]
impl Shelf {
    /// What is on the shelf.
    #[codemode(describe)]
    fn contents(&self, separator: &str) -> String {
        self.books.join(separator)
    }
}

fn main() {}
