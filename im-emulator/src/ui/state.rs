//! The whole state: export as JSON, import (checked whole before anything changes), and reset
//! behind a confirmation step.

use std::sync::PoisonError;

use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{html_response, html_with_status, link, page, see_other};
use super::{forms, Ui, MAX_FORM_BYTES, MAX_IMPORT_BYTES};
use crate::state::snapshot::Snapshot;
use crate::state::World;

fn lock(ui: &Ui) -> std::sync::MutexGuard<'_, World> {
    ui.app.world.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Deserialize)]
pub(crate) struct ViewQuery {
    done: Option<String>,
}

/// `GET /state`.
pub(crate) async fn view(State(ui): State<Ui>, Query(query): Query<ViewQuery>) -> Response {
    let flash = match query.done.as_deref() {
        Some("imported") => Some("The state is imported."),
        Some("reset") => Some("The state is reset: there are no accounts."),
        _ => None,
    };
    html_response(render(&ui, flash, None))
}

fn render(ui: &Ui, flash: Option<&str>, error: Option<&str>) -> Markup {
    let (accounts, friendships, blocked, follows) = {
        let world = lock(ui);
        let sum =
            |f: fn(&crate::state::Account) -> usize| world.accounts.values().map(f).sum::<usize>();
        (
            world.accounts.len(),
            sum(|a| a.friends.len()),
            sum(|a| a.blocklist.len()),
            sum(|a| a.following.len()),
        )
    };
    let import_action = link("/state/import", &[("csrf", ui.guard.token())]);
    let body = html! {
        h1 { "State" }
        @if let Some(flash) = flash { p.flash #flash { (flash) } }
        @if let Some(error) = error { p.error #import-error { (error) } }
        div.card {
            dl {
                dt { "Accounts" } dd #account-total { (accounts) }
                dt { "Friend entries (one per side)" } dd { (friendships) }
                dt { "Blocklist entries" } dd { (blocked) }
                dt { "Follows" } dd { (follows) }
            }
        }
        h2 { "Export" }
        p {
            a #export href="/state/export" download="emulator-state.json" { "Download the state as JSON" }
            span.note { " (format " code { "tencent-im-emulator/state" } " version 1; "
                "the emulator also writes it on exit with " code { "--export-on-exit FILE" } ")" }
        }
        h2 { "Import" }
        form #import-form method="post" action=(import_action) enctype="multipart/form-data" {
            p {
                input #import-file type="file" name="state" accept="application/json,.json";
                " "
                input #import type="submit" value="Replace the state with this file";
            }
            p.note { "The file is checked whole first: on any problem nothing changes. At most "
                (MAX_IMPORT_BYTES >> 20) " MiB here; larger ones with " code { "--import FILE" } "." }
        }
        h2 { "Reset" }
        p { a #reset href="/state/reset" { "Forget every account…" } }
    };
    page("State", "/state", body)
}

/// `GET /state/export`: the whole state as a JSON download.
pub(crate) async fn export(State(ui): State<Ui>) -> Response {
    let snapshot = lock(&ui).export_snapshot();
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"emulator-state.json\"",
            ),
        ],
        snapshot.to_json_pretty(),
    )
        .into_response()
}

/// `POST /state/import`: the file field `state` replaces the state.
pub(crate) async fn import(State(ui): State<Ui>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes =
        match forms::multipart_file(&ui, &parts.headers, body, "state", MAX_IMPORT_BYTES).await {
            Ok(bytes) => bytes,
            Err(err) => return err.into_response(),
        };
    let outcome = Snapshot::from_json(&bytes).and_then(|snapshot| {
        // Decoding and checking happen outside the lock but for the final check and swap.
        lock(&ui).import_snapshot(snapshot)
    });
    match outcome {
        Ok(()) => see_other("/state?done=imported"),
        Err(err) => html_with_status(
            StatusCode::BAD_REQUEST,
            render(&ui, None, Some(&format!("Nothing was imported: {err}"))),
        ),
    }
}

/// `GET /state/reset`: the confirmation step.
pub(crate) async fn confirm_reset(State(ui): State<Ui>) -> Response {
    let accounts = lock(&ui).accounts.len();
    let action = link("/state/reset", &[("csrf", ui.guard.token())]);
    let body = html! {
        h1 { "Reset the state?" }
        p { "This forgets all " strong { (accounts) } " accounts with their friends, groups, "
            "blocklists and follows. The request log, the rates and the faults stay. "
            "Export the state first to keep a copy." }
        form method="post" action=(action) {
            input type="hidden" name="confirm" value="yes";
            button #confirm-reset.danger type="submit" { "Yes, forget every account" }
            " "
            a href="/state" { "Cancel" }
        }
    };
    html_response(page("Reset", "/state", body))
}

/// `POST /state/reset` with `confirm=yes`.
pub(crate) async fn reset(State(ui): State<Ui>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fields = match forms::urlencoded(&ui, &parts.headers, body, MAX_FORM_BYTES).await {
        Ok(fields) => fields,
        Err(err) => return err.into_response(),
    };
    if fields.get("confirm").map(String::as_str) != Some("yes") {
        return see_other("/state/reset");
    }
    lock(&ui).clear();
    see_other("/state?done=reset")
}
