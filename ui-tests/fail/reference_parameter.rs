#[codemode::tool]
async fn shout(text: &str, words: &[String]) -> String {
    format!("{}{}", text.to_uppercase(), words.len())
}

fn main() {}
