struct Weather;

#[codemode::capability(namespace = "weather")]
impl Weather {
    #[codemode(skip = "yes")]
    async fn current(&self, city: String) -> f64 {
        city.len() as f64
    }
}

fn main() {}
