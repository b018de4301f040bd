//! Suites: the grading framework, the action vocabulary and the test cases, loaded from
//! YAML, validated against the published schemas and against each other, and hashed.

pub mod coverage;
pub mod load;
pub mod model;
pub mod params;
pub mod phrasing;
pub mod select;
pub mod variants;

pub use load::{
    COMMON, LoadedCase, LoadedSuite, check_suite_file, load_framework, load_suite,
    load_suite_without_fixtures,
};
pub use model::{Case, Check, FileRef, FixtureData, Framework, Mode};
pub use variants::{VariantPool, load_variants};
