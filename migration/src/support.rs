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
