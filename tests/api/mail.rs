//! Reminders and mail through a real SMTP server: Python's aiosmtpd, started
//! by each test (`tests/mail/sink.py`), which parses every message it takes
//! with Python's own strict e-mail parser. The mails arrive once, as valid
//! MIME, to the right people in their language, hold what the API shows
//! them, and their one-click unsubscribe works without a login. A server
//! that is down, refuses for a while, or a worker that dies with a lease, is
//! retried without a duplicate.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use chrono::{Datelike, Duration, TimeZone, Utc};
use eendracht::mail::{MailSettings, MailTick, MailWorker, Smtp};
use eendracht::service::mail::MailSetup;
use eendracht::store::{Access, Store};
use serde_json::{Value, json};

use crate::both;
use crate::dossiers::{agreed_initiative, ratification};
use crate::helpers::{NetWorld, TestApp, net_world};

const PREFERENCES: &str =
    "{ viewer { mailPreferences { digestRhythm reminders lastDigestAt addressDisabledAt addressDisabledReason }
    reminders { rule subjectId networkId dueOn createdAt } } }";
const SET: &str = "mutation($input: SetMailPreferencesInput!) { setMailPreferences(input: $input) {
    mailPreferences { digestRhythm reminders addressDisabledAt } } }";
const RECORD: &str = "mutation($input: RecordRatificationOutcomeInput!) { recordRatificationOutcome(input: $input) {
    ratification { status } } }";

/// A running aiosmtpd on a port of its own; stops when dropped.
pub(crate) struct Sink {
    pub(crate) port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("address").port()
}

impl Sink {
    /// Starts the server on `port` with `options`; `None` where aiosmtpd is
    /// missing outside CI.
    pub(crate) fn start(port: u16, options: &[&str]) -> Option<Sink> {
        let dir = tempfile::tempdir().expect("a directory");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mail/sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .args(options)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a line");
        if line.trim() != "ready" {
            let mut error = String::new();
            use std::io::Read;
            child.stderr.take().expect("stderr").read_to_string(&mut error).expect("stderr");
            let _ = child.wait();
            if error.contains("No module named 'aiosmtpd'") && std::env::var("CI").is_err() {
                eprintln!("skipped the SMTP test: pip install aiosmtpd");
                return None;
            }
            panic!("the SMTP server did not start: {error}");
        }
        Some(Sink { port, dir, child })
    }

    /// Every message taken so far, in order, as the server's parser read it.
    pub(crate) fn mails(&self) -> Vec<Value> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("the directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names.iter().map(|p| serde_json::from_slice(&std::fs::read(p).expect("read")).expect("json")).collect()
    }
}

/// The worker as production runs it, on the test's clock and without
/// jitter, sending to `port` as `Eendracht <noreply@eendracht.test>`.
pub(crate) fn worker(app: &TestApp, port: Option<u16>) -> MailWorker {
    let smtp = port.map(|port| Smtp {
        url: format!("smtp://127.0.0.1:{port}").into(),
        from: "Eendracht <noreply@eendracht.test>".parse().expect("a mailbox"),
        setup: MailSetup { base_url: app.address.clone(), domain: "eendracht.test".to_owned(), subject_link: None },
    });
    let settings = MailSettings { smtp, send_timeout: std::time::Duration::from_secs(5), ..MailSettings::default() };
    MailWorker::new(app.app_db.clone(), Arc::new(app.clock.clone()), settings)
        .expect("worker")
        .with_jitter(Arc::new(|| 0.0))
}

async fn tick(worker: &MailWorker) -> MailTick {
    worker.tick().await.expect("a tick")
}

