//! [`ErrorCode`]: the server's numeric result codes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A result code of the REST API (`ErrorCode` of the envelope, `ResultCode` of an item).
///
/// The server's set of codes is open, so this is a newtype over the integer with named constants
/// for the documented codes rather than a closed enum.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub i64);

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal => $text:literal;)*) => {
        impl ErrorCode {
            $($(#[$doc])* pub const $name: ErrorCode = ErrorCode($value);)*

            /// A short English description of a documented code, or `None` for an unknown one.
            pub fn description(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($text),)*
                    _ => None,
                }
            }

            /// The constant's name for a documented code, e.g. `"SNS_NOT_A_FRIEND"`.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }

            /// Every named code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),*];
        }
    };
}

codes! {
    /// 0: success.
    OK = 0 => "success";
    /// 40001: bad profile request parameter.
    PROFILE_BAD_PARAMETER = 40001 => "profile request parameter error; see ErrorInfo for the field";
    /// 40002: a profile request error; `ErrorInfo` says which.
    PROFILE_BAD_REQUEST = 40002 => "profile request error; see ErrorInfo";
    /// 40003: the account whose profile is read or set does not exist.
    PROFILE_ACCOUNT_NOT_FOUND = 40003 => "the requested account does not exist; import it first";
    /// 40004: app admin permissions required.
    PROFILE_ADMIN_REQUIRED = 40004 => "the profile request requires an app admin identifier";
    /// 40005: a profile request refused; `ErrorInfo` says why.
    PROFILE_REQUEST_REFUSED = 40005 => "profile request refused; see ErrorInfo";
    /// 40006: internal server error while writing the data; retry.
    PROFILE_INTERNAL_ERROR = 40006 => "internal server error while setting the data; retry";
    /// 40007: a profile request failed; `ErrorInfo` says why.
    PROFILE_REQUEST_FAILED = 40007 => "profile request failed; see ErrorInfo";
    /// 40008: no read permission for a profile field.
    PROFILE_NO_READ_PERMISSION = 40008 => "no read permission for a profile field";
    /// 40009: a profile field's tag does not exist.
    PROFILE_TAG_NOT_FOUND = 40009 => "a profile field's Tag does not exist";
    /// 40601: a profile field's value is longer than 500 bytes.
    PROFILE_VALUE_TOO_LONG = 40601 => "a profile field's Value is longer than 500 bytes";
    /// 40605: a standard profile field has a value it does not allow.
    PROFILE_BAD_STANDARD_VALUE = 40605 => "a standard profile field's Value is not one it allows";
    /// 40610: a profile field's value has the wrong type.
    PROFILE_VALUE_TYPE_MISMATCH = 40610 => "a profile field's Value has the wrong type (string, integer or bytes)";
    /// 30001: bad request parameter, also state conflicts such as "already a friend".
    SNS_BAD_PARAMETER = 30001 => "request parameter error (also: already a friend / not a friend)";
    /// 30002: SDKAppID mismatch.
    SNS_SDKAPPID_MISMATCH = 30002 => "SDKAppID does not match";
    /// 30003: the account does not exist.
    SNS_ACCOUNT_NOT_FOUND = 30003 => "the requested account does not exist; import it first";
    /// 30004: app admin permissions required.
    SNS_ADMIN_REQUIRED = 30004 => "the request requires an app admin identifier";
    /// 30005: the relationship field contains sensitive words.
    SNS_SENSITIVE_WORDS = 30005 => "a relationship field contains sensitive words";
    /// 30006: internal server error; retry.
    SNS_INTERNAL_ERROR = 30006 => "internal server error; retry";
    /// 30007: timeout; retry.
    SNS_TIMEOUT = 30007 => "network timeout; retry later";
    /// 30008: concurrent write conflict; retry, and batch writes for one account.
    SNS_WRITE_CONFLICT = 30008 => "write conflict from concurrent writes; retry and send one account's writes in order";
    /// 30009: the account may not add friends.
    SNS_ADD_FRIEND_BANNED = 30009 => "this account is prohibited from adding friends";
    /// 30010: the friend list is full.
    SNS_FRIEND_LIST_FULL = 30010 => "the friend list is full (3000 friends)";
    /// 30011: too many friend groups.
    SNS_GROUP_LIMIT = 30011 => "the maximum number of friend groups has been reached (32)";
    /// 30012: too many pending friend requests.
    SNS_TOO_MANY_PENDING = 30012 => "too many pending friend requests";
    /// 30013: the blocklist is full.
    SNS_BLOCKLIST_FULL = 30013 => "the blocklist is full (1000 entries)";
    /// 30014: the other user's friend list is full.
    SNS_PEER_FRIEND_LIST_FULL = 30014 => "the user to add has too many friends";
    /// 30515: the other user is in the requester's blocklist.
    SNS_PEER_IN_MY_BLOCKLIST = 30515 => "the user to add is on the requester's blocklist";
    /// 30516: the other user refuses all friend requests.
    SNS_PEER_REFUSES_ALL = 30516 => "the user to add has disabled friend requests";
    /// 30525: the requester is in the other user's blocklist.
    SNS_IN_PEER_BLOCKLIST = 30525 => "the requester is on the blocklist of the user to add";
    /// 30539: the request is pending the other user's confirmation (not a failure).
    SNS_PENDING_CONFIRMATION = 30539 => "the friend request is pending confirmation";
    /// 30540: filtered: too many friend requests in a short time.
    SNS_REQUEST_FILTERED = 30540 => "too many friend requests in a short time; filtered";
    /// 31704: not a friend.
    SNS_NOT_A_FRIEND = 31704 => "the user is not a friend";
    /// 31707: the deletion was filtered.
    SNS_DELETE_FILTERED = 31707 => "friend deletion filtered";
    /// 30614: the pending friend request to answer does not exist.
    SNS_PENDING_NOT_FOUND = 30614 => "the pending friend request does not exist (already answered, withdrawn or never sent)";
    /// 31804: the UserID does not exist.
    SNS_USER_ID_NOT_FOUND = 31804 => "the UserID does not exist; import the account first";
    /// 32216: the account to put into a group is not a friend.
    SNS_GROUP_NOT_A_FRIEND = 32216 => "the account to put into a group is not a friend";
    /// 60002: the URL could not be parsed.
    URL_PARSE_ERROR = 60002 => "URL parse error";
    /// 60003: the request body is not valid JSON.
    JSON_PARSE_ERROR = 60003 => "request JSON parse error";
    /// 60004: account error in the URL or body.
    ACCOUNT_ERROR = 60004 => "account error in the request URL or body";
    /// 60005: signature error in the URL or body.
    SIGNATURE_ERROR = 60005 => "signature error in the request URL or body";
    /// 60006: the SDKAppID is invalid.
    SDKAPPID_INVALID = 60006 => "SDKAppID invalid";
    /// 60007: REST call frequency exceeded; back off.
    REST_RATE_LIMITED = 60007 => "REST call frequency exceeded; back off and retry";
    /// 60008: service timeout or bad HTTP format; retry.
    SERVICE_TIMEOUT = 60008 => "service timeout or bad HTTP format; retry";
    /// 60009: bad resource URL.
    BAD_RESOURCE_URL = 60009 => "bad resource URL (unknown path)";
    /// 60010: app admin required.
    ADMIN_REQUIRED = 60010 => "the request requires an app admin";
    /// 60011: SDKAppID frequency exceeded; back off.
    SDKAPPID_RATE_LIMITED = 60011 => "SDKAppID call frequency exceeded; back off and retry";
    /// 60012: the SDKAppID is missing.
    SDKAPPID_MISSING = 60012 => "SDKAppID missing from the request";
    /// 60013: the response JSON could not be produced.
    RESPONSE_JSON_ERROR = 60013 => "response JSON error";
    /// 60014: account switch timeout; retry.
    ACCOUNT_SWITCH_TIMEOUT = 60014 => "account switch timeout; retry";
    /// 60015: an account must be a string.
    ACCOUNT_NOT_STRING = 60015 => "an account must be a JSON string";
    /// 60016: the SDKAppID is disabled.
    SDKAPPID_DISABLED = 60016 => "SDKAppID disabled";
    /// 60017: the request is disabled.
    REQUEST_DISABLED = 60017 => "request disabled";
    /// 60018: too many requests; back off.
    TOO_MANY_REQUESTS = 60018 => "too many requests; retry later";
    /// 60019: too many requests; back off.
    TOO_MANY_REQUESTS_LATER = 60019 => "too many requests; retry later";
    /// 60020: the Pro plan has expired.
    PRO_PLAN_EXPIRED = 60020 => "Pro plan expired";
    /// 60021: the source IP is not allowed.
    ILLEGAL_SOURCE_IP = 60021 => "illegal source IP";
    /// 70001: the UserSig expired; generate a new one.
    USERSIG_EXPIRED = 70001 => "UserSig expired; generate a new one";
    /// 70002: the UserSig is empty.
    USERSIG_EMPTY = 70002 => "UserSig empty";
    /// 70003: the UserSig is malformed.
    USERSIG_MALFORMED = 70003 => "UserSig malformed";
    /// 70005: the UserSig is invalid.
    USERSIG_INVALID = 70005 => "UserSig invalid";
    /// 70009: the UserSig's HMAC does not match (wrong key).
    USERSIG_HMAC_MISMATCH = 70009 => "UserSig signature mismatch: check the secret key";
    /// 70013: the request identifier differs from the UserSig's.
    USERSIG_IDENTIFIER_MISMATCH = 70013 => "request identifier differs from the one in the UserSig";
    /// 70014: the request SDKAppID differs from the UserSig's.
    USERSIG_SDKAPPID_MISMATCH = 70014 => "request SDKAppID differs from the one in the UserSig";
    /// 70016: key not found (wrong region?).
    KEY_NOT_FOUND = 70016 => "key not found; check the region";
    /// 70020: SDKAppID not found (wrong region?).
    SDKAPPID_NOT_FOUND = 70020 => "SDKAppID not found; check the region";
    /// 70050: too many failed signature checks; retry after a minute.
    TOO_MANY_SIG_FAILURES = 70050 => "too many failed UserSig verifications; retry after one minute";
    /// 70051: the account is blocklisted.
    ACCOUNT_BLOCKLISTED = 70051 => "account blocklisted";
    /// 70107: the UserID has not been imported.
    USER_NOT_IMPORTED = 70107 => "UserID not imported";
    /// 70114: login restricted.
    LOGIN_RESTRICTED = 70114 => "login restricted";
    /// 70169: server timeout; retry.
    SERVER_TIMEOUT = 70169 => "server timeout; retry";
    /// 70202: server timeout; retry.
    SERVER_TIMEOUT_BACKEND = 70202 => "server timeout; retry";
    /// 70206: invalid batch quantity.
    INVALID_BATCH_QUANTITY = 70206 => "invalid batch quantity";
    /// 70398: account limit reached.
    ACCOUNT_LIMIT_REACHED = 70398 => "account limit reached";
    /// 70402: invalid parameter.
    INVALID_PARAMETER = 70402 => "invalid parameter";
    /// 70403: app admin required.
    ACCOUNT_ADMIN_REQUIRED = 70403 => "the request requires an app admin";
    /// 70500: internal error; retry.
    INTERNAL_ERROR = 70500 => "internal server error; retry";
    /// 71000: the account could not be deleted: only trial (free) apps may delete accounts.
    ACCOUNT_DELETE_TRIAL_ONLY = 71000 => "accounts can only be deleted in trial apps";
    /// 90992: the app's own webhook receiver is unhealthy, so the service refused the call.
    WEBHOOK_RECEIVER_UNHEALTHY = 90992 => "the app's webhook receiver is unhealthy; fix it (or its URL in the console), then retry";
}

