//! Small builders the migrations share, so each migration reads as its tables.

use sea_orm_migration::prelude::*;

/// A table or column name.
pub fn c(name: &str) -> Alias {
    Alias::new(name)
}

/// `from_table.from_col` references `to_table.id`.
pub fn fk(from_table: &str, from_col: &str, to_table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(c(from_table), c(from_col)).to(c(to_table), c("id")).to_owned()
}

/// An index named `name` on `table(cols…)`.
pub fn index(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(c(table));
    for col in cols {
        index.col(c(col));
    }
    index.to_owned()
}

/// PostgreSQL statements that put a tenant table under row-level security: rows
/// are visible and writable only under the request's `app.tenant_id`.
pub fn tenant_policy(table: &str) -> String {
    format!(
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; \
         ALTER TABLE {table} FORCE ROW LEVEL SECURITY; \
         CREATE POLICY tenant_isolation ON {table} \
           USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) \
           WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);"
    )
}