/// The initiative of `agreed_initiative`, the municipality's executive
/// board decided; the corporation's executive and supervisory boards still
/// have to. The corporation's director reads English.
async fn waiting_for_two_boards(app: &TestApp, w: &NetWorld) -> crate::helpers::Member {
    let (commitment, supervisor) = agreed_initiative(app, w).await;
    let board = ratification(app, w, &commitment, &w.orgs[1], "EXECUTIVE_BOARD").await;
    app.ok(
        &w.directors[1].token,
        RECORD,
        json!({ "input": { "ratificationId": board["id"], "expectedVersion": board["version"], "outcome": "APPROVED",
            "decidedOn": app.clock_now().date_naive().format("%Y-%m-%d").to_string(), "minutesReference": "Besluitenlijst B&W 12" } }),
    )
    .await;
    app.ok(&w.directors[0].token, "mutation { setLanguage(input: { language: EN }) { person { id } } }", json!({}))
        .await;
    supervisor
}

/// The text part, with the line ends of the text (mail writes CRLF).
pub(crate) fn text_part(mail: &Value) -> String {
    mail["parts"].as_array().expect("parts").iter().find(|p| p["type"] == "text/plain").expect("a text part")["content"]
        .as_str()
        .expect("text")
        .replace("\r\n", "\n")
}

pub(crate) fn assert_well_formed(mail: &Value) {
    assert_eq!(mail["defects"], json!([]), "the strict parser found no defect: {mail}");
    assert_eq!(mail["contentType"], "multipart/alternative");
    let types: Vec<&str> =
        mail["parts"].as_array().expect("parts").iter().map(|p| p["type"].as_str().expect("type")).collect();
    assert_eq!(types, ["text/plain", "text/html"]);
    for part in mail["parts"].as_array().expect("parts") {
        assert_eq!(part["charset"], "utf-8");
    }
    assert_eq!(mail["listUnsubscribePost"], "List-Unsubscribe=One-Click", "RFC 8058");
    assert!(mail["listUnsubscribe"].as_str().expect("header").starts_with("<http"), "{mail}");
    assert_eq!(mail["autoSubmitted"], "auto-generated");
    assert_eq!(mail["from"], "Eendracht <noreply@eendracht.test>");
    assert!(mail["messageId"].as_str().expect("id").ends_with("@eendracht.test>"));
}

/// What `exportPersonData` holds about `person`, as the tenant's admin asks.
async fn export(app: &TestApp, w: &NetWorld, person: &str) -> Value {
    let query = "mutation($p: ID!) { exportPersonData(input: { personId: $p }) { data } }";
    app.ok(&w.admin, query, json!({ "p": person })).await["exportPersonData"]["data"].clone()
}

/// The URL inside `<…>` of List-Unsubscribe.
fn unsubscribe_url(mail: &Value) -> String {
    mail["listUnsubscribe"].as_str().expect("header").trim_matches(|c| c == '<' || c == '>').to_owned()
}

both!(reminders_reach_the_members_of_bodies_that_have_not_decided_once_and_in_their_language, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    let port = free_port();
    let Some(sink) = Sink::start(port, &[]) else { return };
    let worker = worker(&app, Some(sink.port));

    // Decisions are due in 42 days (the ratification window); the rule
    // reminds 7 days before, so nothing yet.
    assert_eq!(tick(&worker).await, MailTick::default());
    app.clock.advance(Duration::days(35));
    let first = tick(&worker).await;
    assert_eq!((first.reminders, first.attempted, first.sent), (2, 2, 2), "{first:?}");
    let mails = sink.mails();
    assert_eq!(mails.len(), 2);
    let to = |address: &str| {
        mails.iter().find(|m| m["rcptTos"] == json!([address])).unwrap_or_else(|| panic!("a mail to {address}"))
    };
    let dutch = to("acme-rvc@example.nl");
    assert_well_formed(dutch);
    assert_eq!(dutch["to"], "acme-rvc@example.nl");
    assert_eq!(dutch["contentLanguage"], "nl");
    assert!(
        dutch["subject"]
            .as_str()
            .expect("subject")
            .starts_with("Herinnering: besluit over ‘Wonen met zorg’ uiterlijk "),
        "{dutch}"
    );
    let text = text_part(dutch);
    assert!(text.starts_with("Beste acme-rvc,\n\nRaad van Commissarissen keurt ‘Wonen met zorg’ goed"), "{text:?}");
    assert!(text.contains(&unsubscribe_url(dutch)), "the text holds the same link as the header");
    let english = to("acme-dir0@example.nl");
    assert_well_formed(english);
    assert_eq!(english["contentLanguage"], "en");
    assert!(english["subject"].as_str().expect("subject").starts_with("Reminder: decision on “Wonen met zorg” due "));
    assert!(
        text_part(english).starts_with("Dear acme-dir0,\n\nBestuur decides on “Wonen met zorg”, by "),
        "{}",
        text_part(english)
    );
    assert!(
        mails.iter().all(|m| m["rcptTos"] != json!(["acme-dir1@example.nl"])),
        "the board that decided is not reminded"
    );

    // Once per rule, subject and person, however often the worker looks.
    app.clock.advance(Duration::days(3));
    assert_eq!(tick(&worker).await, MailTick::default());
    assert_eq!(sink.mails().len(), 2);
    let seen = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    let reminders = seen["viewer"]["reminders"].as_array().expect("reminders");
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0]["rule"], "RATIFICATION_DUE");
    assert_eq!(reminders[0]["networkId"], json!(w.network));
    let director = app.ok(&w.directors[1].token, PREFERENCES, json!({})).await;
    assert_eq!(director["viewer"]["reminders"], json!([]));
});

