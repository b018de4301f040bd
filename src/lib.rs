//! ailevel — a conformance test harness for GB/Z 177—2026 《人工智能终端智能化分级》.
//!
//! The modules follow the data: a [`suite`] (framework + cases) is loaded and validated, a
//! [`device`] is driven through an adapter by the [`run`]ner, what it did is [`score`]d, its
//! level is decided by [`grade`], and a [`report`] is rendered from the [`results`] model alone.
#![deny(unsafe_code)]

pub mod attest;
pub mod catalog;
pub mod commands;
pub mod device;
pub mod embedded;
pub mod error;
pub mod files;
pub mod grade;
pub mod hash;
pub mod lab;
pub mod msg;
pub mod report;
pub mod results;
pub mod run;
pub mod schema;
pub mod score;
pub mod sim;
pub mod suite;
pub mod text;
pub mod world;
pub mod yaml;

pub use error::{Error, ExitCode};

/// The harness version recorded in every results file.
pub const HARNESS_VERSION: &str = env!("CARGO_PKG_VERSION");
