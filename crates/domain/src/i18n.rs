//! Every text a person reads, in their language (docs/i18n.md).
//!
//! The words live in one Project Fluent catalogue per language,
//! `locales/<language>/*.ftl`, compiled into the binary: a translator edits
//! those files and never Rust. Fluent chooses plural forms by CLDR's rules
//! ("1 partner", "2 partners"; "1 bekrachtiging", "3 bekrachtigingen"), and
//! every number a message shows is written by ICU4X in the language's own
//! form ("0,73" and "1.250" in Dutch, "0.73" and "1,250" in English). Dates
//! are ICU4X's too ("7 december 2026", "maandag 7 december 2026"), and a
//! moment is shown as the clock reads in Europe/Amsterdam, where the
//! networks meet, whatever the server's time zone.
//!
//! Code asks for a message by id with typed [`Arg`]s; the catalogue's tests
//! check that every id exists in every language with the same variables.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberOptions, FluentNumberStyle};
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDE, YMDT};
use icu_datetime::options::TimePrecision;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use intl_memoizer::Memoizable;
use unic_langid::LanguageIdentifier;

/// A language Eendracht speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// Dutch (Nederlands): the default of a new tenant.
    Nl,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Nl];

    /// A new tenant's language: Eendracht's networks read Dutch first.
    pub const TENANT_DEFAULT: Locale = Locale::Nl;

    /// The BCP 47 tag, and the folder of the catalogue's files.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Nl => "nl",
        }
    }

    /// The language of a stored tag; `None` for one Eendracht does not speak.
    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|locale| locale.tag() == tag)
    }

    /// The first supported language of an `Accept-Language` header, honouring
    /// q-values; `None` without the header or when it names none of them.
    pub fn from_accept_language(header: Option<&str>) -> Option<Self> {
        let mut ranges: Vec<(f32, Locale)> = header?
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q =
                    pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
                let locale = Locale::from_tag(tag.split('-').next()?)?;
                (q > 0.0).then_some((q, locale))
            })
            .collect();
        // Stable: equal q-values keep the header's order.
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranges.first().map(|(_, locale)| *locale)
    }

    fn index(self) -> usize {
        match self {
            Locale::En => 0,
            Locale::Nl => 1,
        }
    }
}

/// A value a message shows, typed so it is written the language's way.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A whole number: selects the plural form, written with grouping ("1.250").
    Count(u64),
    /// A measured figure, rounded to `digits` decimals ("0,73").
    Decimal { value: f64, digits: u8 },
    /// A share (0.73), written as a whole percentage ("73%").
    Percent(f64),
    /// A day, written in full ("7 december 2026").
    Date(NaiveDate),
    /// A day with its weekday ("maandag 7 december 2026").
    Day(NaiveDate),
    /// A moment, on the clock of Europe/Amsterdam ("7 december 2026 om 14:30").
    Moment(DateTime<Utc>),
    /// Text that is already in the reader's language, or a name.
    Text(String),
}

/// The catalogue's files, compiled in. A language's files together hold
/// every message id; `tests` checks they agree.
const FILES: [(Locale, &str, &str); 14] = [
    (Locale::En, "alignment.ftl", include_str!("../locales/en/alignment.ftl")),
    (Locale::En, "calendar.ftl", include_str!("../locales/en/calendar.ftl")),
    (Locale::En, "cycle.ftl", include_str!("../locales/en/cycle.ftl")),
    (Locale::En, "digest.ftl", include_str!("../locales/en/digest.ftl")),
    (Locale::En, "mail.ftl", include_str!("../locales/en/mail.ftl")),
    (Locale::En, "dossier.ftl", include_str!("../locales/en/dossier.ftl")),
    (Locale::En, "health.ftl", include_str!("../locales/en/health.ftl")),
    (Locale::Nl, "alignment.ftl", include_str!("../locales/nl/alignment.ftl")),
    (Locale::Nl, "calendar.ftl", include_str!("../locales/nl/calendar.ftl")),
    (Locale::Nl, "cycle.ftl", include_str!("../locales/nl/cycle.ftl")),
    (Locale::Nl, "digest.ftl", include_str!("../locales/nl/digest.ftl")),
    (Locale::Nl, "mail.ftl", include_str!("../locales/nl/mail.ftl")),
    (Locale::Nl, "dossier.ftl", include_str!("../locales/nl/dossier.ftl")),
    (Locale::Nl, "health.ftl", include_str!("../locales/nl/health.ftl")),
];

/// One bundle per language, in [`Locale::index`] order.
struct Catalogue {
    bundles: Vec<FluentBundle<FluentResource>>,
    dates: Vec<DateFormatters>,
}

struct DateFormatters {
    long: DateTimeFormatter<YMD>,
    with_weekday: DateTimeFormatter<YMDE>,
    moment: DateTimeFormatter<YMDT>,
}