both!(a_round_closing_reminds_only_the_invitees_who_have_not_answered, |app| {
    let w = net_world(&app, "acme").await;
    let closes = app.clock_now() + Duration::days(5);
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id questions { key } } } }",
            json!({ "input": { "networkId": w.network, "closesAt": closes.to_rfc3339() } }),
        )
        .await;
    let round = &round["openAlignmentRound"]["alignmentRound"];
    let answers: Vec<Value> = round["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| json!({ "questionKey": q["key"], "score": 4 }))
        .collect();
    app.ok(
        &w.directors[0].token,
        "mutation($r: ID!, $a: [AlignmentAnswerInput!]!) { submitAlignmentResponse(input: { roundId: $r, answers: $a }) { alignmentRound { id } } }",
        json!({ "r": round["id"], "a": answers }),
    )
    .await;
    let Some(sink) = Sink::start(free_port(), &[]) else { return };
    let worker = worker(&app, Some(sink.port));
    app.clock.advance(Duration::days(3) + Duration::hours(1));
    let done = tick(&worker).await;
    let rcpts: Vec<Value> = sink.mails().iter().map(|m| m["rcptTos"][0].clone()).collect();
    assert_eq!(done.sent, rcpts.len());
    assert!(
        rcpts.contains(&json!("acme-dir1@example.nl")) && rcpts.contains(&json!("acme-dir2@example.nl")),
        "{rcpts:?}"
    );
    assert!(!rcpts.contains(&json!("acme-dir0@example.nl")), "who answered is not reminded");
    let mail = &sink.mails()[0];
    assert_well_formed(mail);
    assert!(
        mail["subject"]
            .as_str()
            .expect("subject")
            .starts_with("Herinnering: de afstemmingsronde van Regio Oost sluit op ")
    );
});

