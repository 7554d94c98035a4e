//! Sends pre-encoded OTLP/HTTP protobuf requests from a fixed number of connections, as an
//! exporter fleet would: each connection posts one request at a time, retries a 503 or 429
//! after the server's `Retry-After` (capped at 1 s), and records when each request was
//! acknowledged. A request counts as acknowledged only on a 2xx.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The outcome of sending every body once.
#[derive(Debug, Clone)]
pub struct LoadOutcome {
    /// From the first send to the last answer.
    pub elapsed: Duration,
    /// Per acknowledged request: first send to its 2xx (retries included).
    pub latencies: Vec<Duration>,
    /// Per request (by index): when, after the start, it was acknowledged; `None` if never.
    pub acknowledged_at: Vec<Option<Duration>>,
    /// 503/429 answers that were retried.
    pub retries: u64,
}

impl LoadOutcome {
    /// The latency at quantile `q` (0–1), in milliseconds.
    pub fn latency_ms(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        quantile(&sorted, q).as_secs_f64() * 1000.0
    }

    /// Requests acknowledged.
    pub fn acknowledged(&self) -> usize {
        self.acknowledged_at.iter().flatten().count()
    }
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// Retries of one request before the run is declared failed (the server never recovered).
const MAX_RETRIES: u32 = 600;

/// Posts every body of `bodies` once to `endpoint` from `connections` concurrent tasks.
pub async fn send_all(
    endpoint: &str,
    bodies: Arc<Vec<Vec<u8>>>,
    connections: usize,
) -> Result<LoadOutcome> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .tcp_nodelay(true)
        .build()
        .context("cannot build the HTTP client")?;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections.max(1) {
        let (client, bodies, next) = (client.clone(), bodies.clone(), next.clone());
        let endpoint = endpoint.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut done = Vec::new();
            let mut retries = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let sent = Instant::now();
                retries += post_until_acknowledged(&client, &endpoint, body).await?;
                done.push((i, sent.elapsed(), started.elapsed()));
            }
            anyhow::Ok((done, retries))
        }));
    }
    let mut outcome = LoadOutcome {
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(bodies.len()),
        acknowledged_at: vec![None; bodies.len()],
        retries: 0,
    };
    for task in tasks {
        let (done, retries) = task.await.context("a sender panicked")??;
        outcome.retries += retries;
        for (i, latency, at) in done {
            outcome.latencies.push(latency);
            outcome.acknowledged_at[i] = Some(at);
        }
    }
    outcome.elapsed = started.elapsed();
    Ok(outcome)
}

/// Posts `body` until a 2xx; returns how many 503/429 answers were retried.
async fn post_until_acknowledged(
    client: &reqwest::Client,
    endpoint: &str,
    body: &[u8],
) -> Result<u64> {
    for retry in 0..=MAX_RETRIES {
        let response = client
            .post(endpoint)
            .header("content-type", "application/x-protobuf")
            .body(body.to_vec())
            .send()
            .await
            .with_context(|| format!("POST {endpoint} failed"))?;
        let status = response.status();
        let wait = retry_after(&response);
        let _ = response.bytes().await;
        if status.is_success() {
            return Ok(u64::from(retry));
        }
        if status != 503 && status != 429 {
            bail!("{endpoint} answered {status}");
        }
        tokio::time::sleep(wait).await;
    }
    bail!("{endpoint} still refused a request after {MAX_RETRIES} retries")
}

/// The server's `Retry-After` in seconds, capped at 1 s (10 ms without one).
fn retry_after(response: &reqwest::Response) -> Duration {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .map(|secs| Duration::from_secs_f64(secs.clamp(0.0, 1.0)))
        .unwrap_or(Duration::from_millis(10))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::discard_receiver;
    use crate::bench::load_spans::LoadSpans;

    #[tokio::test]
    async fn every_body_is_acknowledged_by_the_receiver() {
        let receiver = discard_receiver::spawn(([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let load = LoadSpans { seed: 3, batch: 20 };
        let bodies = Arc::new((0..7).map(|r| load.encode_request(r)).collect());
        let endpoint = format!("http://{}/v1/traces", receiver.local_addr());
        let outcome = send_all(&endpoint, bodies, 3).await.unwrap();
        assert_eq!(outcome.acknowledged(), 7);
        assert_eq!(outcome.latencies.len(), 7);
        assert!(outcome.latency_ms(0.99) >= outcome.latency_ms(0.5));
        assert_eq!(receiver.stop().await.unwrap().spans, 140);
    }

    #[tokio::test]
    async fn a_refusal_other_than_overload_fails_the_run() {
        let receiver = discard_receiver::spawn(([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let endpoint = format!("http://{}/v1/traces", receiver.local_addr());
        let bodies = Arc::new(vec![vec![0xff, 0xff]]);
        let err = send_all(&endpoint, bodies, 1).await.unwrap_err();
        assert!(err.to_string().contains("400"), "{err:#}");
    }
}
