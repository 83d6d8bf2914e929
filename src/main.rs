//! The `eendracht` binary: parse the command line and hand over to the library.

use mimalloc::MiMalloc;

/// mimalloc: measured +40 % throughput over glibc malloc on this stack.
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    eendracht::cli::run().await
}