both!(a_weekly_digest_arrives_on_monday_morning_as_the_api_shows_it, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    app.ok(&supervisor.token, "mutation { setLanguage(input: { language: EN }) { person { id } } }", json!({})).await;
    let set =
        app.ok(&supervisor.token, SET, json!({ "input": { "digestRhythm": "WEEKLY", "reminders": false } })).await;
    assert_eq!(
        set["setMailPreferences"]["mailPreferences"],
        json!({ "digestRhythm": "WEEKLY", "reminders": false, "addressDisabledAt": null })
    );
    let since = app.clock_now();
    let Some(sink) = Sink::start(free_port(), &[]) else { return };
    let worker = worker(&app, Some(sink.port));

    // The next Monday, 07:30 in Amsterdam.
    let today = eendracht::i18n::local_day(app.clock_now());
    let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
    let at = eendracht::i18n::TIME_ZONE
        .from_local_datetime(&monday.and_hms_opt(7, 30, 0).expect("a time"))
        .single()
        .expect("a moment")
        .with_timezone(&Utc);
    app.clock.set(at - Duration::hours(1));
    assert_eq!(tick(&worker).await.digests, 0, "not before seven");
    app.clock.set(at);
    assert_eq!(tick(&worker).await.digests, 1);
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_well_formed(mail);
    assert_eq!(mail["rcptTos"], json!(["acme-rvc@example.nl"]));
    assert_eq!(mail["contentLanguage"], "en");
    assert_eq!(mail["subject"], "Your weekly digest: one item awaits you");
    // The mail is the person's own digest, as the API shows it to them.
    let api = app
        .ok(
            &supervisor.token,
            "query($s: DateTime!) { viewer { digest(since: $s) { markdown } } }",
            json!({ "s": since.to_rfc3339() }),
        )
        .await;
    let markdown = api["viewer"]["digest"]["markdown"].as_str().expect("markdown");
    assert!(text_part(mail).starts_with(markdown), "{}\n---\n{markdown}", text_part(mail));
    assert!(text_part(mail).contains("because you chose to"));
    // Once per week.
    app.clock.advance(Duration::days(2));
    assert_eq!(tick(&worker).await.digests, 0);
    assert_eq!(sink.mails().len(), 1);
});

both!(one_click_unsubscribe_needs_no_login_and_a_plain_visit_changes_nothing, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    let Some(sink) = Sink::start(free_port(), &[]) else { return };
    let worker = worker(&app, Some(sink.port));
    app.clock.advance(Duration::days(35));
    tick(&worker).await;
    let mail = sink.mails().into_iter().find(|m| m["rcptTos"] == json!(["acme-rvc@example.nl"])).expect("the reminder");
    let url = unsubscribe_url(&mail);
    assert!(url.starts_with(&format!("{}/mail/unsubscribe/", app.address)), "{url}");

    // A link checker's GET: a page with a button, nothing changed.
    let page = app.client.get(&url).send().await.expect("answers");
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-security-policy"].to_str().expect("csp").contains("form-action 'self'"));
    let html = page.text().await.expect("html");
    assert!(
        html.contains("<html lang=\"nl\">") && html.contains("Wilt u geen herinneringen meer per e-mail ontvangen?"),
        "{html}"
    );
    let before = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    assert_eq!(before["viewer"]["mailPreferences"]["reminders"], true);

    // The mail client's one click (RFC 8058): no token, no cookie.
    let clicked = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("answers");
    assert_eq!(clicked.status(), 200);
    assert!(clicked.text().await.expect("html").contains("U bent afgemeld."));
    let after = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    assert_eq!(after["viewer"]["mailPreferences"]["reminders"], false);
    assert_eq!(after["viewer"]["mailPreferences"]["digestRhythm"], "OFF");
    // Clicking again is fine and changes nothing more.
    assert_eq!(app.client.post(&url).body("List-Unsubscribe=One-Click").send().await.expect("answers").status(), 200);

    // A guessed link is a 404, like any secret URL.
    let guessed = format!("{}/mail/unsubscribe/{}", app.address, "A".repeat(64));
    assert_eq!(app.client.post(&guessed).send().await.expect("answers").status(), 404);
});

