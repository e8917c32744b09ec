struct Weather;

#[codemode::capability(namespace = "weather")]
impl Weather {
    async fn current(&self, city: String) -> f64 {
        city.len() as f64
    }

    #[codemode(name = "current")]
    async fn now(&self, city: String) -> f64 {
        city.len() as f64
    }
}

fn main() {}
