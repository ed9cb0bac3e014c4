//! Fault injection: answers the service gives on a bad day, at chosen rates, reproducibly.
//!
//! A fault string lists `kind=probability` pairs separated by commas:
//!
//! ```text
//! http502=0.1,code:30006=0.05,code:60007=0.05,truncate=0.02,delay=200ms@0.05,reset=0.01,lost=0.01
//! ```
//!
//! | kind | what happens | is the request applied? |
//! |---|---|---|
//! | `http502` | HTTP 502 with an HTML page | no |
//! | `code:N` | HTTP 200 with `ErrorCode` N | no |
//! | `reset` | the connection is cut before a body is sent | no |
//! | `delay=D@p` | the answer comes D later (`ms` or `s`) | yes |
//! | `truncate` | the answer is cut off half-way | **yes** |
//! | `lost` | the connection is cut instead of the answer | **yes** |
//!
//! One roll per request decides which fault, if any, applies; probabilities must add up to at
//! most 1. The same seed gives the same sequence of rolls. The plan of a running emulator can be
//! replaced (see [`RunningEmulator::set_faults`](crate::RunningEmulator::set_faults)); the next
//! request rolls against the new one.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tencent_im_core::ErrorCode;

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 502 with an HTML body; the request is not applied.
    Http502,
    /// A failure envelope with this code; the request is not applied.
    Code(ErrorCode),
    /// The connection is cut before the body; the request is not applied.
    Reset,
    /// The answer is delayed by this long; the request is applied.
    Delay(Duration),
    /// The request is applied and its answer cut off half-way.
    Truncate,
    /// The request is applied and its answer never arrives (the connection is cut).
    Lost,
}

impl fmt::Display for Fault {
    /// The fault's kind as the fault string writes it: `http502`, `code:N`, `reset`,
    /// `delay=D`, `truncate`, `lost`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Http502 => f.write_str("http502"),
            Fault::Code(code) => write!(f, "code:{}", code.0),
            Fault::Reset => f.write_str("reset"),
            Fault::Delay(delay) => write!(f, "delay={}", format_duration(*delay)),
            Fault::Truncate => f.write_str("truncate"),
            Fault::Lost => f.write_str("lost"),
        }
    }
}

/// A duration as the fault string reads it back: whole milliseconds as `ms`, anything finer
/// as seconds.
fn format_duration(delay: Duration) -> String {
    if delay.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{}ms", delay.as_millis())
    } else {
        format!("{}s", delay.as_secs_f64())
    }
}

/// A fault string that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad fault spec {spec:?}: {reason}. Write e.g. 'http502=0.1,code:30006=0.05,truncate=0.02,delay=200ms@0.05,reset=0.01,lost=0.01'")]
pub struct FaultSpecError {
    spec: String,
    reason: String,
}

/// Faults with their probabilities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultPlan {
    faults: Vec<(Fault, f64)>,
}

impl FaultPlan {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a fault with its probability per request.
    pub fn with(mut self, fault: Fault, probability: f64) -> Self {
        self.faults.push((fault, probability));
        self
    }

    /// Whether the plan injects anything.
    pub fn is_empty(&self) -> bool {
        self.faults.iter().all(|(_, p)| *p <= 0.0)
    }

    /// The faults with their probabilities, in the order they were given.
    pub fn faults(&self) -> &[(Fault, f64)] {
        &self.faults
    }

    fn total(&self) -> f64 {
        self.faults.iter().map(|(_, p)| p).sum()
    }
}

impl fmt::Display for FaultPlan {
    /// The plan as a fault string, which parses back into the same plan.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (fault, probability)) in self.faults.iter().enumerate() {
            if index > 0 {
                f.write_str(",")?;
            }
            match fault {
                Fault::Delay(delay) => {
                    write!(f, "delay={}@{probability}", format_duration(*delay))?
                }
                other => write!(f, "{other}={probability}")?,
            }
        }
        Ok(())
    }
}

/// The longest delay a fault may inject: longer than any client waits, short enough that a
/// typing slip (`200s` for `200ms`) does not hold connections for days.
const MAX_FAULT_DELAY: Duration = Duration::from_secs(3600);

