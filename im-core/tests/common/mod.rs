//! Helpers shared by the integration tests.

pub mod log_capture;
