//! A real browser for the tests that only a browser can answer (live reload, the error
//! overlay, later search): headless Chromium driven by ChromeDriver over WebDriver, the W3C
//! protocol, spoken with the blocking HTTP client tradekb already has (ureq) rather than an
//! async WebDriver crate, which would bring an async runtime into every test build.
//!
//! One ChromeDriver serves every test of the process; each test opens a session (a browser
//! of its own, with a fresh profile) and closes it when dropped. Chromium and ChromeDriver
//! come from Debian (`apt-get install chromium chromium-driver`; `.ci/run` installs them);
//! without them these tests fail and say so.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMEDRIVER: &str = "chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The ChromeDriver of this test process, started on first use, and its address.
struct Driver {
    _child: Mutex<Child>,
    url: String,
}

fn driver() -> &'static Driver {
    static DRIVER: OnceLock<Driver> = OnceLock::new();
    DRIVER.get_or_init(|| {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        assert!(
            Command::new(CHROMEDRIVER).arg("--version").output().is_ok(),
            "cannot run {CHROMEDRIVER}: apt-get install chromium chromium-driver"
        );
        // A test process ends without dropping its statics: a small shell stops ChromeDriver
        // within a second of the test process ending, so that none is left running.
        let watch = format!(
            "{CHROMEDRIVER} --port={port} & d=$!; \
             while kill -0 {} 2>/dev/null && kill -0 $d 2>/dev/null; do sleep 1; done; kill $d",
            std::process::id()
        );
        let child = Command::new("sh")
            .args(["-c", &watch])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh starts");
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while ureq::get(&format!("{url}/status")).call().is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "ChromeDriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            _child: Mutex::new(child),
            url,
        }
    })
}

/// One headless browser.
pub struct Browser {
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A browser window of `width` × `height` CSS pixels.
    pub fn open(width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            // The machine has no network but loopback; Chromium's own requests would fail.
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            // Several browsers run at once, each in a window of its own: none may be slowed
            // down as a window in the background (Pagefind waits on timers while it loads).
            "--disable-background-timer-throttling".into(),
            "--disable-backgrounding-occluded-windows".into(),
            "--disable-renderer-backgrounding".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut chrome = json!({ "binary": CHROMIUM, "args": args });
        // Narrower than a desktop window can be: a phone, emulated.
        if width < 500 {
            chrome["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1 }
            });
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let reply = call("POST", "/session", Some(caps));
        let session = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_string();
        Browser {
            session,
            _profile: profile,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn goto(&self, url: &str) {
        call("POST", &self.path("/url"), Some(json!({ "url": url })));
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub fn eval(&self, script: &str) -> Value {
        let body = json!({ "script": script, "args": [] });
        call("POST", &self.path("/execute/sync"), Some(body))["value"].take()
    }

    /// Runs `script` (a function body) until it calls its last argument, `done(value)`;
    /// the value.
    pub fn eval_async(&self, script: &str) -> Value {
        let body = json!({ "script": script, "args": [] });
        call("POST", &self.path("/execute/async"), Some(body))["value"].take()
    }

    /// Pages in this browser from now on prefer a dark (or a light) colour scheme, as
    /// `prefers-color-scheme` reports it.
    pub fn prefer_dark(&self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.emulate_media("prefers-color-scheme", scheme);
    }

    /// Pages in this browser from now on are told the reader wants less motion
    /// (`prefers-reduced-motion: reduce`): they jump where they would scroll smoothly.
    pub fn prefer_less_motion(&self) {
        self.emulate_media("prefers-reduced-motion", "reduce");
    }

    fn emulate_media(&self, name: &str, value: &str) {
        let params = json!({ "features": [{ "name": name, "value": value }] });
        let body = json!({ "cmd": "Emulation.setEmulatedMedia", "params": params });
        call("POST", &self.path("/goog/cdp/execute"), Some(body));
    }

    /// The phone's screen becomes `width` × `height` (turned on its side), without a reload.
    pub fn turn(&self, width: u32, height: u32) {
        let params = json!({ "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": true });
        let body = json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": params });
        call("POST", &self.path("/goog/cdp/execute"), Some(body));
    }

    /// Every request from now on takes `latency` more, as on a slow phone network.
    pub fn slow_network(&self, latency: Duration) {
        let conditions = json!({ "offline": false, "latency": latency.as_millis() as u64,
            "download_throughput": 400_000, "upload_throughput": 100_000 });
        let body = json!({ "network_conditions": conditions });
        call(
            "POST",
            &self.path("/chromium/network_conditions"),
            Some(body),
        );
    }

    /// Runs `script` in every page this browser loads from now on, before the page's own.
    pub fn add_to_every_page(&self, script: &str) {
        let body = json!({ "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": script } });
        call("POST", &self.path("/goog/cdp/execute"), Some(body));
    }

    /// What the pages logged to the console since the last call: `(level, message)`.
    pub fn console(&self) -> Vec<(String, String)> {
        let body = json!({ "type": "browser" });
        let entries = call("POST", &self.path("/se/log"), Some(body))["value"].take();
        (entries.as_array().into_iter().flatten())
            .map(|e| {
                let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                (text("level"), text("message"))
            })
            .collect()
    }

    /// Waits until `script` returns `true`, failing with `what` after `within`.
    pub fn wait_until(&self, what: &str, within: Duration, script: &str) {
        let start = Instant::now();
        loop {
            if self.eval(script) == Value::Bool(true) {
                return;
            }
            assert!(start.elapsed() < within, "the page never showed {what}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = try_call("DELETE", &self.path(""), None);
    }
}

fn call(method: &str, path: &str, body: Option<Value>) -> Value {
    try_call(method, path, body).unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"))
}

fn try_call(method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let url = format!("{}{path}", driver().url);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let reply = match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        ("DELETE", _) => agent.delete(&url).call(),
        (_, body) => agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or(json!({})).to_string()),
    };
    let text = reply
        .map_err(|e| e.to_string())?
        .into_body()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
    match value["value"].get("error") {
        Some(error) => Err(format!("{error}: {}", value["value"]["message"])),
        None => Ok(value),
    }
}
