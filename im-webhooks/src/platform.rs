//! `OptPlatform`: the platform that caused an event.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `OptPlatform` of a callback's query.
///
/// Read without regard to case: the `State.StateChange` callback spells iOS `IOS`, the others
/// `iOS`, and the Live documentation of the same query says `Mac` where Chat's says `macOS`.
/// A value this crate does not know is kept as [`OptPlatform::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OptPlatform {
    /// `RESTAPI`: a REST API call.
    RestApi,
    /// `Web`: the Web SDK.
    Web,
    /// `Android`.
    Android,
    /// `iOS` (also `IOS`).
    Ios,
    /// `Windows`.
    Windows,
    /// `macOS` (also `Mac`).
    MacOs,
    /// `iPad`.
    IPad,
    /// `Unknown`: a device Tencent could not identify.
    Unknown,
    /// Any other value, as sent.
    Other(String),
}

impl OptPlatform {
    /// Tencent's spelling (`iOS`, not `IOS`), or the text of [`OptPlatform::Other`].
    pub fn as_str(&self) -> &str {
        match self {
            OptPlatform::RestApi => "RESTAPI",
            OptPlatform::Web => "Web",
            OptPlatform::Android => "Android",
            OptPlatform::Ios => "iOS",
            OptPlatform::Windows => "Windows",
            OptPlatform::MacOs => "macOS",
            OptPlatform::IPad => "iPad",
            OptPlatform::Unknown => "Unknown",
            OptPlatform::Other(text) => text,
        }
    }
}

impl From<&str> for OptPlatform {
    fn from(text: &str) -> Self {
        match text.to_ascii_lowercase().as_str() {
            "restapi" => OptPlatform::RestApi,
            "web" => OptPlatform::Web,
            "android" => OptPlatform::Android,
            "ios" => OptPlatform::Ios,
            "windows" => OptPlatform::Windows,
            "macos" | "mac" => OptPlatform::MacOs,
            "ipad" => OptPlatform::IPad,
            "unknown" => OptPlatform::Unknown,
            _ => OptPlatform::Other(text.to_owned()),
        }
    }
}

impl fmt::Display for OptPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OptPlatform {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OptPlatform {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(OptPlatform::from(text.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::OptPlatform;

    #[test]
    fn every_documented_spelling_is_read() {
        for (text, platform) in [
            ("RESTAPI", OptPlatform::RestApi),
            ("Web", OptPlatform::Web),
            ("Android", OptPlatform::Android),
            ("iOS", OptPlatform::Ios),
            ("IOS", OptPlatform::Ios),
            ("Windows", OptPlatform::Windows),
            ("macOS", OptPlatform::MacOs),
            ("Mac", OptPlatform::MacOs),
            ("iPad", OptPlatform::IPad),
            ("Unknown", OptPlatform::Unknown),
        ] {
            assert_eq!(OptPlatform::from(text), platform, "{text}");
        }
    }

    #[test]
    fn an_unknown_platform_is_kept_as_text() {
        let platform = OptPlatform::from("HarmonyOS");
        assert_eq!(platform, OptPlatform::Other("HarmonyOS".to_owned()));
        assert_eq!(platform.to_string(), "HarmonyOS");
        assert_eq!(OptPlatform::from("IOS").as_str(), "iOS");
    }
}
