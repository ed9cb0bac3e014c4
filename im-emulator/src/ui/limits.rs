//! Each path's documented rate and its current use, the limits a client meets, and the fault
//! plan, which can be changed for the running emulator.

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{html_response, html_with_status, link, page, see_other};
use super::{forms, Ui, MAX_FORM_BYTES};
use crate::FaultPlan;

#[derive(Debug, Deserialize)]
pub(crate) struct ViewQuery {
    /// Set after a change, to say it was made.
    changed: Option<String>,
}

/// `GET /limits`.
pub(crate) async fn view(State(ui): State<Ui>, Query(query): Query<ViewQuery>) -> Response {
    html_response(render(&ui, query.changed.is_some(), None, None))
}

fn render(ui: &Ui, changed: bool, error: Option<&str>, typed: Option<&str>) -> Markup {
    let app = &ui.app;
    let mut routes: Vec<_> = app.routes.iter().collect();
    routes.sort_unstable_by_key(|(path, _)| **path);
    let plan = app.faults.plan();
    let spec = plan.to_string();
    let scripted = app.faults.scripted();
    let limits = &app.limits;
    let (capacity, max_bytes) = app.log.bounds();
    let action = link("/limits/faults", &[("csrf", ui.guard.token())]);
    let body = html! {
        h1 { "Limits & faults" }
        @if changed { p.flash { "The fault plan is changed: the next call rolls against it." } }
        @if let Some(error) = error { p.error #fault-error { (error) } }
        h2 { "Faults" }
        div.card {
            dl {
                dt { "Plan" } dd #fault-plan { @if spec.is_empty() { span.note { "none" } } @else { code { (spec) } } }
                dt { "Scripted, next first" } dd {
                    @if scripted.is_empty() { span.note { "none" } }
                    @for fault in &scripted { code { (fault.to_string()) } " " }
                }
                dt { "Injected so far" } dd #faults-injected { (app.faults.injected()) }
            }
            form method="post" action=(action) {
                p {
                    label { "New plan "
                        input #faults type="text" name="faults" size="70" value=(typed.unwrap_or(&spec))
                            placeholder="http502=0.1,code:30006=0.05,truncate=0.02,delay=200ms@0.05,reset=0.01,lost=0.01";
                    }
                    " "
                    input #set-faults type="submit" value="Set";
                }
                p.note {
                    "Kinds: " code { "http502" } ", " code { "code:N" } ", " code { "reset" } ", "
                    code { "delay=D@p" } " (D in ms or s), " code { "truncate" } ", " code { "lost" }
                    "; probabilities add up to at most 1. Empty: no faults."
                }
            }
        }
        h2 { "Rates" }
        p.note {
            @if routes.iter().any(|(_, served)| served.limiter.is_some()) {
                "Each path admits its documented rate with a one-second burst; past it the answer is 60007."
            } @else {
                "Rate limiting is off: every call is admitted."
            }
        }
        table #rates {
            thead { tr {
                th { "Path" } th.num { "Documented rate (calls/s)" } th.num { "Last second" }
                th.num { "This second" } th.num { "Admitted" } th.num { "Refused (60007)" }
            } }
            tbody {
                @for (path, served) in &routes {
                    @let usage = served.usage.figures();
                    tr {
                        td { code { (path) } }
                        td.num { (served.route.rate) }
                        td.num { (usage.last_second) }
                        td.num { (usage.this_second) }
                        td.num { (usage.admitted) }
                        td.num { (usage.refused) }
                    }
                }
            }
        }
        h2 { "Server limits" }
        div.card {
            dl {
                dt { "Connections at once" } dd { (limits.max_connections) }
                dt { "Request head and idle timeout" } dd { (format!("{:?}", limits.header_timeout)) }
                dt { "Body timeout" } dd { (format!("{:?}", limits.body_timeout)) }
                dt { "Largest body" } dd { (limits.max_body_bytes) " bytes" }
                dt { "Memory for bodies being received" } dd { (limits.body_memory_bytes) " bytes" }
                dt { "Request log" } dd { (app.log.len()) " of " (capacity) " requests, "
                    (app.log.bytes()) " of " (max_bytes) " bytes" }
            }
        }
    };
    page("Limits & faults", "/limits", body)
}

/// `POST /limits/faults` with `faults=SPEC`: replaces the fault plan.
pub(crate) async fn set_faults(State(ui): State<Ui>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields = match forms::urlencoded(&ui, &parts.headers, body, MAX_FORM_BYTES).await {
        Ok(fields) => fields,
        Err(err) => return err.into_response(),
    };
    let spec = fields.get("faults").map(String::as_str).unwrap_or("");
    match spec.parse::<FaultPlan>() {
        Ok(plan) => {
            ui.app.faults.set_plan(plan);
            see_other("/limits?changed=1")
        }
        Err(err) => html_with_status(
            StatusCode::BAD_REQUEST,
            render(&ui, false, Some(&err.to_string()), Some(spec)),
        ),
    }
}
