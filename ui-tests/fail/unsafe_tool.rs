#[codemode::tool]
async unsafe fn peek(address: usize) -> u8 {
    address as u8
}

fn main() {}
