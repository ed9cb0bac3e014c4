//! The request log, newest first, filtered by path and by failures; and one request with its
//! decoded body and answer.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{html_response, link, not_found, page, time};
use super::Ui;
use crate::request_log::{RecordFilter, RequestRecord};

/// Records per page.
const RECORDS_PER_PAGE: usize = 50;

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    path: Option<String>,
    failed: Option<String>,
    before: Option<u64>,
}

fn code_cell(record: &RequestRecord) -> Markup {
    html! {
        @match record.error_code() {
            Some(code) if code.0 == 0 && !record.failed() => span.ok { "0" },
            Some(code) => span.fail { (code.0) },
            None => span.fail { "HTTP " (record.status()) ", no envelope" },
        }
    }
}

fn latency(record: &RequestRecord) -> String {
    format!("{:.1} ms", record.latency().as_secs_f64() * 1000.0)
}

/// `GET /requests?path=&failed=1&before=`: a page of the log.
pub(crate) async fn list(State(ui): State<Ui>, Query(query): Query<ListQuery>) -> Response {
    let path = query.path.unwrap_or_default();
    let failed_only = query.failed.as_deref() == Some("1");
    let filter = RecordFilter {
        path: (!path.is_empty()).then(|| path.clone()),
        failed_only,
    };
    let (records, more) = ui.app.log.page(&filter, query.before, RECORDS_PER_PAGE);
    let mut paths: Vec<&str> = ui.app.routes.keys().copied().collect();
    paths.sort_unstable();
    let (capacity, max_bytes) = ui.app.log.bounds();
    let failed = if failed_only { "1" } else { "" };
    let body = html! {
        h1 { "Requests" }
        form.bar method="get" action="/requests" {
            label { "Path "
                select name="path" {
                    option value="" selected[path.is_empty()] { "all paths" }
                    @for p in &paths {
                        option value=(p) selected[*p == path] { (p) }
                    }
                }
            }
            label { input type="checkbox" name="failed" value="1" checked[failed_only]; " failed only" }
            input type="submit" value="Filter";
            span.note {
                (ui.app.log.len()) " kept of at most " (capacity) " requests and "
                (max_bytes / 1024) " KiB"
            }
        }
        @if capacity == 0 {
            p.note { "The request log is off (its capacity is 0)." }
        }
        table #requests {
            thead { tr {
                th.num { "#" } th { "Time (UTC)" } th { "Path" } th { "From_Account" }
                th { "ErrorCode" } th.num { "Latency" } th { "Fault injected" }
            } }
            tbody {
                @for record in &records {
                    tr {
                        td.num { a href=(link("/request", &[("id", &record.id().to_string())])) { (record.id()) } }
                        td { (time(i64::try_from(record.at()).unwrap_or(i64::MAX))) }
                        td { code { (record.path()) } }
                        td { (record.from_account().unwrap_or_default()) }
                        td { (code_cell(record)) }
                        td.num { (latency(record)) }
                        td { @if let Some(fault) = record.fault() { code { (fault.to_string()) } } }
                    }
                }
            }
        }
        @if records.is_empty() { p.note { "No request matches." } }
        div.pager {
            @if query.before.is_some() {
                a href=(link("/requests", &[("path", &path), ("failed", failed)])) { "⇤ Newest" }
            }
            @if let (true, Some(last)) = (more, records.last()) {
                a href=(link("/requests", &[("path", &path), ("failed", failed), ("before", &last.id().to_string())])) rel="next" { "Older →" }
            }
        }
    };
    html_response(page("Requests", "/requests", body))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DetailQuery {
    id: Option<u64>,
}

/// `bytes` as indented JSON when they are JSON, else as text (invalid UTF-8 replaced).
fn pretty(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// `GET /request?id=`: one request and its answer.
pub(crate) async fn detail(State(ui): State<Ui>, Query(query): Query<DetailQuery>) -> Response {
    let Some(record) = query.id.and_then(|id| ui.app.log.get(id)) else {
        return not_found(
            "/requests",
            "This request is not in the log: it was never made, or newer ones have taken its place.",
        );
    };
    let body = html! {
        h1 { "Request #" (record.id()) " " code { (record.path()) } }
        div.card {
            dl {
                dt { "Time (UTC)" } dd { (time(i64::try_from(record.at()).unwrap_or(i64::MAX))) }
                dt { "Endpoint type" } dd { code { (record.endpoint_type()) } }
                dt { "From_Account" } dd { (record.from_account().unwrap_or_default()) }
                dt { "Items" } dd { (record.items()) }
                dt { "HTTP status" } dd { (record.status()) }
                dt { "ErrorCode" } dd #code { (code_cell(&record)) }
                dt { "Latency" } dd { (latency(&record)) }
                dt { "Fault injected" } dd #fault {
                    @match record.fault() {
                        Some(fault) => code { (fault.to_string()) },
                        None => "none",
                    }
                }
            }
        }
        h2 { "Body (" (record.body_len()) " bytes)" }
        pre #body { (pretty(record.body())) }
        h2 { "Answer (" (record.answer().len()) " bytes)" }
        @if matches!(record.fault(), Some(crate::Fault::Truncate | crate::Fault::Lost)) {
            p.note { "The client got this answer cut off by the injected fault." }
        }
        pre #answer { (pretty(record.answer())) }
        p { a href="/requests" { "← All requests" } }
    };
    html_response(page(
        &format!("Request #{}", record.id()),
        "/requests",
        body,
    ))
}