impl ErrorCode {
    /// The integer value.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// `true` for 0.
    pub const fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// Transient failures a retry may cure: timeouts, internal errors, write conflicts, and the
    /// rate-limit codes (see [`ErrorCode::is_rate_limit`]). `70001` is not among them: it needs a
    /// new UserSig first, which the client does by itself.
    ///
    /// Deliberately not retryable: `90992` (the app's webhook receiver is unhealthy): the cure is
    /// on the app's side, not the service's, and sending again within seconds only adds load to
    /// a receiver that is already failing; `71000` (deleting accounts outside a trial app) and
    /// `30614` / `31804` (a request or a UserID that does not exist) are answers, not accidents.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self.0,
            30006 | 30007 | 30008 | 40006 | 60008 | 60014 | 70169 | 70202 | 70500 | 70050
        ) || self.is_rate_limit()
    }

    /// The codes that mean "too many calls": 60007, 60011, 60018, 60019.
    pub const fn is_rate_limit(self) -> bool {
        matches!(self.0, 60007 | 60011 | 60018 | 60019)
    }
}

impl From<i64> for ErrorCode {
    fn from(code: i64) -> Self {
        Self(code)
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "ErrorCode({} {})", self.0, name),
            None => write!(f, "ErrorCode({})", self.0),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_has_a_description_and_a_distinct_value() {
        let mut values: Vec<i64> = ErrorCode::ALL.iter().map(|c| c.0).collect();
        for code in ErrorCode::ALL {
            assert!(code.description().is_some(), "{code:?}");
            assert!(code.name().is_some(), "{code:?}");
        }
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn retryable_codes_match_the_spec() {
        for code in [
            30006, 30007, 30008, 40006, 60007, 60008, 60011, 60014, 60018, 60019, 70050, 70169,
            70202, 70500,
        ] {
            assert!(ErrorCode(code).is_retryable(), "{code}");
        }
        for code in [
            0, 30001, 30010, 30614, 31804, 40001, 40002, 40003, 40004, 40005, 40007, 40008, 40009,
            40601, 40605, 40610, 60003, 70001, 70009, 70013, 70107, 70402, 71000, 90992, 12345,
        ] {
            assert!(!ErrorCode(code).is_retryable(), "{code}");
        }
        assert!(ErrorCode::REST_RATE_LIMITED.is_rate_limit());
        assert!(!ErrorCode::SNS_INTERNAL_ERROR.is_rate_limit());
    }

    #[test]
    fn unknown_codes_are_kept() {
        let code: ErrorCode = serde_json::from_str("91234").unwrap();
        assert_eq!(code.get(), 91234);
        assert_eq!(code.description(), None);
        assert_eq!(format!("{code:?}"), "ErrorCode(91234)");
        assert_eq!(
            format!("{:?}", ErrorCode::SNS_NOT_A_FRIEND),
            "ErrorCode(31704 SNS_NOT_A_FRIEND)"
        );
    }
}
