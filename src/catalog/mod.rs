//! The AI-terminal product catalogue of the trade-in (以旧换新) programme: one entry per
//! certificate — vendor, model and firmware version, SKUs and marketing names, category,
//! level, lab, dates — with the signed envelope and the results file it was added from.
//!
//! Nothing is overwritten. An entry is written once, when `catalog add` has verified its
//! envelope against the catalogue's trusted lab keys; revocation is an event appended to its
//! history; the state shown (certified, provisional, superseded, revoked, expired) is derived
//! from the entry, its events, the other entries of the same model and the date asked about
//! ([`state_of`]), so the same database answers the same way for the same date.
//!
//! Storage is SQLite (one file, the default) or PostgreSQL for a shared catalogue, one schema
//! for both with numbered migrations ([`store`]). Eligibility for the programme is a policy
//! file the programme writes ([`policy`]), applied by [`check`]
//! to one unit and by [`import`] to a store's list. The staff page and its JSON API are in
//! [`web`]. Operators' guide: docs/catalog.md.

pub mod check;
pub mod entry;
pub mod import;
pub mod policy;
pub mod store;
pub mod web;

pub use entry::{
    Entry, Event, Extra, Listed, NewEntry, State, key, model_key, new_entry, parse_date, state_of,
    today, with_states,
};
pub use store::{Store, listed};
