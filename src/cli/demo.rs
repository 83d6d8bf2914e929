//! `eendracht demo`: a realistic demo network, loaded once; running it again
//! changes nothing and prints the same sign-in details.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clock::{Clock, SystemClock};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::Settings;
use crate::demo::{self, DemoSummary};
use crate::startup::{hs_secret, minter, open_database};
use secrecy::ExposeSecret;

/// Where `serve` listens by default.
const DEFAULT_GRAPHQL_URL: &str = "http://127.0.0.1:8080/graphql";
/// How long the printed tokens are valid.
const TOKEN_TTL: Duration = Duration::from_secs(8 * 60 * 60);

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Also print each person's digest of the last week (`viewer.digest`), in
    /// their language.
    #[arg(long)]
    pub digests: bool,

    /// Also print the reminders the network's rules would send in the coming
    /// week, each as its mail reads, in its recipient's language.
    #[arg(long)]
    pub reminders: bool,
}

pub async fn run(settings: &Settings, args: &Args) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let loaded = match demo::load(&db, SystemClock.now()).await {
        Ok(summary) => with_feeds(settings, &db, summary).await,
        Err(error) => Err(error),
    };
    let digests = match (&loaded, args.digests) {
        (Ok(_), true) => Some(demo::digests(&db, SystemClock.now()).await),
        _ => None,
    };
    let reminders = match (&loaded, args.reminders) {
        (Ok(_), true) => Some(demo::reminders(&db, SystemClock.now()).await),
        _ => None,
    };
    db.close().await;
    print_summary(settings, &loaded?, DEFAULT_GRAPHQL_URL)?;
    if let Some(digests) = digests {
        for (subject, markdown) in digests? {
            println!();
            println!("# ---- the week's digest of `{subject}` ----");
            println!("{markdown}");
        }
    }
    if let Some(reminders) = reminders {
        let reminders = reminders?;
        println!();
        println!("# ---- {} reminders the network's rules would send this week ----", reminders.len());
        for (day, preview) in reminders {
            println!();
            println!("## {day}, to {}", preview.to.as_deref().unwrap_or("(no address: recorded, not mailed)"));
            println!("Subject: {}", preview.mail.subject);
            println!();
            println!("{}", preview.mail.text);
        }
    }
    Ok(())
}

/// The summary with each showcase person's calendar feed, made once; none
/// without a token-signing secret to derive them from.
pub async fn with_feeds(
    settings: &Settings,
    db: &crate::store::Db,
    mut summary: DemoSummary,
) -> anyhow::Result<DemoSummary> {
    if let Some(secret) = hs_secret(settings)? {
        summary.feeds = demo::calendar_feeds(db, secret.expose_secret().as_bytes(), SystemClock.now()).await?;
    }
    Ok(summary)
}

/// Prints the demo tenant, a token for each showcase person and first
/// queries to try; `serve --demo` prints the same.
pub fn print_summary(settings: &Settings, summary: &DemoSummary, graphql_url: &str) -> anyhow::Result<()> {
    let minter = minter(settings)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let state = if summary.created { "loaded" } else { "already present, nothing changed" };
    println!("Demo tenant `{}` ({}): {state}", summary.tenant_slug, summary.tenant_name);
    println!("Network: {}", summary.network_name);
    println!();
    let mut facilitator_token = None;
    let base = graphql_url.trim_end_matches("/graphql");
    for person in &summary.people {
        let token = minter.mint(&summary.tenant_slug, person.subject, TOKEN_TTL, now)?;
        println!("{:<12} {} ({}), subject `{}`", person.role, person.name, person.description, person.subject);
        println!("             token (8h): {token}");
        match summary.feeds.iter().find(|(subject, _)| *subject == person.subject) {
            Some((_, Some(feed))) => println!("             calendar:   {base}/calendar/{feed}.ics"),
            Some((_, None)) => println!("             calendar:   revoked (createCalendarFeed makes another)"),
            None => {}
        }
        if person.role == "facilitator" {
            facilitator_token = Some(token);
        }
    }
    let network = network_global_id(summary);
    let facilitator_query = format!(
        "{{ network(id: \"{network}\") {{ name charterVersions {{ version adoptedAt }} \
         partners(status: [ACTIVE, LEFT]) {{ edges {{ node {{ organisation {{ name }} status leftReason \
         acknowledgedCharterVersion }} }} }} \
         commitments(first: 50) {{ edges {{ node {{ title scope kind status needsReplanning ratificationStatus }} }} }} }} }}"
    );
    println!();
    if settings.is_production() {
        println!("GraphQL: {graphql_url} (production serves no GraphiQL)");
    } else {
        println!("GraphiQL: {graphql_url}");
        if let Some(token) = &facilitator_token {
            println!(
                "Open GraphiQL as the facilitator, token and first query filled in (the part after # stays in your browser):"
            );
            println!("{}", graphiql_link(graphql_url, token, &facilitator_query));
        }
    }
    println!("Or put {{\"Authorization\": \"Bearer <token>\"}} in the headers pane, then try:");
    println!();
    println!("# as the facilitator: the network, its partners (one left) and its commitments");
    println!("{facilitator_query}");
    println!();
    println!("# as the facilitator: two alignment rounds, the second far less aligned");
    println!(
        "{{ network(id: \"{network}\") {{ alignmentRounds {{ edges {{ node {{ status closedAt \
         results {{ respondentCount alignmentIndex alignmentIndexChange }} }} }} }} }} }}"
    );
    println!();
    println!("# as the supervisor: what the Raad van Commissarissen must still decide");
    println!(
        "{{ viewer {{ signedInPerson {{ name }} pendingDecisions {{ status dueOn body {{ name }} commitment {{ title }} }} }} }}"
    );
    println!();
    println!("# as the facilitator (everything) or the director (their own organisation); staff get null.");
    println!(
        "# How the collaboration is doing, in Dutch unless you chose otherwise; locale: EN (or Accept-Language: en) for English"
    );
    println!(
        "{{ network(id: \"{network}\") {{ health(locale: EN) {{ view expectations {{ alignmentIndex alignmentTrend \
         mostDivergentQuestion {{ key value }} }} backing {{ openRatifications overdueCount partners {{ organisation {{ name }} \
         followingThrough }} }} focus {{ byScope {{ scope share }} daysSinceLastQuickWin }} \
         signals {{ kind severity message }} }} }} }}"
    );
    Ok(())
}

/// A link that opens GraphiQL with `token` in its headers editor and `query`
/// in its query editor. Both travel in the fragment, which a browser never
/// sends, so the token reaches no server log.
fn graphiql_link(graphql_url: &str, token: &str, query: &str) -> String {
    let fragment = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("query", query)
        .finish();
    format!("{graphql_url}#{fragment}")
}

/// The network's global id, as the API encodes it (base64url of
/// `Network:<uuid>`; the encoding lives privately in `graphql::ids`).
fn network_global_id(summary: &DemoSummary) -> String {
    URL_SAFE_NO_PAD.encode(format!("Network:{}", summary.network_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_graphiql_link_carries_token_and_query_in_its_fragment_only() {
        let link = graphiql_link("http://127.0.0.1:8080/graphql", "a.b-c_d", "{ viewer { person { name } } } # & = +");
        let (address, fragment) = link.split_once('#').expect("a fragment");
        assert_eq!(address, "http://127.0.0.1:8080/graphql");
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(fragment.as_bytes()).into_owned().collect();
        assert_eq!(
            pairs,
            [("token".into(), "a.b-c_d".into()), ("query".into(), "{ viewer { person { name } } } # & = +".into())]
        );
    }
}
