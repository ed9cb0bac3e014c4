//! What a receiver answers: [`Ack`] after an event, [`PrevAnswer`] before one.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tencent_im_core::im_item;

/// The answer to an "after" callback (Tencent ignores its content, but wants HTTP 200 and the
/// envelope): `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ack;

impl Ack {
    /// The envelope as JSON.
    pub fn to_json(self) -> Vec<u8> {
        br#"{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}"#.to_vec()
    }
}

/// One item's outcome in a "before" callback's answer: 0 lets the item through, a code in
/// [38000, 39000] refuses it. No other value can be built or decoded, so an answer Tencent would
/// misread cannot be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verdict(u32);

/// A code outside 0 and [38000, 39000].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "a \"before\" callback answers 0 (allow) or a code in [38000, 39000] (refuse) per item, \
     not {code}"
)]
pub struct VerdictError {
    /// The refused code.
    pub code: i64,
}

impl Verdict {
    /// 0: the item goes through.
    pub const ALLOW: Verdict = Verdict(0);
    /// The smallest refusal code.
    pub const MIN_REFUSAL: u32 = 38000;
    /// The largest refusal code.
    pub const MAX_REFUSAL: u32 = 39000;

    /// Refuses the item with `code`, which must be in [38000, 39000] (the code reaches the
    /// client, so pick one per reason).
    pub fn refuse(code: u32) -> Result<Verdict, VerdictError> {
        if (Self::MIN_REFUSAL..=Self::MAX_REFUSAL).contains(&code) {
            Ok(Verdict(code))
        } else {
            Err(VerdictError {
                code: i64::from(code),
            })
        }
    }

    /// The code sent as `ResultCode`.
    pub fn code(self) -> u32 {
        self.0
    }

    /// Whether the item goes through.
    pub fn is_allowed(self) -> bool {
        self.0 == 0
    }
}

impl TryFrom<i64> for Verdict {
    type Error = VerdictError;

    /// 0 or a code in [38000, 39000].
    fn try_from(code: i64) -> Result<Self, VerdictError> {
        match u32::try_from(code) {
            Ok(0) => Ok(Verdict::ALLOW),
            Ok(code) => Verdict::refuse(code),
            Err(_) => Err(VerdictError { code }),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_allowed() {
            f.write_str("allowed")
        } else {
            write!(f, "refused with {}", self.0)
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.0)
    }
}

impl<'de> Deserialize<'de> for Verdict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = i64::deserialize(deserializer)?;
        Verdict::try_from(code).map_err(serde::de::Error::custom)
    }
}

/// One item of a [`PrevAnswer`]: `{To_Account, ResultCode, ResultInfo}`.
#[im_item]
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ItemVerdict {
    /// The account the item is about.
    pub to_account: String,
    /// 0 or a refusal code.
    pub result_code: Verdict,
    /// Why, for a refusal (the client may show it).
    #[serde(default)]
    pub result_info: String,
}

/// The answer to `Sns.CallbackPrevFriendAdd` or `Sns.CallbackPrevFriendResponse`: the envelope
/// and one [`ItemVerdict`] per item.
///
/// ```
/// use tencent_im_webhooks::{PrevAnswer, Verdict};
///
/// let answer = PrevAnswer::new()
///     .allow("id1")
///     .refuse("id2", Verdict::refuse(38001)?, "not now");
/// assert!(String::from_utf8(answer.to_json())?.contains(r#""ResultCode":38001"#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrevAnswer {
    /// The items, in the order given.
    pub items: Vec<ItemVerdict>,
}

