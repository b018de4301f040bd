//! Loading a device profile (TOML): its schema, then what it names checked against the
//! framework — category, features, declared level.

use std::path::Path;

use super::profile::{AdapterConfig, Profile};
use crate::error::{Error, Problem, Result};
use crate::files::{parse_toml, read_text, toml_line_of};
use crate::hash::sha256_hex;
use crate::schema::Kind;
use crate::suite::model::Framework;

/// Largest profile we read.
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// Load and check a device profile against the framework; returns it with its SHA-256.
pub fn load_profile(path: &Path, fw: &Framework) -> Result<(Profile, String)> {
    let text = read_text(path, MAX_PROFILE_BYTES)?;
    let profile: Profile = parse_toml(path, &text, Kind::Profile)?;
    let mut problems = Vec::new();
    let mut push = |field: &str, message: String| {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: toml_line_of(&text, field),
            column: None,
            field: Some(field.to_string()),
            message,
        })
    };
    if !fw.categories.iter().any(|c| c.id == profile.category) {
        push(
            "/category",
            format!("category `{}` is not in the framework", profile.category),
        );
    }
    for (i, f) in profile.features.iter().enumerate() {
        if !fw.features.iter().any(|x| &x.id == f) {
            push(&format!("/features/{i}"), format!("unknown feature `{f}`"));
        }
    }
    if let Some(l) = &profile.declared_level
        && !fw.levels.iter().any(|x| &x.id == l)
    {
        push(
            "/declared_level",
            format!("level `{l}` is not in the framework"),
        );
    }
    if let AdapterConfig::Sim(sim) = &profile.adapter
        && sim.latency_ms[0] > sim.latency_ms[1]
    {
        push("/adapter/latency_ms", "min latency is above max".into());
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok((profile, sha256_hex(text.as_bytes())))
}
