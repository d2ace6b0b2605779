//! A real `redis-server` for the shared-limiter tests and benchmark: started on a free
//! loopback port with no persistence, stopped (killed) when dropped.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    extra: Vec<String>,
}

/// Whether `redis-server` can be run; without it, `Err` says why.
pub fn available() -> Result<(), String> {
    match Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`redis-server --version` exited with {status}")),
        Err(e) => Err(format!(
            "redis-server is not installed ({e}); install the Debian package: \
             apt-get install -y redis-server"
        )),
    }
}

/// `Some(())` when the tests can run; `None` (with the reason printed) when
/// `redis-server` is missing on a developer's machine. In CI (`CI` set) a missing
/// `redis-server` fails the test instead.
pub fn required() -> Option<()> {
    match available() {
        Ok(()) => Some(()),
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("the shared rate-limiter tests need a real Redis: {reason}")
        }
        Err(reason) => {
            eprintln!("SKIPPED: {reason}");
            None
        }
    }
}

/// A loopback port nothing listens on (right now).
pub fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl RedisServer {
    /// Starts one on a free port.
    pub fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// Starts one on a free port with extra `redis-server` arguments (`--requirepass x`).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::start_on(free_port(), extra) {
                Ok(server) => return server,
                Err(e) => last = e,
            }
        }
        panic!("redis-server did not start: {last}");
    }

    /// Starts one on `port` (again, after [`stop`](Self::stop)).
    pub fn start_on(port: u16, extra: &[&str]) -> Result<RedisServer, String> {
        let mut server = RedisServer {
            child: None,
            port,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        server.restart()?;
        Ok(server)
    }

    /// Starts the stopped server again on the same port and settings.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        let dir = std::env::temp_dir();
        let mut child = Command::new("redis-server")
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--daemonize", "no"])
            .arg("--dir")
            .arg(&dir)
            .args(["--enable-debug-command", "yes"])
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run redis-server: {e}"))?;
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("redis-server exited at once: {status}"));
            }
            if self.ping() {
                self.child = Some(child);
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                return Err("redis-server did not answer PING within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it (no shutdown handshake: as a crash would).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    fn ping(&self) -> bool {
        // A password-protected server answers NOAUTH: it is up all the same.
        self.command(&["PING"])
            .is_ok_and(|answer| answer.starts_with("+PONG") || answer.starts_with("-NOAUTH"))
    }

    /// Sends one command (RESP) on a fresh connection, after `AUTH` when the server was
    /// started with `--requirepass`; answers the first reply as text.
    pub fn command(&self, args: &[&str]) -> Result<String, String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        if let Some(i) = self.extra.iter().position(|a| a == "--requirepass") {
            if let Some(password) = self.extra.get(i + 1) {
                send(&mut stream, &["AUTH", password])?;
                read_reply(&mut stream)?;
            }
        }
        send(&mut stream, args)?;
        read_reply(&mut stream)
    }

    /// Sends one command without waiting for its answer (`DEBUG SLEEP`).
    pub fn command_in_background(&self, args: &[&str]) {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let port = self.port;
        let extra = self.extra.clone();
        std::thread::spawn(move || {
            let server = RedisServer {
                child: None,
                port,
                extra,
            };
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let _ = server.command(&args);
        });
    }

    /// The keys matching `pattern` (`KEYS`, fine on a test server).
    pub fn keys(&self, pattern: &str) -> Vec<String> {
        let answer = self.command(&["KEYS", pattern]).unwrap_or_default();
        // *N\r\n$len\r\nkey\r\n...
        answer
            .split("\r\n")
            .skip(1)
            .filter(|line| !line.starts_with('$') && !line.is_empty())
            .map(str::to_string)
            .collect()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn send(stream: &mut TcpStream, args: &[&str]) -> Result<(), String> {
    let mut out = format!("*{}\r\n", args.len());
    for arg in args {
        out.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
    }
    stream.write_all(out.as_bytes()).map_err(|e| e.to_string())
}

/// Reads until a complete-looking reply (enough for status, error, integer and short
/// array replies).
fn read_reply(stream: &mut TcpStream) -> Result<String, String> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = Vec::new();
    loop {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
        if complete(&got) {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&got).into_owned())
}

fn complete(reply: &[u8]) -> bool {
    let text = String::from_utf8_lossy(reply);
    if !text.ends_with("\r\n") {
        return false;
    }
    match text.as_bytes().first() {
        Some(b'*') => {
            let count: usize = text[1..text.find('\r').unwrap_or(1)].parse().unwrap_or(0);
            // Each element of a flat array of bulk strings is two lines.
            text.matches("\r\n").count() > count * 2
        }
        Some(b'$') => text.matches("\r\n").count() >= 2 || text.starts_with("$-1"),
        _ => true,
    }
}
