//! The query string Tencent puts on a callback URL.

use serde::Serialize;

use crate::error::WebhookError;
use crate::platform::OptPlatform;

/// The facts of a callback's query string:
/// `SdkAppid=N&CallbackCommand=C&contenttype=json&ClientIP=IP&OptPlatform=P[&Sign=S&RequestTime=T]`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CallbackQuery {
    /// `SdkAppid`: the app the callback is for.
    #[serde(rename = "SdkAppid")]
    pub sdk_app_id: u64,
    /// `CallbackCommand`, e.g. `Sns.CallbackFriendAdd` (the body repeats it).
    #[serde(rename = "CallbackCommand")]
    pub command: Option<String>,
    /// `ClientIP`: the address of the client (or REST caller) that caused the event.
    #[serde(rename = "ClientIP", skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// `OptPlatform`: the platform that caused the event.
    #[serde(rename = "OptPlatform", skip_serializing_if = "Option::is_none")]
    pub opt_platform: Option<OptPlatform>,
    /// `Sign`, present when authentication is on.
    #[serde(skip)]
    pub sign: Option<String>,
    /// `RequestTime` as sent (decimal Unix seconds), present when authentication is on.
    #[serde(rename = "RequestTime", skip_serializing_if = "Option::is_none")]
    pub request_time: Option<String>,
}

/// `Sign` is left out: with its `RequestTime` it would let whoever reads a log replay the
/// callback with any body within the freshness window.
impl std::fmt::Debug for CallbackQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackQuery")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("command", &self.command)
            .field("client_ip", &self.client_ip)
            .field("opt_platform", &self.opt_platform)
            .field("sign", &self.sign.as_ref().map(|_| "<redacted>"))
            .field("request_time", &self.request_time)
            .finish()
    }
}

impl CallbackQuery {
    /// Reads a query string, with or without its leading `?`.
    ///
    /// Keys are matched without regard to case (`SdkAppid`, `SdkAppId` and `sdkappid` are one
    /// key), and a key given twice is refused: two `SdkAppid`s or two `Sign`s could otherwise be
    /// read one way by this check and another way by a proxy or a later reader. Unknown keys
    /// (`contenttype`, future ones) are ignored.
    pub fn parse(query: &str) -> Result<Self, WebhookError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut sdk_app_id = None;
        let mut command = None;
        let mut client_ip = None;
        let mut opt_platform = None;
        let mut sign = None;
        let mut request_time = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.to_ascii_lowercase().as_str() {
                "sdkappid" => (&mut sdk_app_id, "SdkAppid"),
                "callbackcommand" => (&mut command, "CallbackCommand"),
                "clientip" => (&mut client_ip, "ClientIP"),
                "optplatform" => (&mut opt_platform, "OptPlatform"),
                "sign" => (&mut sign, "Sign"),
                "requesttime" => (&mut request_time, "RequestTime"),
                _ => continue,
            };
            let (slot, name) = slot;
            if slot.replace(value.into_owned()).is_some() {
                return Err(WebhookError::DuplicateParameter { name });
            }
        }
        let sdk_app_id = sdk_app_id.ok_or(WebhookError::MissingParameter { name: "SdkAppid" })?;
        let sdk_app_id = sdk_app_id
            .parse()
            .ok()
            .filter(|_| sdk_app_id.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(WebhookError::InvalidParameter { name: "SdkAppid" })?;
        Ok(Self {
            sdk_app_id,
            command: command.filter(|c| !c.is_empty()),
            client_ip,
            opt_platform: opt_platform.map(|p| OptPlatform::from(p.as_str())),
            sign,
            request_time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_query_is_read() {
        let query = CallbackQuery::parse(
            "?SdkAppid=888888&CallbackCommand=Sns.CallbackFriendAdd&contenttype=json\
             &ClientIP=127.0.0.1&OptPlatform=iOS&Sign=ab&RequestTime=1669872112",
        )
        .unwrap();
        assert_eq!(query.sdk_app_id, 888_888);
        assert_eq!(query.command.as_deref(), Some("Sns.CallbackFriendAdd"));
        assert_eq!(query.client_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(query.opt_platform, Some(OptPlatform::Ios));
        assert_eq!(query.sign.as_deref(), Some("ab"));
        assert_eq!(query.request_time.as_deref(), Some("1669872112"));
    }

    #[test]
    fn hostile_queries_are_typed_errors() {
        for (query, expected) in [
            ("", WebhookError::MissingParameter { name: "SdkAppid" }),
            (
                "SdkAppid=1&sdkappid=2",
                WebhookError::DuplicateParameter { name: "SdkAppid" },
            ),
            (
                "SdkAppid=1&Sign=a&Sign=b",
                WebhookError::DuplicateParameter { name: "Sign" },
            ),
        ] {
            assert_eq!(CallbackQuery::parse(query), Err(expected), "{query}");
        }
        // Not an unsigned decimal that fits a u64.
        for query in [
            "SdkAppid=-1",
            "SdkAppid=+1",
            "SdkAppid=99999999999999999999999",
            "SdkAppid=%ff",
        ] {
            assert_eq!(
                CallbackQuery::parse(query),
                Err(WebhookError::InvalidParameter { name: "SdkAppid" }),
                "{query}"
            );
        }
    }
}
