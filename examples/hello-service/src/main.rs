//! hello-service: answers `GET /health` with `ok` and every other path with a greeting.
//! `hello-service --version` prints the version (the image's smoke test).
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn response(path: &str) -> (u16, String) {
    match path {
        "/health" => (200, "ok\n".to_string()),
        _ => (200, format!("hello from hello-service {}\n", env!("CARGO_PKG_VERSION"))),
    }
}

fn main() -> std::io::Result<()> {
    if std::env::args().any(|a| a == "--version") {
        println!("hello-service {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    eprintln!("hello-service listening on {port}");
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut request_line = String::new();
        BufReader::new(&stream).read_line(&mut request_line)?;
        let path = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (status, body) = response(path);
        write!(stream, "HTTP/1.1 {status} OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())?;
    }
    Ok(())
}
