//! Pages of every list the API answers: `page` (1-based) and `per_page` (1 to 100), the totals in the body in the
//! same envelope as `/search` (`total`, `page`, `perPage`, `pages`, `results`), and RFC 8288 `Link` headers
//! (`first`, `prev`, `next`, `last`) that keep the other query parameters.
use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::problem::Problem;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 100;
/// The same bound as the marketplace search's pages.
pub const MAX_PAGE: u64 = 1_000_000;

/// Which page of a list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page (default 1).
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A checked page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    /// Refuses pages below 1 (or above [`MAX_PAGE`]) and sizes outside 1..=[`MAX_PER_PAGE`] with a 400 that
    /// says the bounds, instead of quietly answering something else.
    pub fn check(
        page: Option<i64>,
        per_page: Option<i64>,
        default_per_page: u64,
    ) -> Result<Self, Problem> {
        let page = match page {
            None => 1,
            Some(p) if (1..=MAX_PAGE as i64).contains(&p) => p as u64,
            Some(p) => {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("page `{p}` must be between 1 and {MAX_PAGE}"),
                ))
            }
        };
        let per_page = match per_page {
            None => default_per_page,
            Some(n) if (1..=MAX_PER_PAGE as i64).contains(&n) => n as u64,
            Some(n) => {
                return Err(Problem::new(
                    StatusCode::BAD_REQUEST,
                    format!("per_page `{n}` must be between 1 and {MAX_PER_PAGE}"),
                ))
            }
        };
        Ok(Self { page, per_page })
    }

    pub fn from_query(q: &PageQuery) -> Result<Self, Problem> {
        Self::check(q.page, q.per_page, DEFAULT_PER_PAGE)
    }

    /// Number of pages for `total` items (at least 1, so page 1 of an empty list exists).
    pub fn pages(&self, total: usize) -> u64 {
        (total as u64).div_ceil(self.per_page).max(1)
    }

    /// This page's items of a whole list.
    pub fn slice<T>(&self, all: Vec<T>) -> Vec<T> {
        let skip = (self.page - 1).saturating_mul(self.per_page);
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        all.into_iter()
            .skip(skip)
            .take(self.per_page as usize)
            .collect()
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// Number of items over all pages.
    pub total: usize,
    pub page: u64,
    pub per_page: u64,
    /// Number of pages (at least 1).
    pub pages: u64,
    pub results: Vec<T>,
}

impl<T> Page<T> {
    /// This page of `all`.
    pub fn of(paging: Paging, all: Vec<T>) -> Self {
        let total = all.len();
        Self {
            total,
            page: paging.page,
            per_page: paging.per_page,
            pages: paging.pages(total),
            results: paging.slice(all),
        }
    }
}

/// The `Link` header value for a page of `pages` at `uri`: the other query parameters are kept, `page` and
/// `per_page` are set.
pub fn link_header(uri: &axum::http::Uri, paging: Paging, pages: u64) -> String {
    let others: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .filter(|(k, _)| k != "page" && k != "per_page")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let target = |page: u64| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &others {
            query.append_pair(k, v);
        }
        query.append_pair("page", &page.to_string());
        query.append_pair("per_page", &paging.per_page.to_string());
        format!("{}?{}", uri.path(), query.finish())
    };
    let mut links = vec![format!("<{}>; rel=\"first\"", target(1))];
    if paging.page > 1 {
        links.push(format!(
            "<{}>; rel=\"prev\"",
            target((paging.page - 1).min(pages))
        ));
    }
    if paging.page < pages {
        links.push(format!("<{}>; rel=\"next\"", target(paging.page + 1)));
    }
    links.push(format!("<{}>; rel=\"last\"", target(pages)));
    links.join(", ")
}

/// Adds the `Link` header of a page to a response.
pub fn with_links(
    mut response: Response,
    uri: &OriginalUri,
    paging: Paging,
    pages: u64,
) -> Response {
    if let Ok(v) = HeaderValue::from_str(&link_header(&uri.0, paging, pages)) {
        response.headers_mut().insert(header::LINK, v);
    }
    response
}

/// A page of `all` as JSON with its `Link` header.
pub fn respond<T: Serialize>(uri: &OriginalUri, paging: Paging, all: Vec<T>) -> Response {
    let page = Page::of(paging, all);
    let pages = page.pages;
    with_links(Json(page).into_response(), uri, paging, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_refused_not_clamped() {
        assert_eq!(
            Paging::check(None, None, 50).unwrap(),
            Paging {
                page: 1,
                per_page: 50
            }
        );
        for bad in [-1, 0, 101, 1000] {
            assert_eq!(Paging::check(None, Some(bad), 50).unwrap_err().status, 400);
        }
        assert_eq!(Paging::check(Some(0), None, 50).unwrap_err().status, 400);
        let far = Paging::check(Some(MAX_PAGE as i64), Some(100), 50).unwrap();
        assert!(far.slice(vec![1, 2, 3]).is_empty());
    }

    #[test]
    fn links_keep_the_query_and_point_at_neighbours() {
        let uri: axum::http::Uri = "/api/v1/products?domain=sales&page=2&per_page=1"
            .parse()
            .unwrap();
        let paging = Paging {
            page: 2,
            per_page: 1,
        };
        assert_eq!(
            link_header(&uri, paging, 3),
            "</api/v1/products?domain=sales&page=1&per_page=1>; rel=\"first\", \
             </api/v1/products?domain=sales&page=1&per_page=1>; rel=\"prev\", \
             </api/v1/products?domain=sales&page=3&per_page=1>; rel=\"next\", \
             </api/v1/products?domain=sales&page=3&per_page=1>; rel=\"last\""
        );
    }
}
