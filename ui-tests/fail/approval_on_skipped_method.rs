struct Files;

#[codemode::capability(namespace = "files")]
impl Files {
    #[codemode(skip, approval)]
    async fn remove(&self, path: String) -> String {
        path
    }
}

fn main() {}
