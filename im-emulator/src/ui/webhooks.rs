//! The webhooks the emulator sends: where they go, the counts, and the latest deliveries
//! newest first, each with its command, target, outcome, latency, the app's answer and the
//! items a "before" callback refused.
//!
//! Everything shown comes from the sender's status, which never holds the token nor a `Sign`:
//! the target URLs are kept without them.

use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};

use super::layout::{html_response, page};
use super::Ui;
use crate::webhooks::DeliveryRecord;

/// The most of an answer a delivery's row shows, in bytes; the sender keeps at most 1 KiB.
const SHOWN_ANSWER_BYTES: usize = 512;

/// `text` cut to at most `max` bytes on a character boundary, with `…` when cut.
fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn outcome(record: &DeliveryRecord) -> Markup {
    html! {
        @if record.delivered {
            span.ok { "HTTP " (record.status.unwrap_or(200)) }
        } @else {
            @if let Some(status) = record.status { span.fail { "HTTP " (status) } br; }
            @if let Some(error) = &record.error { span.fail { (error) } }
        }
    }
}

/// `GET /webhooks`: the webhook sender's status.
pub(crate) async fn view(State(ui): State<Ui>) -> Response {
    let status = ui.app.webhooks.as_ref().map(|sender| sender.status());
    let body = html! {
        h1 { "Webhooks" }
        @match &status {
            None => {
                div.card #webhooks-off {
                    p { "Webhooks are off: this emulator sends no callbacks." }
                    p {
                        "Start it with " code { "--webhook-url URL" } " (the app's callback URL) "
                        "to send Tencent's webhooks there, signed with a token from "
                        code { "--webhook-token-file PATH" } " or " code { "IM_WEBHOOK_TOKEN" }
                        "; as a library, use " code { "EmulatorBuilder::webhook" } "."
                    }
                }
            }
            Some(status) => {
                div.card {
                    dl {
                        dt { "Callback URL" }
                        dd #webhook-url { code { (status.url.as_deref().unwrap_or_default()) } }
                        dt { "Authentication" }
                        dd {
                            @if status.signed { "on: each delivery carries " code { "Sign" } " and " code { "RequestTime" } }
                            @else { "off: deliveries carry no " code { "Sign" } }
                        }
                        dt { "Delivered" } dd #delivered { (status.delivered) }
                        dt { "Failed" } dd #failed { (status.failed) " " span.note { "(dropped ones included)" } }
                        dt { "Dropped" } dd #dropped { (status.dropped) " " span.note { "(the queue was full)" } }
                    }
                }
                h2 { "Latest deliveries, newest first" }
                p.note { "The last " (status.recent.len()) " kept; target URLs are shown without " code { "Sign" } "." }
                table #deliveries {
                    thead { tr {
                        th.num { "#" } th { "Command" } th { "Target" } th { "Outcome" }
                        th.num { "Latency" } th { "Answer" } th { "Refused items" }
                    } }
                    tbody {
                        @for (n, record) in status.recent.iter().rev().enumerate() {
                            tr {
                                td.num { (n + 1) }
                                td { code { (record.command) } }
                                td.wrap { code { (record.url) } }
                                td { (outcome(record)) }
                                td.num { (record.latency_ms) " ms" }
                                td.wrap { @if !record.answer.is_empty() { code { (bounded(&record.answer, SHOWN_ANSWER_BYTES)) } } }
                                td {
                                    @for refusal in &record.refusals {
                                        code { (refusal.to_account) } ": " (refusal.result_code.code())
                                        @if !refusal.result_info.is_empty() { " " (refusal.result_info) }
                                        br;
                                    }
                                }
                            }
                        }
                    }
                }
                @if status.recent.is_empty() {
                    p.note { "Nothing sent yet: a call that changes friends, the blocklist or a profile sends its callback." }
                }
            }
        }
    };
    html_response(page("Webhooks", "/webhooks", body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_cut_on_a_character_boundary() {
        assert_eq!(bounded("short", 10), "short");
        assert_eq!(bounded("abcdef", 3), "abc…");
        assert_eq!(bounded("ééé", 3), "é…");
    }
}