/// Where the people who read Eendracht's texts keep their clocks.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// The day a moment falls on where the networks meet (Europe/Amsterdam).
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&TIME_ZONE).date_naive()
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let bundles = Locale::ALL.iter().map(|locale| bundle(*locale)).collect();
    let dates = Locale::ALL
        .iter()
        .map(|locale| {
            let prefs = icu_locale(*locale).into();
            DateFormatters {
                long: DateTimeFormatter::try_new(prefs, YMD::long()).expect("compiled date data"),
                with_weekday: DateTimeFormatter::try_new(prefs, YMDE::long()).expect("compiled date data"),
                moment: DateTimeFormatter::try_new(prefs, YMDT::long().with_time_precision(TimePrecision::Minute))
                    .expect("compiled date data"),
            }
        })
        .collect();
    Catalogue { bundles, dates }
});

fn language_identifier(locale: Locale) -> LanguageIdentifier {
    locale.tag().parse().expect("a valid language tag")
}

fn icu_locale(locale: Locale) -> icu_locale_core::Locale {
    locale.tag().parse().expect("a valid language tag")
}

/// A language's bundle. The files are part of the binary, so one that does
/// not parse is a build that must not ship: the catalogue's tests load every
/// bundle, and this panics at first use rather than show broken text.
fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![language_identifier(locale)]);
    // Plain text for JSON, mail and calendars: no Unicode isolation marks
    // around placeables (none of the languages is written right to left).
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(format_number));
    for (file_locale, name, source) in FILES {
        if file_locale != locale {
            continue;
        }
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("locales/{}/{name} does not parse: {errors:?}", locale.tag()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|errors| panic!("locales/{}/{name} repeats a message: {errors:?}", locale.tag()));
    }
    bundle
}

/// The message `id` in `locale`, with its arguments. A missing message or
/// argument is a bug the catalogue's tests catch; at run time it is logged
/// and the text shows what it could.
pub fn text(locale: Locale, id: &str, args: &[(&str, Arg)]) -> String {
    let catalogue = &*CATALOGUE;
    let bundle = &catalogue.bundles[locale.index()];
    let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
        tracing::error!(id, language = locale.tag(), "a message is missing from the catalogue");
        return id.to_owned();
    };
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, arg) in args {
        fluent_args.set(*name, value(catalogue, locale, arg));
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::error!(id, language = locale.tag(), ?errors, "a message did not format cleanly");
    }
    text
}

/// An argument as Fluent takes it: numbers stay numbers (their plural form
/// and their digits are the language's), dates are written out here.
fn value(catalogue: &Catalogue, locale: Locale, arg: &Arg) -> FluentValue<'static> {
    let number = |value: f64, style: FluentNumberStyle, digits: usize| {
        let options = FluentNumberOptions {
            style,
            minimum_fraction_digits: Some(digits),
            maximum_fraction_digits: Some(digits),
            ..FluentNumberOptions::default()
        };
        FluentValue::Number(FluentNumber::new(value, options))
    };
    match arg {
        // Default options, so a message's exact keys (`[0]`) match it too.
        Arg::Count(count) => FluentValue::Number(FluentNumber::new(*count as f64, FluentNumberOptions::default())),
        Arg::Decimal { value, digits } => number(*value, FluentNumberStyle::Decimal, usize::from(*digits)),
        Arg::Percent(share) => number(*share, FluentNumberStyle::Percent, 0),
        Arg::Date(day) | Arg::Day(day) => {
            let Ok(date) = icu_calendar::Date::try_new_iso(day.year(), day.month() as u8, day.day() as u8) else {
                return FluentValue::from(day.to_string());
            };
            let formatters = &catalogue.dates[locale.index()];
            let written = match arg {
                Arg::Day(_) => formatters.with_weekday.format(&date).to_string(),
                _ => formatters.long.format(&date).to_string(),
            };
            FluentValue::from(written)
        }
        Arg::Moment(at) => {
            let local = at.with_timezone(&TIME_ZONE).naive_local();
            let date = icu_calendar::Date::try_new_iso(local.year(), local.month() as u8, local.day() as u8);
            let time = icu_time::Time::try_new(local.hour() as u8, local.minute() as u8, 0, 0);
            let (Ok(date), Ok(time)) = (date, time) else { return FluentValue::from(at.to_rfc3339()) };
            let moment = icu_time::DateTime { date, time };
            FluentValue::from(catalogue.dates[locale.index()].moment.format(&moment).to_string())
        }
        Arg::Text(text) => FluentValue::from(text.clone()),
    }
}

/// ICU4X's decimal formatter for a bundle's language, made once per bundle
/// by Fluent's memoizer.
struct Decimals(DecimalFormatter);

impl Memoizable for Decimals {
    type Args = ();
    type Error = String;

    fn construct(lang: LanguageIdentifier, _: Self::Args) -> Result<Self, Self::Error> {
        let locale: icu_locale_core::Locale = lang.to_string().parse().map_err(|e| format!("{e:?}"))?;
        DecimalFormatter::try_new(locale.into(), Default::default()).map(Decimals).map_err(|e| format!("{e:?}"))
    }
}