fn parse_duration(text: &str) -> Option<Duration> {
    let duration = if let Some(ms) = text.strip_suffix("ms") {
        ms.trim().parse().ok().map(Duration::from_millis)
    } else if let Some(s) = text.strip_suffix('s') {
        // `try_from`: the text comes from a flag or the web page, and `inf`, `NaN` or `1e300`
        // would make `from_secs_f64` panic.
        s.trim()
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
    } else {
        None
    };
    duration.filter(|duration| *duration <= MAX_FAULT_DELAY)
}

impl FromStr for FaultPlan {
    type Err = FaultSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| FaultSpecError {
            spec: spec.to_owned(),
            reason,
        };
        let mut plan = FaultPlan::none();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, value) = part
                .split_once('=')
                .ok_or_else(|| error(format!("{part:?} has no '='")))?;
            let (fault, probability) = if kind == "delay" {
                let (duration, probability) = value.split_once('@').ok_or_else(|| {
                    error(format!("delay needs DURATION@PROBABILITY, got {value:?}"))
                })?;
                let duration = parse_duration(duration).ok_or_else(|| {
                    error(format!(
                        "{duration:?} is not a duration of at most {} s like 200ms or 1.5s",
                        MAX_FAULT_DELAY.as_secs()
                    ))
                })?;
                (Fault::Delay(duration), probability)
            } else {
                let fault = match kind {
                    "http502" => Fault::Http502,
                    "truncate" => Fault::Truncate,
                    "reset" => Fault::Reset,
                    "lost" => Fault::Lost,
                    other => match other.strip_prefix("code:") {
                        Some(code) => Fault::Code(ErrorCode(code.parse().map_err(|_| {
                            error(format!("{code:?} is not an error code"))
                        })?)),
                        None => {
                            return Err(error(format!(
                                "unknown kind {other:?}: use http502, code:N, truncate, delay, reset or lost"
                            )))
                        }
                    },
                };
                (fault, value)
            };
            let probability: f64 = probability
                .trim()
                .parse()
                .ok()
                .filter(|p: &f64| (0.0..=1.0).contains(p))
                .ok_or_else(|| {
                    error(format!(
                        "{probability:?} is not a probability between 0 and 1"
                    ))
                })?;
            plan = plan.with(fault, probability);
        }
        if plan.total() > 1.0 + 1e-9 {
            return Err(error(format!(
                "the probabilities add up to {:.3}, more than 1",
                plan.total()
            )));
        }
        Ok(plan)
    }
}

/// Decides the fault of each request.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    state: Mutex<InjectorState>,
}

#[derive(Debug)]
struct InjectorState {
    plan: FaultPlan,
    rng: fastrand::Rng,
    scripted: VecDeque<Fault>,
    injected: u64,
}

impl FaultInjector {
    pub(crate) fn new(plan: FaultPlan, seed: u64) -> Self {
        Self {
            state: Mutex::new(InjectorState {
                plan,
                rng: fastrand::Rng::with_seed(seed),
                scripted: VecDeque::new(),
                injected: 0,
            }),
        }
    }

    /// The fault of the next request, if any: a scripted one first, then a roll.
    pub(crate) fn next(&self) -> Option<Fault> {
        let mut state = self.lock();
        let fault = match state.scripted.pop_front() {
            Some(fault) => Some(fault),
            None if state.plan.is_empty() => None,
            None => {
                let roll = state.rng.f64();
                let mut cumulative = 0.0;
                state.plan.faults.iter().find_map(|(fault, p)| {
                    cumulative += p;
                    (roll < cumulative).then_some(*fault)
                })
            }
        };
        state.injected += u64::from(fault.is_some());
        fault
    }

    pub(crate) fn script(&self, fault: Fault) {
        self.lock().scripted.push_back(fault);
    }

    pub(crate) fn injected(&self) -> u64 {
        self.lock().injected
    }

    /// The plan the next requests roll against.
    pub(crate) fn plan(&self) -> FaultPlan {
        self.lock().plan.clone()
    }

    /// Replaces the plan; the rolls go on from where they are, and scripted faults stay queued.
    pub(crate) fn set_plan(&self, plan: FaultPlan) {
        self.lock().plan = plan;
    }