impl PrevAnswer {
    /// An answer with no items yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every account let through.
    pub fn allow_all<'a>(accounts: impl IntoIterator<Item = &'a str>) -> Self {
        accounts
            .into_iter()
            .fold(Self::new(), |answer, account| answer.allow(account))
    }

    /// Lets `to_account` through.
    pub fn allow(self, to_account: impl Into<String>) -> Self {
        self.item(to_account, Verdict::ALLOW, "")
    }

    /// Refuses `to_account` with `verdict` and a reason.
    pub fn refuse(
        self,
        to_account: impl Into<String>,
        verdict: Verdict,
        info: impl Into<String>,
    ) -> Self {
        self.item(to_account, verdict, info)
    }

    /// Adds an item.
    pub fn item(
        mut self,
        to_account: impl Into<String>,
        verdict: Verdict,
        info: impl Into<String>,
    ) -> Self {
        self.items.push(ItemVerdict {
            to_account: to_account.into(),
            result_code: verdict,
            result_info: info.into(),
        });
        self
    }

    /// The answer as JSON: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[...]}`.
    pub fn to_json(&self) -> Vec<u8> {
        // Strings, integers and a list of them always serialise; the fallback keeps this total.
        serde_json::to_vec(self).unwrap_or_else(|_| Ack.to_json())
    }
}

#[derive(Serialize, Deserialize)]
struct PrevAnswerWire {
    #[serde(rename = "ActionStatus", default)]
    action_status: String,
    #[serde(rename = "ErrorCode", default)]
    error_code: i64,
    #[serde(rename = "ErrorInfo", default)]
    error_info: String,
    #[serde(rename = "ResultItem", default)]
    result_item: Vec<ItemVerdict>,
}

impl Serialize for PrevAnswer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            #[serde(rename = "ActionStatus")]
            action_status: &'static str,
            #[serde(rename = "ErrorCode")]
            error_code: u32,
            #[serde(rename = "ErrorInfo")]
            error_info: &'static str,
            #[serde(rename = "ResultItem")]
            result_item: &'a [ItemVerdict],
        }
        Wire {
            action_status: "OK",
            error_code: 0,
            error_info: "",
            result_item: &self.items,
        }
        .serialize(serializer)
    }
}

/// Reads an answer (for a sender honouring refusals, such as an emulator); the envelope fields
/// are not kept, and every `ResultCode` must be a valid [`Verdict`].
impl<'de> Deserialize<'de> for PrevAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = PrevAnswerWire::deserialize(deserializer)?;
        Ok(PrevAnswer {
            items: wire.result_item,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zero_and_the_refusal_range_are_verdicts() {
        assert_eq!(Verdict::try_from(0), Ok(Verdict::ALLOW));
        for code in [38000, 38500, 39000] {
            assert_eq!(Verdict::refuse(code).map(Verdict::code), Ok(code));
            assert_eq!(
                Verdict::try_from(i64::from(code)).map(Verdict::code),
                Ok(code)
            );
        }
        for code in [1, 37999, 39001, 30001, u32::MAX] {
            assert_eq!(
                Verdict::refuse(code),
                Err(VerdictError {
                    code: i64::from(code)
                })
            );
        }
        assert_eq!(Verdict::refuse(0), Err(VerdictError { code: 0 }));
        assert_eq!(Verdict::try_from(-1), Err(VerdictError { code: -1 }));
        assert!(serde_json::from_str::<Verdict>("38000").is_ok());
        assert!(serde_json::from_str::<Verdict>("40000").is_err());
        assert!(serde_json::from_str::<Verdict>("-38000").is_err());
    }

    #[test]
    fn answers_have_the_documented_shape() {
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&Ack.to_json()).unwrap(),
            serde_json::json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""})
        );
        let answer =
            PrevAnswer::new()
                .allow("id1")
                .refuse("id2", Verdict::refuse(38000).unwrap(), "no");
        let json: serde_json::Value = serde_json::from_slice(&answer.to_json()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                "ResultItem": [
                    {"To_Account": "id1", "ResultCode": 0, "ResultInfo": ""},
                    {"To_Account": "id2", "ResultCode": 38000, "ResultInfo": "no"}
                ]
            })
        );
        let back: PrevAnswer = serde_json::from_value(json).unwrap();
        assert_eq!(back, answer);
        assert!(serde_json::from_str::<PrevAnswer>(
            r#"{"ResultItem":[{"To_Account":"x","ResultCode":30001}]}"#
        )
        .is_err());
        assert_eq!(
            PrevAnswer::allow_all(["a", "b"]),
            PrevAnswer::new().allow("a").allow("b")
        );
    }
}
