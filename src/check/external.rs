//! `check --external`: requests every external link once, several at a time but never more
//! than a few at once per host, each with a timeout, and says which ones fail and why.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct Options {
    pub timeout: Duration,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            per_host: 2,
        }
    }
}

/// The outcome of one external link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkReport {
    pub url: String,
    /// HTTP status of the final response, if one came.
    pub status: Option<u16>,
    /// Why it failed (a status, a timeout, a refused connection); none when it worked.
    pub error: Option<String>,
    /// Output files (e.g. `policies/x/index.html`) that hold the link.
    pub pages: Vec<String>,
}

impl LinkReport {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Checks each URL of `links` (URL → pages holding it). Results come in URL order.
pub fn check(links: &BTreeMap<String, Vec<String>>, options: &Options) -> Vec<LinkReport> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(concat!("tradekb-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let hosts = HostLimits::new(options.per_host.max(1));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.concurrency.max(1))
        .build();
    let run = || {
        links
            .par_iter()
            .map(|(url, pages)| {
                let _slot = hosts.acquire(host_of(url));
                let (status, error) = request(&agent, url);
                LinkReport {
                    url: url.clone(),
                    status,
                    error,
                    pages: pages.clone(),
                }
            })
            .collect()
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

fn request(agent: &ureq::Agent, url: &str) -> (Option<u16>, Option<String>) {
    let head = agent.head(url).call();
    let result = match head {
        // Some servers refuse HEAD; ask again the ordinary way before calling the link dead.
        Ok(r) if matches!(r.status().as_u16(), 403 | 405 | 501) => agent.get(url).call(),
        other => other,
    };
    match result {
        Ok(r) => {
            let status = r.status().as_u16();
            let error = (status >= 400).then(|| format!("HTTP {status}"));
            (Some(status), error)
        }
        Err(e) => (None, Some(describe(&e))),
    }
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(_) => "timed out".to_string(),
        ureq::Error::Io(io) => format!("connection failed: {io}"),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::TooManyRedirects => "too many redirects".to_string(),
        other => other.to_string(),
    }
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or(rest)
        .to_ascii_lowercase()
}

/// At most `limit` requests in flight per host.
struct HostLimits {
    limit: usize,
    busy: Mutex<BTreeMap<String, usize>>,
    freed: Condvar,
}

struct Slot<'a> {
    limits: &'a HostLimits,
    host: String,
}

impl HostLimits {
    fn new(limit: usize) -> Arc<HostLimits> {
        Arc::new(HostLimits {
            limit,
            busy: Mutex::new(BTreeMap::new()),
            freed: Condvar::new(),
        })
    }

    fn acquire(&self, host: String) -> Slot<'_> {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        while busy.get(&host).copied().unwrap_or(0) >= self.limit {
            busy = self.freed.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy.entry(host.clone()).or_default() += 1;
        Slot { limits: self, host }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut busy = self.limits.busy.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = busy.get_mut(&self.host) {
            *n -= 1;
        }
        self.limits.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_compared_without_case_or_path() {
        assert_eq!(host_of("https://Example.org/a?b#c"), "example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
    }
}
