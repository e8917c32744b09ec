fn main() {
    let mut limits = codemode::Limits::default();
    limits.host_calls_in_flight = 0;
}
