//! The published JSON Schemas (`schemas/*.schema.json`) and validation against them.
//!
//! The schemas are generated from the Rust types with schemars, committed, and embedded here;
//! a test regenerates them and fails when the committed files drift
//! (`UPDATE_SCHEMAS=1 cargo test schema` rewrites them). Only that test names the types, so
//! every loader can validate here without this module depending on what it loads.

use std::sync::OnceLock;

use jsonschema::Validator;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Framework,
    Suite,
    Actions,
    Profile,
    Results,
    Judge,
    Lab,
    Session,
    Variants,
    CatalogPolicy,
    Journal,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Framework,
        Kind::Suite,
        Kind::Actions,
        Kind::Profile,
        Kind::Results,
        Kind::Judge,
        Kind::Lab,
        Kind::Session,
        Kind::Variants,
        Kind::CatalogPolicy,
        Kind::Journal,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Framework => "framework.schema.json",
            Kind::Suite => "suite.schema.json",
            Kind::Actions => "actions.schema.json",
            Kind::Profile => "profile.schema.json",
            Kind::Results => "results.schema.json",
            Kind::Judge => "judge.schema.json",
            Kind::Lab => "lab.schema.json",
            Kind::Session => "session.schema.json",
            Kind::Variants => "variants.schema.json",
            Kind::CatalogPolicy => "catalog-policy.schema.json",
            Kind::Journal => "journal-header.schema.json",
        }
    }

    fn embedded(self) -> &'static str {
        match self {
            Kind::Framework => include_str!("../schemas/framework.schema.json"),
            Kind::Suite => include_str!("../schemas/suite.schema.json"),
            Kind::Actions => include_str!("../schemas/actions.schema.json"),
            Kind::Profile => include_str!("../schemas/profile.schema.json"),
            Kind::Results => include_str!("../schemas/results.schema.json"),
            Kind::Judge => include_str!("../schemas/judge.schema.json"),
            Kind::Lab => include_str!("../schemas/lab.schema.json"),
            Kind::Session => include_str!("../schemas/session.schema.json"),
            Kind::Variants => include_str!("../schemas/variants.schema.json"),
            Kind::CatalogPolicy => include_str!("../schemas/catalog-policy.schema.json"),
            Kind::Journal => include_str!("../schemas/journal-header.schema.json"),
        }
    }

    /// Each schema is compiled the first time it is needed and kept: a command loading a
    /// suite compiles the suite schemas only, not results.schema.json (the largest).
    fn validator(self) -> &'static Validator {
        static V: [OnceLock<Validator>; Kind::ALL.len()] =
            [const { OnceLock::new() }; Kind::ALL.len()];
        let i = Kind::ALL.iter().position(|k| *k == self).unwrap_or(0);
        V[i].get_or_init(|| {
            let v: Value = serde_json::from_str(self.embedded())
                .expect("embedded schema is valid JSON (checked by tests)");
            jsonschema::validator_for(&v).expect("embedded schema compiles (checked by tests)")
        })
    }
}

/// Compile the schemas of `kinds` now, so that a later [`validate`] finds them ready: called
/// on another thread while the caller reads its input, the compiling costs no wall time.
pub fn prepare(kinds: &[Kind]) {
    for kind in kinds {
        kind.validator();
    }
}

/// One schema violation: where in the instance, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

/// Validate `instance` against the schema of `kind`; at most `limit` violations are returned.
pub fn validate(kind: Kind, instance: &Value, limit: usize) -> Vec<Violation> {
    kind.validator()
        .iter_errors(instance)
        .take(limit)
        .map(|e| Violation {
            pointer: e.instance_path().as_str().to_string(),
            message: short(&e.to_string()),
        })
        .collect()
}

/// jsonschema quotes whole instances in messages; a suite case can be long, so cut it.
fn short(s: &str) -> String {
    crate::text::truncate(s, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema of `kind` as generated from the Rust types now. Only tests need it: the
    /// library validates against the committed files, so it depends on no model type.
    fn generate(kind: Kind) -> Value {
        let schema = match kind {
            Kind::Framework => schemars::schema_for!(crate::suite::model::Framework),
            Kind::Suite => schemars::schema_for!(crate::suite::model::SuiteFile),
            Kind::Actions => schemars::schema_for!(crate::suite::model::ActionVocabulary),
            Kind::Profile => schemars::schema_for!(crate::device::Profile),
            Kind::Results => schemars::schema_for!(crate::results::Results),
            Kind::Judge => schemars::schema_for!(crate::run::judge::JudgeProfile),
            Kind::Lab => schemars::schema_for!(crate::lab::Lab),
            Kind::Session => schemars::schema_for!(crate::lab::Session),
            Kind::Variants => schemars::schema_for!(crate::suite::model::VariantFile),
            Kind::CatalogPolicy => schemars::schema_for!(crate::catalog::policy::Policy),
            Kind::Journal => schemars::schema_for!(crate::run::journal::Header),
        };
        schema.to_value()
    }

    #[test]
    fn committed_schemas_match_the_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        for kind in Kind::ALL {
            let generated = serde_json::to_string_pretty(&generate(kind)).unwrap() + "\n";
            let path = dir.join(kind.file_name());
            if std::env::var_os("UPDATE_SCHEMAS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            // Not assert_eq: the schemas are long and the diff is what `git diff` is for.
            assert!(
                committed == generated,
                "{} is stale: run `UPDATE_SCHEMAS=1 cargo test schema`",
                kind.file_name()
            );
        }
    }

    #[test]
    fn embedded_schemas_compile() {
        for kind in Kind::ALL {
            let _ = kind.validator();
        }
    }
}
