//! The data-centre regions of the REST API and their hosts.

use std::fmt;
use std::str::FromStr;

/// A region an SDKAppID lives in. Each has a primary and a backup host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// Chinese mainland: `console.tim.qq.com`.
    China,
    /// Singapore: `adminapisgp.im.qcloud.com`.
    Singapore,
    /// Seoul: `adminapikr.im.qcloud.com`.
    Seoul,
    /// Tokyo: `adminapijpn.im.qcloud.com`.
    Tokyo,
    /// Frankfurt: `adminapiger.im.qcloud.com`.
    Frankfurt,
    /// Mumbai: `adminapiind.im.qcloud.com`.
    Mumbai,
    /// Silicon Valley: `adminapiusa.im.qcloud.com`.
    SiliconValley,
    /// Jakarta: `adminapiidn.im.qcloud.com`.
    Jakarta,
}

impl Region {
    /// Every documented region.
    pub const ALL: [Region; 8] = [
        Region::China,
        Region::Singapore,
        Region::Seoul,
        Region::Tokyo,
        Region::Frankfurt,
        Region::Mumbai,
        Region::SiliconValley,
        Region::Jakarta,
    ];

    /// The primary API host.
    pub const fn host(self) -> &'static str {
        match self {
            Region::China => "console.tim.qq.com",
            Region::Singapore => "adminapisgp.im.qcloud.com",
            Region::Seoul => "adminapikr.im.qcloud.com",
            Region::Tokyo => "adminapijpn.im.qcloud.com",
            Region::Frankfurt => "adminapiger.im.qcloud.com",
            Region::Mumbai => "adminapiind.im.qcloud.com",
            Region::SiliconValley => "adminapiusa.im.qcloud.com",
            Region::Jakarta => "adminapiidn.im.qcloud.com",
        }
    }

    /// The backup API host.
    pub const fn backup_host(self) -> &'static str {
        match self {
            Region::China => "adminapi.my-imcloud.com",
            Region::Singapore => "adminapisgp.my-imcloud.com",
            Region::Seoul => "adminapikr.my-imcloud.com",
            Region::Tokyo => "adminapijpn.my-imcloud.com",
            Region::Frankfurt => "adminapiger.my-imcloud.com",
            Region::Mumbai => "adminapiind.my-imcloud.com",
            Region::SiliconValley => "adminapiusa.my-imcloud.com",
            Region::Jakarta => "adminapiidn.my-imcloud.com",
        }
    }

    /// `https://` + the primary host.
    pub fn base_url(self) -> String {
        format!("https://{}", self.host())
    }

    /// `https://` + the backup host.
    pub fn backup_base_url(self) -> String {
        format!("https://{}", self.backup_host())
    }

    /// The canonical lower-case name, as accepted by `IM_REGION`.
    pub const fn name(self) -> &'static str {
        match self {
            Region::China => "china",
            Region::Singapore => "singapore",
            Region::Seoul => "seoul",
            Region::Tokyo => "tokyo",
            Region::Frankfurt => "frankfurt",
            Region::Mumbai => "mumbai",
            Region::SiliconValley => "silicon-valley",
            Region::Jakarta => "jakarta",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A region name that is not one of the documented regions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown region {0:?}: use one of china, singapore, seoul, tokyo, frankfurt, mumbai, \
     silicon-valley, jakarta (or a host such as adminapisgp.im.qcloud.com)"
)]
pub struct ParseRegionError(pub String);

impl FromStr for Region {
    type Err = ParseRegionError;

    /// Accepts the canonical names, short codes (`cn`, `sgp`, `kr`, `jpn`, `ger`, `ind`, `usa`,
    /// `idn`) and either host, case-insensitively.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let wanted = input.trim().to_ascii_lowercase();
        let by_alias = match wanted.replace(['_', ' '], "-").as_str() {
            "china" | "cn" | "chinese-mainland" | "mainland" => Some(Region::China),
            "singapore" | "sgp" | "sg" => Some(Region::Singapore),
            "seoul" | "kr" | "korea" => Some(Region::Seoul),
            "tokyo" | "jpn" | "jp" | "japan" => Some(Region::Tokyo),
            "frankfurt" | "ger" | "de" | "germany" => Some(Region::Frankfurt),
            "mumbai" | "ind" | "india" => Some(Region::Mumbai),
            "silicon-valley" | "siliconvalley" | "usa" | "us" => Some(Region::SiliconValley),
            "jakarta" | "idn" | "indonesia" => Some(Region::Jakarta),
            _ => None,
        };
        by_alias
            .or_else(|| {
                Region::ALL
                    .into_iter()
                    .find(|region| region.host() == wanted || region.backup_host() == wanted)
            })
            .ok_or_else(|| ParseRegionError(input.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_parses_from_its_name_and_hosts() {
        for region in Region::ALL {
            assert_eq!(region.name().parse::<Region>(), Ok(region));
            assert_eq!(region.host().parse::<Region>(), Ok(region));
            assert_eq!(region.backup_host().parse::<Region>(), Ok(region));
            assert!(region.base_url().starts_with("https://"));
        }
        assert_eq!("SGP".parse::<Region>(), Ok(Region::Singapore));
        assert_eq!(
            "Silicon Valley".parse::<Region>(),
            Ok(Region::SiliconValley)
        );
    }

    #[test]
    fn unknown_region_is_a_typed_error_listing_the_choices() {
        let err = "mars".parse::<Region>().unwrap_err();
        assert_eq!(err, ParseRegionError("mars".into()));
        assert!(err.to_string().contains("singapore"));
    }

    #[test]
    fn hosts_are_distinct() {
        let mut hosts: Vec<_> = Region::ALL
            .iter()
            .flat_map(|r| [r.host(), r.backup_host()])
            .collect();
        hosts.sort_unstable();
        hosts.dedup();
        assert_eq!(hosts.len(), 16);
    }
}
