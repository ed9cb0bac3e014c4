//! What every view shares: the frame with its navigation, the style sheet, and small helpers
//! (links with encoded queries, times, pagers).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The views in the navigation, in order: `(path, label)`. A new view adds a line here and its
/// routes in [`super::router`].
pub(crate) const VIEWS: &[(&str, &str)] = &[
    ("/accounts", "Accounts"),
    ("/requests", "Requests"),
    ("/webhooks", "Webhooks"),
    ("/limits", "Limits & faults"),
    ("/state", "State"),
];

const CSS: &str = r#"
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #f5f6f8; }
header { background: #1d2330; color: #fff; padding: 0 20px; display: flex; align-items: center; gap: 24px; }
header .brand { font-weight: 600; padding: 12px 0; }
header nav a { color: #c9d1e0; text-decoration: none; padding: 12px 10px; display: inline-block; }
header nav a.active { color: #fff; border-bottom: 3px solid #4f8cff; }
main { padding: 16px 20px 40px; max-width: 1280px; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #2459c9; }
code, pre { font: 12px/1.4 ui-monospace, Menlo, Consolas, monospace; }
pre { background: #fff; border: 1px solid #e3e6eb; padding: 10px; overflow: auto; max-height: 480px; white-space: pre-wrap; word-break: break-all; }
form.inline { display: inline; }
.bar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 8px 0 12px; }
.card { background: #fff; border: 1px solid #e3e6eb; padding: 12px 16px; margin-bottom: 12px; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.card dt { color: #5b6475; }
.card dd { margin: 0; }
.tabs a { padding: 4px 10px; border: 1px solid #c9d1e0; border-radius: 4px; text-decoration: none; background: #fff; }
.tabs a.active { background: #2459c9; color: #fff; border-color: #2459c9; }
.ok { color: #1b7a3a; }
.fail { color: #b3261e; font-weight: 600; }
.note { color: #5b6475; }
.flash { background: #e6f4ea; border: 1px solid #b7dfc3; padding: 8px 12px; margin-bottom: 12px; }
.error { background: #fdecea; border: 1px solid #f5c2c0; padding: 8px 12px; margin-bottom: 12px; white-space: pre-wrap; }
button, input[type=submit] { padding: 4px 12px; }
button.danger { background: #b3261e; color: #fff; border: 1px solid #8c1d17; }
.pager { margin: 10px 0; display: flex; gap: 12px; align-items: center; }
.wrap { word-break: break-all; overflow-wrap: anywhere; }
"#;

/// A whole page: the frame around `body`, with `active` marked in the navigation.
pub(crate) fn page(title: &str, active: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · IM emulator" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    span.brand { "Tencent IM emulator" }
                    nav {
                        @for (path, label) in VIEWS {
                            a href=(path) class=[(*path == active).then_some("active")] { (label) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A 200 HTML answer.
pub(crate) fn html_response(markup: Markup) -> Response {
    html_with_status(StatusCode::OK, markup)
}

/// An HTML answer with `status`.
pub(crate) fn html_with_status(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response()
}

/// A page saying what was not found, with status 404.
pub(crate) fn not_found(active: &str, what: &str) -> Response {
    html_with_status(
        StatusCode::NOT_FOUND,
        page(
            "Not found",
            active,
            html! { h1 { "Not found" } p.error { (what) } },
        ),
    )
}

/// A 303 to `location` (a path of the page).
pub(crate) fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `path` with the query `pairs`, each value percent-encoded; empty values are left out.
pub(crate) fn link(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The link to one account's page.
pub(crate) fn account_link(id: &str) -> String {
    link("/account", &[("id", id)])
}

/// Seconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS` (UTC).
pub(crate) fn time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// One page of `total` items, 1-based: which page, how many per page, and the slice it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub page: usize,
    pub per_page: usize,
    pub total: usize,
}

impl Paging {
    /// Page `page` (clamped to the pages there are) of `per_page` (clamped to `1..=max`).
    pub(crate) fn new(
        page: Option<usize>,
        per_page: Option<usize>,
        default: usize,
        max: usize,
        total: usize,
    ) -> Paging {
        let per_page = per_page.unwrap_or(default).clamp(1, max);
        let pages = total.div_ceil(per_page).max(1);
        Paging {
            page: page.unwrap_or(1).clamp(1, pages),
            per_page,
            total,
        }
    }

    pub(crate) fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page).max(1)
    }

    /// The indexes of the page's items.
    pub(crate) fn range(&self) -> std::ops::Range<usize> {
        let start = (self.page - 1)
            .saturating_mul(self.per_page)
            .min(self.total);
        start..start.saturating_add(self.per_page).min(self.total)
    }

    /// Previous / next links, made by `href` from a page number.
    pub(crate) fn nav(&self, href: impl Fn(usize) -> String) -> Markup {
        let range = self.range();
        html! {
            div.pager {
                @if self.page > 1 {
                    a href=(href(self.page - 1)) rel="prev" { "← Previous" }
                }
                span.note {
                    @if self.total == 0 { "none" } @else {
                        (range.start + 1) "–" (range.end) " of " (self.total)
                        " (page " (self.page) " of " (self.pages()) ")"
                    }
                }
                @if self.page < self.pages() {
                    a href=(href(self.page + 1)) rel="next" { "Next →" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_civil_dates() {
        assert_eq!(time(0), "1970-01-01 00:00:00");
        assert_eq!(time(1_700_000_000), "2023-11-14 22:13:20");
        assert_eq!(time(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(time(-1), "1969-12-31 23:59:59");
    }

    #[test]
    fn paging_clamps_and_slices() {
        let p = Paging::new(Some(3), Some(100), 50, 500, 250);
        assert_eq!((p.range(), p.pages()), (200..250, 3));
        assert_eq!(Paging::new(Some(99), None, 50, 500, 120).range(), 100..120);
        assert_eq!(Paging::new(Some(0), Some(0), 50, 500, 10).range(), 0..1);
        assert_eq!(
            Paging::new(None, Some(10_000), 50, 3000, 3000).range(),
            0..3000
        );
        assert_eq!(Paging::new(None, None, 50, 500, 0).range(), 0..0);
    }

    #[test]
    fn links_encode_their_values() {
        assert_eq!(
            account_link("<a&b c>"),
            "/account?id=%3Ca%26b+c%3E".to_owned()
        );
        assert_eq!(
            link("/requests", &[("path", ""), ("failed", "1")]),
            "/requests?failed=1"
        );
    }
}
