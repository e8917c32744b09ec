struct Weather;

#[codemode::capability(namespace = "the weather")]
impl Weather {
    async fn current(&self, city: String) -> f64 {
        city.len() as f64
    }
}

fn main() {}
