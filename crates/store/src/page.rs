//! Keyset pagination by UUIDv7 id: `WHERE id > :after ORDER BY id LIMIT n + 1`.
//! Ids are time-ordered and compare the same on both engines; unlike offsets,
//! page 5,000 costs what page 1 costs. `totalCount` is a separate, lazy query
//! that only runs when a client selects it.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, EntityTrait, IdenStatic, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    SelectTwo,
};
use uuid::Uuid;

use super::Store;
use crate::domain::{AppError, AppResult};

/// Which way a list runs: oldest first (ascending UUIDv7) or newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    OldestFirst,
    NewestFirst,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Uuid>,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u64 = 20;
    pub const MAX_SIZE: u64 = 100;

    pub fn new(first: Option<i32>, after: Option<Uuid>) -> AppResult<Self> {
        let first = match first {
            None => Self::DEFAULT_SIZE,
            Some(n) if n >= 1 && (n as u64) <= Self::MAX_SIZE => n as u64,
            Some(n) => {
                return Err(AppError::bad_input(
                    "first",
                    format!("first must be between 1 and {}, got {n}", Self::MAX_SIZE),
                ));
            }
        };
        Ok(Self { first, after })
    }
}

/// Counts the rows of a connection on demand.
#[derive(Clone)]
pub struct TotalCount(Arc<dyn Fn() -> BoxFuture<'static, AppResult<u64>> + Send + Sync>);

impl TotalCount {
    pub async fn get(&self) -> AppResult<u64> {
        (self.0)().await
    }
}

/// One page of rows.
#[derive(Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub total: TotalCount,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            total: self.total,
        }
    }
}

impl Store {
    /// Runs `query` (already scoped and filtered) as one keyset page ordered by
    /// `id_column`, oldest first.
    pub(crate) async fn keyset_page<E>(
        &self,
        query: Select<E>,
        id_column: E::Column,
        page: PageRequest,
    ) -> AppResult<Page<E::Model>>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        self.keyset_page_in(query, id_column, page, Direction::OldestFirst).await
    }

    /// Runs `query` as one keyset page in the given direction.
    pub(crate) async fn keyset_page_in<E>(
        &self,
        query: Select<E>,
        id_column: E::Column,
        page: PageRequest,
        direction: Direction,
    ) -> AppResult<Page<E::Model>>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let tx = self.tx()?;
        let items = keyset(query.clone(), id_column, page, direction)
            .all(&*tx)
            .await
            .map_err(|e| super::classify(e, "reading a page"))?;
        Ok(self.page_of(items, query, page))
    }

    /// One keyset page (oldest first) of `query`, each row with the row of
    /// `F` that `join` puts beside it: one statement for a page and a related
    /// row per item. `join` left-joins `F` with its visibility in the join's
    /// condition, so a row the viewer may not see comes back as `None`.
    pub(crate) async fn keyset_page_joined<E, F>(
        &self,
        query: Select<E>,
        id_column: E::Column,
        page: PageRequest,
        join: impl FnOnce(Select<E>) -> SelectTwo<E, F>,
    ) -> AppResult<Page<(E::Model, Option<F::Model>)>>
    where
        E: EntityTrait,
        F: EntityTrait,
        E::Model: Send + Sync,
        F::Model: Send + Sync,
    {
        let tx = self.tx()?;
        let items = join(keyset(query.clone(), id_column, page, Direction::OldestFirst))
            .all(&*tx)
            .await
            .map_err(|e| super::classify(e, "reading a page"))?;
        Ok(self.page_of(items, query, page))
    }

    /// The first page of `query` for each of `parents`, in one statement: a
    /// connection nested in a list (every organisation's positions) would
    /// otherwise cost a statement per item. Rows are numbered per parent in id
    /// order (`ROW_NUMBER() OVER (PARTITION BY parent ORDER BY id)`, on both
    /// engines) and at most `first + 1` of each are read. Parents without rows
    /// get an empty page; each page counts its own total, lazily.
    pub(crate) async fn keyset_first_pages<E>(
        &self,
        query: Select<E>,
        parent_column: E::Column,
        id_column: E::Column,
        parents: &[Uuid],
        first: u64,
        parent_of: impl Fn(&E::Model) -> Uuid,
    ) -> AppResult<HashMap<Uuid, Page<E::Model>>>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let tx = self.tx()?;
        let numbered = query
            .clone()
            .filter(parent_column.is_in(parents.iter().copied()))
            .expr_as(
                Expr::cust(format!(
                    "ROW_NUMBER() OVER (PARTITION BY {} ORDER BY {})",
                    parent_column.as_str(),
                    id_column.as_str()
                )),
                "page_row",
            )
            .into_query();
        let statement = Query::select()
            .column(Asterisk)
            .from_subquery(numbered, Alias::new("numbered"))
            .and_where(Expr::col(Alias::new("page_row")).lte(first + 1))
            .order_by(Alias::new(id_column.as_str()), sea_orm::Order::Asc)
            .to_owned();
        let rows = E::find()
            .from_raw_sql(self.backend().build(&statement))
            .all(&*tx)
            .await
            .map_err(|e| super::classify(e, "reading first pages"))?;
        let mut grouped: HashMap<Uuid, Vec<E::Model>> = parents.iter().map(|p| (*p, Vec::new())).collect();
        for row in rows {
            grouped.entry(parent_of(&row)).or_default().push(row);
        }
        let page = PageRequest { first, after: None };
        Ok(grouped
            .into_iter()
            .map(|(parent, items)| (parent, self.page_of(items, query.clone().filter(parent_column.eq(parent)), page)))
            .collect())
    }

    /// The page of `items` (one more than asked when a next page exists), with
    /// a lazy count of `query`.
    fn page_of<E, T>(&self, mut items: Vec<T>, query: Select<E>, page: PageRequest) -> Page<T>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let has_next_page = items.len() as u64 > page.first;
        items.truncate(page.first as usize);
        let store = self.clone();
        let total = TotalCount(Arc::new(move || {
            let store = store.clone();
            let query = query.clone();
            async move {
                let tx = store.tx()?;
                query.count(&*tx).await.map_err(|e| super::classify(e, "counting a connection"))
            }
            .boxed()
        }));
        Page { items, has_next_page, has_previous_page: page.after.is_some(), total }
    }
}

/// `query` after the cursor, in order, one row more than the page to learn
/// whether another page follows.
fn keyset<E: EntityTrait>(
    query: Select<E>,
    id_column: E::Column,
    page: PageRequest,
    direction: Direction,
) -> Select<E> {
    let query = match (direction, page.after) {
        (Direction::OldestFirst, Some(after)) => query.filter(id_column.gt(after)),
        (Direction::NewestFirst, Some(after)) => query.filter(id_column.lt(after)),
        (_, None) => query,
    };
    let query = match direction {
        Direction::OldestFirst => query.order_by_asc(id_column),
        Direction::NewestFirst => query.order_by_desc(id_column),
    };
    query.limit(page.first + 1)
}
