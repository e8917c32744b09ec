struct Shelf {
    books: Vec<String>,
}

/// Books on a shelf.
#[codemode::capability(namespace = "shelf")]
impl Shelf {
    /// What is on the shelf.
    #[codemode(describe)]
    fn contents(&self) -> String {
        self.books.join(", ")
    }

    /// How many books there are.
    #[codemode(describe)]
    fn count(&self) -> String {
        self.books.len().to_string()
    }
}

fn main() {}