    /// The faults scripted and not yet met.
    pub(crate) fn scripted(&self) -> Vec<Fault> {
        self.lock().scripted.iter().copied().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, InjectorState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_string_parses() {
        let plan: FaultPlan =
            "http502=0.1,code:30006=0.05,code:60007=0.05,truncate=0.02,delay=200ms@0.05,reset=0.01"
                .parse()
                .unwrap();
        assert_eq!(
            plan,
            FaultPlan::none()
                .with(Fault::Http502, 0.1)
                .with(Fault::Code(ErrorCode(30006)), 0.05)
                .with(Fault::Code(ErrorCode(60007)), 0.05)
                .with(Fault::Truncate, 0.02)
                .with(Fault::Delay(Duration::from_millis(200)), 0.05)
                .with(Fault::Reset, 0.01)
        );
        assert_eq!("".parse::<FaultPlan>().unwrap(), FaultPlan::none());
        assert_eq!(
            "delay=1.5s@1".parse::<FaultPlan>().unwrap(),
            FaultPlan::none().with(Fault::Delay(Duration::from_millis(1500)), 1.0)
        );
    }

    #[test]
    fn bad_strings_say_what_is_wrong() {
        for (spec, needle) in [
            ("http502", "no '='"),
            ("boom=0.1", "unknown kind"),
            ("code:abc=0.1", "not an error code"),
            ("http502=1.5", "probability"),
            ("delay=200ms", "DURATION@PROBABILITY"),
            ("delay=fast@0.1", "duration"),
            ("http502=0.6,reset=0.6", "more than 1"),
        ] {
            let err = spec.parse::<FaultPlan>().unwrap_err().to_string();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn same_seed_same_faults_and_rates_roughly_hold() {
        let plan = FaultPlan::none()
            .with(Fault::Http502, 0.25)
            .with(Fault::Lost, 0.25);
        let a = FaultInjector::new(plan.clone(), 7);
        let b = FaultInjector::new(plan, 7);
        let rolls_a: Vec<_> = (0..1000).map(|_| a.next()).collect();
        let rolls_b: Vec<_> = (0..1000).map(|_| b.next()).collect();
        assert_eq!(rolls_a, rolls_b);
        let faults = rolls_a.iter().filter(|f| f.is_some()).count();
        assert!((400..600).contains(&faults), "{faults}");
        assert_eq!(a.injected(), faults as u64);
    }

    #[test]
    fn delays_that_are_not_durations_are_refused_not_panicked_on() {
        for spec in [
            "delay=infs@0.1",
            "delay=NaNs@0.1",
            "delay=1e300s@0.1",
            "delay=-1s@0.1",
            "delay=3601s@0.1",
            "delay=99999999999999ms@0.1",
        ] {
            let err = spec.parse::<FaultPlan>().unwrap_err();
            assert!(err.to_string().contains("delay"), "{spec}: {err}");
        }
        assert!("delay=3600s@0.1".parse::<FaultPlan>().is_ok());
    }

    #[test]
    fn a_plan_prints_as_the_string_it_parses_from() {
        let spec = "http502=0.1,code:30006=0.05,truncate=0.02,delay=200ms@0.05,delay=1500ms@0.01,reset=0.01,lost=0.01";
        let plan: FaultPlan = spec.parse().unwrap();
        assert_eq!(plan.to_string(), spec);
        assert_eq!(plan.to_string().parse::<FaultPlan>().unwrap(), plan);
        assert_eq!(FaultPlan::none().to_string(), "");
    }

    #[test]
    fn a_new_plan_applies_from_the_next_request() {
        let injector = FaultInjector::new(FaultPlan::none(), 3);
        assert_eq!(injector.next(), None);
        injector.set_plan(FaultPlan::none().with(Fault::Code(ErrorCode(30006)), 1.0));
        assert_eq!(injector.next(), Some(Fault::Code(ErrorCode(30006))));
        injector.set_plan(FaultPlan::none());
        assert_eq!(injector.next(), None);
        assert_eq!(injector.injected(), 1);
    }

    #[test]
    fn scripted_faults_come_first() {
        let injector = FaultInjector::new(FaultPlan::none(), 1);
        injector.script(Fault::Reset);
        assert_eq!(injector.next(), Some(Fault::Reset));
        assert_eq!(injector.next(), None);
    }
}
