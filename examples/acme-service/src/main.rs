fn main() {
    if std::env::args().any(|a| a == "--version") {
        println!("acme-billing {}", env!("CARGO_PKG_VERSION"));
        return;
    }
    println!("acme-billing: nothing to bill today");
}
