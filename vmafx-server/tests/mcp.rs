//! The Model Context Protocol on stdio: `vmafx-server mcp` as an MCP client starts it.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

#[test]
fn initialize_list_and_score_over_stdio() {
    let dir = TempDir::new("mcp-stdio");
    let (reference, distorted) = samples();
    let root = reference.parent().unwrap().display().to_string();
    let mut launch = Launch::new(dir.path());
    launch.env.clear(); // stdio needs no token
    let mut child = launch
        .command()
        .args(["mcp", "--root", &root, "--data-dir"])
        .arg(dir.path().join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start vmafx-server mcp");
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel::<Value>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("stdout line");
            let message: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let _ = send.send(message);
        }
    });
    let mut send_line = |message: &str| {
        stdin.write_all(message.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    };
    let mut answers: HashMap<String, Value> = HashMap::new();
    let mut wait_for = |id: &str| -> Value {
        while !answers.contains_key(id) {
            let message = receive
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer for id {id}"));
            answers.insert(message["id"].to_string(), message);
        }
        answers.remove(id).unwrap()
    };

    send_line(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}}).to_string());
    let init = wait_for("1");
    assert_eq!(init["result"]["protocolVersion"], "2025-06-18");
    assert_eq!(
        init["result"]["capabilities"]["tools"]["listChanged"],
        false
    );
    send_line(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);

    send_line(r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#);
    let tools = wait_for("2");
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["score", "list_models", "list_backends", "get_job"]);
    for tool in tools["result"]["tools"].as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object");
    }

    send_line(&json!({"jsonrpc": "2.0", "id": "score-1", "method": "tools/call", "params": {
        "name": "score",
        "arguments": {"reference": file_uri(&reference), "distorted": file_uri(&distorted), "frames": true}}}).to_string());
    // Answered while the score runs: requests are handled concurrently.
    send_line(r#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#);
    assert_eq!(wait_for("3")["result"], json!({}));
    let score = wait_for("\"score-1\"");
    let result = &score["result"];
    assert_eq!(result["isError"], false, "{score}");
    assert_sample_vmaf(&result["structuredContent"]);
    assert_eq!(
        result["structuredContent"]["frames"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_sample_vmaf(&text);

    send_line(
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"list_models","arguments":{}}}"#,
    );
    let models = wait_for("4");
    assert!(
        models["result"]["structuredContent"]["models"]
            .as_array()
            .unwrap()
            .len()
            >= 9
    );
    send_line(
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_backends"}}"#,
    );
    assert_eq!(
        wait_for("5")["result"]["structuredContent"]["default"]["backend"],
        "cpu"
    );
    send_line(
        r#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_job","arguments":{"id":"0123456789abcdef0123456789abcdef"}}}"#,
    );
    let missing = wait_for("6");
    assert_eq!(missing["result"]["isError"], true);
    assert!(missing["result"]["content"][0]["text"]
        .as_str()
        .unwrap()
        .contains("not_found"));
    send_line(
        r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"score","arguments":{"reference":"file:///etc/passwd","distorted":"file:///etc/passwd"}}}"#,
    );
    assert_eq!(wait_for("7")["result"]["isError"], true);
    send_line(r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"nope"}}"#);
    assert_eq!(wait_for("8")["error"]["code"], -32602);
    send_line(r#"{"jsonrpc":"2.0","id":9,"method":"prompts/list"}"#);
    assert_eq!(wait_for("9")["error"]["code"], -32601);
    send_line("{not json");
    assert_eq!(wait_for("null")["error"]["code"], -32700);

    // End of input ends the server cleanly.
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    reader.join().unwrap();
}

/// The peak resident memory of a process, in bytes (Linux's `VmHWM`).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kib * 1024
}

#[test]
fn an_overlong_stdio_line_is_refused_without_being_held() {
    let dir = TempDir::new("mcp-long-line");
    let mut launch = Launch::new(dir.path());
    launch.env.clear();
    let mut child = launch
        .command()
        .args(["mcp", "--data-dir"])
        .arg(dir.path().join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start vmafx-server mcp");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let line_bytes = 64 << 20;
    // One message line far over --max-json-bytes (1 MiB by default), written in pieces.
    let piece = vec![b' '; 1 << 20];
    stdin
        .write_all(br#"{"jsonrpc":"2.0","id":1,"method":"ping","pad":""#)
        .unwrap();
    for _ in 0..line_bytes >> 20 {
        stdin.write_all(&piece).unwrap();
    }
    stdin.write_all(b"\"}\n").unwrap();
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n")
        .unwrap();
    stdin.flush().unwrap();
    let mut answer = |expect: &str| -> Value {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["id"].to_string(), expect, "{value}");
        value
    };
    let refused = answer("null");
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    assert_eq!(answer("2")["result"], json!({}));
    let peak = peak_rss(child.id());
    eprintln!(
        "a {} MiB line: refused; peak resident memory {:.1} MiB",
        line_bytes >> 20,
        peak as f64 / (1 << 20) as f64
    );
    assert!(
        peak < 48 << 20,
        "peak {peak} bytes for a {line_bytes}-byte line"
    );
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