both!(a_server_that_is_down_or_refuses_and_a_worker_that_dies_are_retried_without_duplicates, |app| {
    let w = net_world(&app, "acme").await;
    waiting_for_two_boards(&app, &w).await;
    let port = free_port();
    let worker = worker(&app, Some(port));
    app.clock.advance(Duration::days(35));

    // Down: nothing listens. The reminders are recorded, their mails wait.
    let down = tick(&worker).await;
    assert_eq!((down.reminders, down.attempted, down.sent), (2, 2, 0), "{down:?}");
    // Up, but refusing the first message for a while (451).
    let Some(sink) = Sink::start(port, &["--refuse-first", "1"]) else { return };
    assert_eq!(tick(&worker).await.attempted, 0, "not due before the retry wait");
    app.clock.advance(Duration::seconds(5));
    let refused = tick(&worker).await;
    assert_eq!((refused.attempted, refused.sent), (2, 1), "one refused, one taken: {refused:?}");
    app.clock.advance(Duration::minutes(5));
    let last = tick(&worker).await;
    assert_eq!((last.attempted, last.sent), (1, 1), "{last:?}");
    for _ in 0..3 {
        app.clock.advance(Duration::hours(1));
        assert_eq!(tick(&worker).await.attempted, 0);
    }
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "each mail once");
    let ids: std::collections::BTreeSet<&str> = mails.iter().map(|m| m["messageId"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), 2);

    // A worker that leased a mail and died: another sends it once its lease
    // ran out, and not before. Two workers at once send each mail once.
    let round = app
        .ok(
            &w.facilitator.token,
            "mutation($input: OpenAlignmentRoundInput!) { openAlignmentRound(input: $input) { alignmentRound { id } } }",
            json!({ "input": { "networkId": w.network, "closesAt": (app.clock_now() + Duration::days(1)).to_rfc3339() } }),
        )
        .await;
    assert!(round["openAlignmentRound"]["alignmentRound"]["id"].is_string());
    // The round's reminders are made with their mail, then leased by a
    // worker that dies before sending.
    let tenant = app.db.tenant_ids().await.expect("tenants")[0];
    let made = {
        let store =
            Store::system(&app.app_db, tenant, Access::Write, Arc::new(app.clock.clone())).await.expect("store");
        let setup =
            MailSetup { base_url: app.address.clone(), domain: "eendracht.test".to_owned(), subject_link: None };
        let made = eendracht::service::mail::remind(&store, Some(&setup)).await.expect("reminded");
        store.commit().await.expect("commit");
        made
    };
    assert!(made.mailed > 0, "the round's invitees: {made:?}");
    let dead = Store::system(&app.app_db, tenant, Access::Write, Arc::new(app.clock.clone())).await.expect("store");
    let leased = dead.claim_due_mails(std::time::Duration::from_secs(120), 100).await.expect("leased");
    dead.commit().await.expect("commit");
    assert_eq!(leased.len(), made.mailed);
    assert_eq!(tick(&worker).await.attempted, 0, "held by the dead worker's lease");
    app.clock.advance(Duration::seconds(121));
    let other = self::worker(&app, Some(port));
    let (a, b) = tokio::join!(worker.tick(), other.tick());
    let (a, b) = (a.expect("tick"), b.expect("tick"));
    assert_eq!(a.sent + b.sent, made.mailed, "{a:?} {b:?}");
    assert_eq!(a.attempted + b.attempted, made.mailed, "no mail taken by both workers");
    let mails = sink.mails();
    assert_eq!(mails.len(), 2 + made.mailed);
    let ids: std::collections::BTreeSet<&str> = mails.iter().map(|m| m["messageId"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), mails.len(), "no duplicate");
});

both!(an_address_refused_for_good_is_disabled_until_its_person_sets_preferences_again, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    let Some(sink) = Sink::start(free_port(), &["--reject", "acme-rvc@example.nl"]) else { return };
    let worker = worker(&app, Some(sink.port));
    app.clock.advance(Duration::days(35));
    let done = tick(&worker).await;
    assert_eq!((done.attempted, done.sent), (2, 1));
    let seen = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    let preferences = &seen["viewer"]["mailPreferences"];
    assert!(preferences["addressDisabledAt"].is_string(), "{preferences}");
    assert!(preferences["addressDisabledReason"].as_str().expect("reason").contains("550"), "{preferences}");
    app.clock.advance(Duration::days(1));
    assert_eq!(tick(&worker).await.attempted, 0, "a permanent refusal is not retried");
    let set = app.ok(&supervisor.token, SET, json!({ "input": { "reminders": true } })).await;
    assert_eq!(set["setMailPreferences"]["mailPreferences"]["addressDisabledAt"], Value::Null);
});

