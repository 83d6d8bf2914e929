//! `eendracht schema`: the SDL checked in as `schema.graphql`.

pub fn run() -> anyhow::Result<()> {
    print!("{}", crate::graphql::sdl());
    Ok(())
}