/// Fluent's hook for writing a value: every number through ICU4X, rounded to
/// its options' digits; a percentage as a whole number and the sign.
fn format_number(value: &FluentValue, memoizer: &intl_memoizer::concurrent::IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else { return None };
    let percent = number.options.style == FluentNumberStyle::Percent;
    let figure = if percent { number.value * 100.0 } else { number.value };
    let digits = number.options.maximum_fraction_digits.unwrap_or(0).min(6) as i16;
    let written = memoizer
        .with_try_get::<Decimals, _, _>((), |decimals| {
            let mut decimal = Decimal::try_from_f64(figure, icu_decimal::input::FloatPrecision::RoundTrip).ok()?;
            decimal.round(-digits);
            decimal.pad_end(-digits);
            Some(decimals.0.format(&decimal).to_string())
        })
        .ok()
        .flatten()?;
    // CLDR writes the percent sign straight after the number in both languages.
    Some(if percent { format!("{written}%") } else { written })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Every message id of a language, with the variables its text uses.
    fn messages(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
        let mut out = BTreeMap::new();
        for (file_locale, _, source) in FILES {
            if file_locale != locale {
                continue;
            }
            let resource = fluent_syntax::parser::parse(source).expect("parses");
            for entry in resource.body {
                if let ast::Entry::Message(message) = entry {
                    let mut variables = BTreeSet::new();
                    if let Some(pattern) = &message.value {
                        pattern_variables(pattern, &mut variables);
                    }
                    out.insert(message.id.name.to_owned(), variables);
                }
            }
        }
        out
    }

    fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, out);
            }
        }
    }

    fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
        match expression {
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, out);
                for variant in variants {
                    pattern_variables(&variant.value, out);
                }
            }
            ast::Expression::Inline(inline) => inline_variables(inline, out),
        }
    }

    fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
            _ => {}
        }
    }

    #[test]
    fn every_message_is_in_every_language_with_the_same_variables() {
        let english = messages(Locale::En);
        assert!(!english.is_empty());
        for locale in Locale::ALL {
            assert_eq!(messages(locale), english, "{} differs from English", locale.tag());
            // And the bundle builds.
            let _ = bundle(locale);
        }
    }

    #[test]
    fn numbers_are_written_the_languages_way() {
        let figure = |locale, value| {
            let bundle = bundle(locale);
            let number = FluentValue::Number(FluentNumber::new(
                value,
                FluentNumberOptions {
                    minimum_fraction_digits: Some(2),
                    maximum_fraction_digits: Some(2),
                    ..Default::default()
                },
            ));
            bundle
                .format_pattern(
                    bundle.get_message("health-too-much-together").and_then(|m| m.value()).expect("a message"),
                    Some(&FluentArgs::from_iter([("share", number.clone()), ("threshold", number)])),
                    &mut Vec::new(),
                )
                .into_owned()
        };
        assert!(figure(Locale::Nl, 1250.5).starts_with("1.250,50 "), "{}", figure(Locale::Nl, 1250.5));
        assert!(figure(Locale::En, 1250.5).starts_with("1,250.50 "), "{}", figure(Locale::En, 1250.5));
        assert!(figure(Locale::Nl, 0.734).starts_with("0,73 "), "{}", figure(Locale::Nl, 0.734));
    }

    #[test]
    fn dates_are_written_out() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date");
        let catalogue = &*CATALOGUE;
        let written = |locale, arg: &Arg| match value(catalogue, locale, arg) {
            FluentValue::String(text) => text.into_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(written(Locale::Nl, &Arg::Date(day)), "7 december 2026");
        assert_eq!(written(Locale::Nl, &Arg::Day(day)), "maandag 7 december 2026");
        assert_eq!(written(Locale::En, &Arg::Date(day)), "December 7, 2026");
        assert_eq!(written(Locale::En, &Arg::Day(day)), "Monday, December 7, 2026");
        // 13:30 UTC is 14:30 in Amsterdam in winter, 15:30 in summer.
        let winter = DateTime::parse_from_rfc3339("2026-12-07T13:30:00Z").expect("a moment").to_utc();
        let summer = DateTime::parse_from_rfc3339("2026-06-01T13:30:00Z").expect("a moment").to_utc();
        assert_eq!(written(Locale::Nl, &Arg::Moment(winter)), "7 december 2026 om 14:30");
        // CLDR puts a narrow no-break space before the day period.
        assert_eq!(written(Locale::En, &Arg::Moment(summer)), "June 1, 2026 at 3:30\u{202f}PM");
    }

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(Locale::from_accept_language(None), None);
        assert_eq!(Locale::from_accept_language(Some("nl-NL,nl;q=0.9,en;q=0.8")), Some(Locale::Nl));
        assert_eq!(Locale::from_accept_language(Some("de-DE, en;q=0.5, nl;q=0.7")), Some(Locale::Nl));
        assert_eq!(Locale::from_accept_language(Some("fr")), None);
        assert_eq!(Locale::from_accept_language(Some("nl;q=0, en")), Some(Locale::En));
    }
}
