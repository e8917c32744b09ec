struct Weather;

#[codemode::capability(namespace = "weather")]
impl Default for Weather {
    fn default() -> Self {
        Weather
    }
}

fn main() {}
