struct Files;

#[codemode::capability(namespace = "files")]
impl Files {
    #[codemode(describe, approval)]
    fn folders(&self) -> String {
        "none".to_owned()
    }
}

fn main() {}
