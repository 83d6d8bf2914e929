//! `docs/authorization.md` is rendered from the matrix in
//! `tests/api/matrix/table.rs`; this test fails when the checked-in file
//! differs. Regenerate it with
//! `EENDRACHT_UPDATE_DOCS=1 cargo test --test api matrix::doc`.

use std::path::PathBuf;

use super::table::markdown;

#[test]
fn docs_authorization_md_is_rendered_from_the_matrix() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/authorization.md");
    let expected = markdown();
    if std::env::var("EENDRACHT_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("docs/")).expect("create docs/");
        std::fs::write(&path, &expected).expect("write docs/authorization.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/authorization.md differs from the matrix in tests/api/matrix/table.rs; \
         regenerate it with `EENDRACHT_UPDATE_DOCS=1 cargo test --test api matrix::doc`"
    );
}
