struct Report {
    lines: Vec<String>,
}

#[codemode::tool]
async fn report() -> Report {
    Report { lines: Vec::new() }
}

fn main() {}
