struct Weather;

#[codemode::capability]
impl Weather {
    async fn current(&self, city: String) -> f64 {
        city.len() as f64
    }
}

fn main() {}