both!(without_smtp_reminders_are_recorded_and_nothing_is_sent, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    let worker = worker(&app, None);
    app.clock.advance(Duration::days(35));
    let done = tick(&worker).await;
    assert_eq!((done.reminders, done.attempted), (2, 0));
    let seen = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    assert_eq!(seen["viewer"]["reminders"].as_array().expect("reminders").len(), 1);
    assert_eq!(export(&app, &w, &supervisor.id).await["mails"], json!([]), "nothing was mailed");
});

both!(anonymising_stops_all_mail_and_the_export_shows_preferences_and_what_was_sent, |app| {
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    app.ok(&supervisor.token, SET, json!({ "input": { "digestRhythm": "DAILY" } })).await;
    let port = free_port();
    let worker = worker(&app, Some(port));
    app.clock.advance(Duration::days(35));
    // The server is down: the reminder waits in the outbox.
    tick(&worker).await;
    let data = &export(&app, &w, &supervisor.id).await;
    assert_eq!(data["mailPreferences"][0]["digest_rhythm"], "DAILY", "{}", data["mailPreferences"]);
    assert_eq!(data["reminders"].as_array().expect("reminders").len(), 1);
    // The reminder and the day's digest wait in the outbox.
    let mails = data["mails"].as_array().expect("mails");
    let mut kinds: Vec<&str> = mails.iter().map(|m| m["kind"].as_str().expect("kind")).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["DIGEST", "REMINDER"]);
    assert!(mails.iter().all(|m| m["to_address"] == "acme-rvc@example.nl" && m["status"] == "PENDING"));
    let reminder = mails.iter().find(|m| m["kind"] == "REMINDER").expect("the reminder");
    assert!(reminder["subject"].as_str().expect("subject").starts_with("Herinnering"));

    app.ok(
        &w.admin,
        "mutation($p: ID!) { anonymizePerson(input: { personId: $p }) { person { id } } }",
        json!({ "p": supervisor.id }),
    )
    .await;
    let Some(sink) = Sink::start(port, &[]) else { return };
    app.clock.advance(Duration::days(2));
    let after = tick(&worker).await;
    assert_eq!((after.attempted, after.sent, after.digests), (1, 1, 0), "{after:?}");
    let rcpts: Vec<Value> = sink.mails().iter().map(|m| m["rcptTos"].clone()).collect();
    assert_eq!(rcpts, [json!(["acme-dir0@example.nl"])], "only the corporation's director's reminder");
    let data = &export(&app, &w, &supervisor.id).await;
    assert_eq!(data["mailPreferences"], json!([]));
    for mail in data["mails"].as_array().expect("mails") {
        assert_eq!(mail["to_address"], Value::Null, "the log keeps no address");
        assert_eq!(mail["status"], "FAILED");
        assert_eq!(mail["last_error"], "the person was anonymised");
    }
});

both!(the_unsubscribe_page_works_in_a_real_browser, |app| {
    let Some(browser) = crate::graphiql::browser_install() else { return };
    let w = net_world(&app, "acme").await;
    let supervisor = waiting_for_two_boards(&app, &w).await;
    let Some(sink) = Sink::start(free_port(), &[]) else { return };
    let worker = worker(&app, Some(sink.port));
    app.clock.advance(Duration::days(35));
    tick(&worker).await;
    let mail = sink.mails().into_iter().find(|m| m["rcptTos"] == json!(["acme-rvc@example.nl"])).expect("the reminder");
    let options = json!({
        "url": unsubscribe_url(&mail),
        "question": "Wilt u geen herinneringen meer per e-mail ontvangen?",
        "done": "U bent afgemeld. U krijgt geen herinneringen meer per e-mail.",
        "timeoutMs": crate::graphiql::BROWSER_BUDGET.as_millis() as u64 - 5_000,
    });
    crate::graphiql::run_script(&browser, "unsubscribe.mjs", &options).await;
    let after = app.ok(&supervisor.token, PREFERENCES, json!({})).await;
    assert_eq!(after["viewer"]["mailPreferences"]["reminders"], false, "the click unsubscribed");
});
