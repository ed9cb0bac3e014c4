//! A throwaway `redis-server` on a free loopback port, for the benches that share a rate budget
//! between processes (`loopback_bench rate-shared`, `bulk_bench shards`).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `redis-server` on a free loopback port, without persistence, stopped when dropped.
#[derive(Debug)]
pub struct RedisServer(Child);

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `redis-server` (Debian package `redis-server`) and waits until it listens; returns it
/// and its URL, `redis://127.0.0.1:PORT/0`.
pub async fn start() -> Result<(RedisServer, String), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let child = Command::new("redis-server")
        .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("redis-server (Debian package redis-server): {e}"))?;
    let server = RedisServer(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok((server, format!("redis://127.0.0.1:{port}/0")));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("redis-server did not listen on port {port}"))
}
