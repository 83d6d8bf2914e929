//! Keyset pagination by UUIDv7 id: `WHERE id > :after ORDER BY id LIMIT n + 1`.
//! Ids are time-ordered and compare the same on both engines; unlike offsets,
//! page 5,000 costs what page 1 costs. `totalCount` is a separate, lazy query
//! that only runs when a client selects it.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select};
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
        let mut rows_query = query.clone();
        rows_query = match (direction, page.after) {
            (Direction::OldestFirst, Some(after)) => rows_query.filter(id_column.gt(after)),
            (Direction::NewestFirst, Some(after)) => rows_query.filter(id_column.lt(after)),
            (_, None) => rows_query,
        };
        rows_query = match direction {
            Direction::OldestFirst => rows_query.order_by_asc(id_column),
            Direction::NewestFirst => rows_query.order_by_desc(id_column),
        };
        let mut items =
            rows_query.limit(page.first + 1).all(&*tx).await.map_err(|e| super::classify(e, "reading a page"))?;
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
        Ok(Page { items, has_next_page, has_previous_page: page.after.is_some(), total })
    }
}
