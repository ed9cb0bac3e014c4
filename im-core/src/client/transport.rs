//! HTTP: one pooled reqwest client that never follows a redirect nor sends a `Referer`, request
//! URLs on the current host (see `failover`), and bodies read within the client's
//! response-memory budget.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::budget::{Reservation, ResponseBudget};
use super::failover::{AwaitingResponse, Hosts};
use crate::error::TransportError;
use crate::redact::Scrubber;
use crate::Error;

/// Sends requests to the primary base URL, or to the backup while the primary is unreachable.
pub(super) struct Transport {
    http: reqwest::Client,
    hosts: Hosts,
    budget: Arc<ResponseBudget>,
}

impl Transport {
    pub(super) fn new(
        hosts: Hosts,
        timeout: Duration,
        connect_timeout: Duration,
        max_response_bytes: usize,
    ) -> Result<Self, Error> {
        // Every request URL carries the admin UserSig. A redirect would hand it (in the URL,
        // the `Referer`, and on 307/308 the body) to whatever host the answer names, so none is
        // followed: a 3xx answer is `Error::HttpStatus`. The service never redirects. There is
        // no way to bring one's own `reqwest::Client`, as it could follow redirects.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .map_err(|err| Error::HttpClient(TransportError::new(err, &Scrubber::none())))?;
        Ok(Self {
            http,
            hosts,
            budget: ResponseBudget::new(max_response_bytes),
        })
    }

    pub(super) fn hosts(&self) -> &Hosts {
        &self.hosts
    }

    #[cfg(test)]
    pub(super) fn budget(&self) -> &Arc<ResponseBudget> {
        &self.budget
    }

    /// `base/path?auth&random=..&contenttype=json` on the current host, with a fresh `random`.
    pub(super) fn url(&self, path: &str, auth: &str) -> String {
        url(self.hosts.current().1, path, auth)
    }

    /// Posts `body` and reads the answer, holding the body's bytes of the budget until the
    /// returned reservation is dropped.
    pub(super) async fn send(
        &self,
        path: &str,
        auth: &str,
        body: Bytes,
        timeout: Duration,
        scrubber: &Scrubber<'_>,
    ) -> Result<(u16, Vec<u8>, Reservation), Error> {
        let transport = |err| Error::transport(err, timeout, scrubber);
        let (host, base_url) = self.hosts.current();
        let awaiting = AwaitingResponse::new(&self.hosts, host, timeout);
        let sent = self
            .http
            .post(url(base_url, path, auth))
            .timeout(timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        let mut response = match sent {
            Ok(response) => {
                awaiting.answered();
                response
            }
            // Only a host that cannot be reached moves calls: no connection (refused, DNS, TLS
            // handshake, connect timeout) or no response within the timeout. A connection reset
            // or closed under a request is often a pooled keep-alive connection the server
            // closed as it was reused; the retry on a new connection settles it, without a
            // cool-down on the backup. A request that could not be built is no fault of the host.
            Err(err) if err.is_connect() || err.is_timeout() => {
                let err = transport(err);
                awaiting.unreachable(&err);
                return Err(err);
            }
            Err(err) => {
                awaiting.inconclusive();
                return Err(transport(err));
            }
        };
        let status = response.status().as_u16();
        let limit = self.budget.limit();
        let too_large = || Error::BodyTooLarge {
            limit,
            path: None,
            attempts: crate::Attempts::NONE,
        };
        let mut reservation = self.budget.empty();
        // A body of known length is reserved whole before any of it is read, so this call
        // never waits while holding part of the budget.
        if let Some(len) = response.content_length() {
            let len = usize::try_from(len).map_err(|_| too_large())?;
            if len > limit {
                return Err(too_large());
            }
            reservation.grow_to(len).await;
        }
        let mut buf = Vec::with_capacity(reservation.bytes().max(4096).min(limit));
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            let total = buf.len() + chunk.len();
            if total > limit {
                return Err(too_large());
            }
            reservation.grow_to(total).await;
            buf.extend_from_slice(&chunk);
        }
        Ok((status, buf, reservation))
    }
}

/// `base/path?auth&random=..&contenttype=json`, with a fresh `random`.
fn url(base_url: &str, path: &str, auth: &str) -> String {
    let random: u32 = fastrand::u32(..);
    format!("{base_url}/{path}?{auth}&random={random}&contenttype=json")
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;
    use std::sync::Arc;
    use std::time::Duration;

    use crate::{Client, Endpoint, RateLimit, RetryPolicy};

    /// A call whose answer is `BODY_LEN` bytes of JSON.
    #[derive(serde::Serialize)]
    struct Big;

    impl Endpoint for Big {
        const PATH: &'static str = "v4/test/big";
        const RATE: NonZeroU32 = NonZeroU32::MIN;
        type Response = crate::Empty;
    }

    const BODY_LEN: usize = 1500;

    #[tokio::test]
    async fn concurrent_bodies_share_one_budget() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        const CALLS: usize = 4;
        const BUDGET: usize = 4000; // more than BODY_LEN, less than CALLS * BODY_LEN
        let head = b"{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"Pad\":\"";
        let mut body = head.to_vec();
        body.resize(BODY_LEN - 2, b'x');
        body.extend_from_slice(b"\"}");
        let answer = [
            format!("HTTP/1.1 200 OK\r\ncontent-length: {BODY_LEN}\r\n\r\n").into_bytes(),
            body,
        ]
        .concat();
        // Each answer stops 100 bytes short of its end until released.
        let split = answer.len() - 100;
        let (release, released) = tokio::sync::watch::channel(false);
        let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server_started = Arc::clone(&started);
        tokio::spawn(async move {
            for _ in 0..CALLS {
                let (mut socket, _) = listener.accept().await.unwrap();
                let answer = answer.clone();
                let mut released = released.clone();
                let started = Arc::clone(&server_started);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let mut seen = Vec::new();
                    while !seen.ends_with(b"\r\n\r\nnull") {
                        let n = socket.read(&mut buf).await.unwrap();
                        assert!(n > 0, "{}", String::from_utf8_lossy(&seen));
                        seen.extend_from_slice(&buf[..n]);
                    }
                    socket.write_all(&answer[..split]).await.unwrap();
                    started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    released.wait_for(|go| *go).await.unwrap();
                    socket.write_all(&answer[split..]).await.unwrap();
                });
            }
        });
        let client = Client::builder(1400000000, "k3y", "admin")
            .base_url(base)
            .max_response_bytes(BUDGET)
            .rate_limit(RateLimit::Off)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
        let calls: Vec<_> = (0..CALLS)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.call(&Big).await })
            })
            .collect();
        let budget = Arc::clone(client.inner.transport.budget());
        // Wait (bounded) until every answer is on its way and the budget is settled: two bodies
        // fit, the other two wait for room before reading anything.
        tokio::time::timeout(Duration::from_secs(20), async {
            while started.load(std::sync::atomic::Ordering::SeqCst) < CALLS
                || budget.in_use() < 2 * BODY_LEN
            {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .unwrap();
        assert_eq!(budget.in_use(), 2 * BODY_LEN, "only two bodies fit at once");
        release.send(true).unwrap();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(budget.in_use(), 0, "every body gave its bytes back");
        assert!(budget.peak() <= BUDGET, "peak {}", budget.peak());
    }
}
