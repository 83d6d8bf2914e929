//! A network's archive (docs/archive.md): everything of the network as JSON
//! Lines, written as it is read, page by page, so memory stays flat
//! whatever its size. Its facilitators and the admins take it.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::{AppError, AppResult};
use crate::store::Store;
use crate::store::archive::ArchiveTable;

/// What the first line says the file is.
pub const FORMAT: &str = "eendracht-network-archive";
/// Raised when a line's meaning changes; new tables and columns do not.
pub const VERSION: u32 = 1;
/// Rows read per statement.
pub const PAGE: u64 = 1000;

/// The network the actor may archive: one they see (else NOT_FOUND) and
/// facilitate, or any as an ADMIN (else FORBIDDEN).
pub async fn archivable(store: &Store, network_id: Uuid) -> AppResult<entity::network::Model> {
    let network = store.network(network_id).await?;
    let actor = store.actor();
    if actor.is_admin() || actor.facilitates(network_id) {
        Ok(network)
    } else {
        Err(AppError::Forbidden("only the network's facilitators and admins take its archive".into()))
    }
}

/// Writes the archive of `network` line by line to `out` (each line one
/// JSON document, without its newline): first the header with each table's
/// row count, then every row of every table in order, then the end line.
/// `progress` hears (table, rows written, rows in all) after each page.
/// Stops early, with the rows written so far, when `out` is closed.
pub async fn write(
    store: &Store,
    network: &entity::network::Model,
    out: &tokio::sync::mpsc::Sender<String>,
    mut progress: impl FnMut(&'static str, u64, u64),
) -> AppResult<BTreeMap<&'static str, u64>> {
    let mut expected = BTreeMap::new();
    for table in ArchiveTable::ALL {
        expected.insert(table.name(), store.archive_count(table, network.id).await?);
    }
    let header = json!({
        "type": "archive",
        "format": FORMAT,
        "version": VERSION,
        "networkId": network.id,
        "networkName": network.name,
        "exportedAt": store.now(),
        "tables": expected,
    });
    let mut written = BTreeMap::new();
    if out.send(header.to_string()).await.is_err() {
        return Ok(written);
    }
    for table in ArchiveTable::ALL {
        let total = expected.get(table.name()).copied().unwrap_or(0);
        // Counted in the same transaction: an empty table has nothing to
        // page through (a table that hangs from ratifications would still
        // walk every ratification).
        if total == 0 {
            written.insert(table.name(), 0);
            continue;
        }
        let mut cursor = None;
        let mut done = 0_u64;
        loop {
            let (rows, next) = store.archive_page(table, network.id, cursor, PAGE).await?;
            for row in rows {
                let line = json!({ "type": table.name(), "data": as_archived(row) });
                if out.send(line.to_string()).await.is_err() {
                    written.insert(table.name(), done);
                    return Ok(written);
                }
                done += 1;
            }
            progress(table.name(), done, total);
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        written.insert(table.name(), done);
    }
    let end = json!({ "type": "end", "rows": written });
    let _ = out.send(end.to_string()).await;
    Ok(written)
}

/// A row as the archive keeps it: the tenant's id is the archive's own
/// business, not the row's.
fn as_archived(mut row: Value) -> Value {
    if let Some(object) = row.as_object_mut() {
        object.remove("tenant_id");
    }
    row
}
