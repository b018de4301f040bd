//! Value parsers for enumerated flags whose types live in the library. Each type parses with
//! its own `FromStr`, so a wrong value gets the library's message ("unknown report format
//! `pdf` (expected …)"), while clap learns the possible values for completions.

use std::ffi::OsStr;
use std::marker::PhantomData;
use std::str::FromStr;

use clap::ValueEnum;
use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};

use crate::device::profile::Endpoint;
use crate::report::{Format, Lang};
use crate::suite::phrasing::Phrasing;

/// `value_parser = Named::<T>::new()`.
#[derive(Debug)]
pub struct Named<T>(PhantomData<fn() -> T>);

impl<T> Named<T> {
    pub fn new() -> Self {
        Named(PhantomData)
    }
}

impl<T> Clone for Named<T> {
    fn clone(&self) -> Self {
        Named(PhantomData)
    }
}

impl<T> TypedValueParser for Named<T>
where
    T: ValueEnum + FromStr + Clone + Send + Sync + 'static,
    T::Err: Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
{
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        StringValueParser::new()
            .try_map(|s| s.parse::<T>())
            .parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            T::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

impl ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &[Lang::Zh, Lang::En]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &Format::NAMED
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for Endpoint {
    fn value_variants<'a>() -> &'a [Self] {
        &Endpoint::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

impl ValueEnum for Phrasing {
    fn value_variants<'a>() -> &'a [Self] {
        &Phrasing::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

/// `--latency-ms MS` or `MIN..MAX`.
pub fn latency(s: &str) -> Result<[u64; 2], String> {
    let num = |x: &str| x.trim().parse::<u64>().map_err(|e| format!("`{x}`: {e}"));
    match s.split_once("..") {
        Some((a, b)) => Ok([num(a)?, num(b)?]),
        None => num(s).map(|v| [v, v]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_parses_from_its_possible_value() {
        fn round_trip<T: ValueEnum + FromStr + PartialEq + std::fmt::Debug>() {
            for v in T::value_variants() {
                let name = v.to_possible_value().unwrap();
                assert_eq!(name.get_name().parse::<T>().ok().as_ref(), Some(v));
            }
        }
        round_trip::<Lang>();
        round_trip::<Format>();
        round_trip::<Endpoint>();
        round_trip::<Phrasing>();
    }

    #[test]
    fn latency_is_one_value_or_a_range() {
        assert_eq!(latency("5"), Ok([5, 5]));
        assert_eq!(latency("5..40"), Ok([5, 40]));
        assert!(latency("x").is_err());
    }
}
