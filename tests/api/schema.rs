//! `schema.graphql` is the checked-in output of `eendracht schema`.

#[test]
fn schema_graphql_matches_what_the_code_generates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = eendracht::graphql::sdl();
    if checked_in != generated {
        panic!("schema.graphql is out of date: run `cargo run -- schema > schema.graphql` and commit it");
    }
}

#[test]
fn every_type_and_field_has_a_description() {
    let sdl = eendracht::graphql::sdl();
    let mut missing = Vec::new();
    let mut in_description = false;
    let mut described = false;
    let mut in_schema_block = false;
    for line in sdl.lines() {
        if line.starts_with("schema {") {
            in_schema_block = true;
        }
        if in_schema_block {
            in_schema_block = !line.starts_with('}');
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A block description opens and closes on its own lines, or on one.
            let closes_on_same_line = trimmed.len() > 3 && trimmed.ends_with("\"\"\"");
            if !closes_on_same_line {
                in_description = !in_description;
            }
            described = !in_description;
            continue;
        }
        if in_description {
            continue;
        }
        if trimmed.starts_with('"') && trimmed.ends_with('"') && trimmed.len() > 1 {
            described = true;
            continue;
        }
        let is_definition = ["type ", "input ", "enum ", "interface ", "scalar ", "union "]
            .iter()
            .any(|keyword| trimmed.starts_with(keyword));
        let is_member =
            line.starts_with('\t') && !trimmed.is_empty() && !trimmed.starts_with('}') && !trimmed.starts_with(')');
        if (is_definition || is_member) && !described {
            missing.push(trimmed.to_owned());
        }
        described = false;
    }
    assert!(missing.is_empty(), "undocumented in the SDL: {missing:#?}");
}
