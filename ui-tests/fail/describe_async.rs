struct Shelf {
    books: Vec<String>,
}

/// Books on a shelf.
#[codemode::capability(namespace = "shelf")]
impl Shelf {
    /// What is on the shelf.
    #[codemode(describe)]
    async fn contents(&self) -> String {
        self.books.join(", ")
    }
}

fn main() {}
