//! The edge of pagination (the rules are `model::paging`): reading `limit` and `after` from the
//! query string, and answering a page, as a JSON array with a `Link: <…>; rel="next"` header
//! (RFC 8288 §3) for the API or as the URLs of the "First", "Previous" and "Next" links for a
//! page (which also reads `before`, the cursor of its "Previous" link).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::paging::{Keyset, Page, PageRequest, next_link, page_url, previous_page_url};

/// `?limit=…&after=…`, read beside a list's own filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows per page: 1 to 1,000 (default 100).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Where the page starts: the opaque cursor in the previous answer's `Link: <…>; rel="next"`
    /// header. Leave it out for the first page.
    pub after: Option<String>,
}

impl PageQuery {
    /// The request for `keyset`'s list.
    pub fn request(&self, keyset: Keyset) -> Result<PageRequest, AppError> {
        Ok(PageRequest::parse(
            keyset,
            self.limit.as_deref(),
            self.after.as_deref(),
        )?)
    }
}

/// `?limit=…&after=…&before=…` of a list page: the API's [`PageQuery`] and the cursor of the
/// page's "Previous" link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageNavQuery {
    pub limit: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
}

impl PageNavQuery {
    /// The request for `keyset`'s list.
    pub fn request(&self, keyset: Keyset) -> Result<PageRequest, AppError> {
        Ok(PageRequest::parse_both_ways(
            keyset,
            self.limit.as_deref(),
            self.after.as_deref(),
            self.before.as_deref(),
        )?)
    }
}

/// Which page of a list a page shows, and the query it was asked with (its links keep the
/// filters and the page size). A form shown again with its errors shows the first page
/// (`Default`).
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    pub request: PageRequest,
    pub query: Vec<(String, String)>,
}

impl ListPage {
    /// The page of `keyset`'s list the request asks for with `nav`.
    pub fn asked(
        req: &HttpRequest,
        nav: &PageNavQuery,
        keyset: Keyset,
    ) -> Result<ListPage, AppError> {
        Ok(ListPage {
            request: nav.request(keyset)?,
            query: query_pairs(req),
        })
    }

    /// The links of the page shown at `path` whose next page starts at `next` and previous one
    /// ends at `prev`.
    pub fn links(&self, path: &str, next: Option<&str>, prev: Option<&str>) -> PageLinks {
        PageLinks::at(path, &self.query, next, prev)
    }
}

/// The request's query parameters, in order.
pub fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

/// The URL of the next page (the same path and filters), if there is one.
pub fn next_url(req: &HttpRequest, next: Option<&str>) -> Option<String> {
    next.map(|cursor| page_url(req.path(), &query_pairs(req), Some(cursor)))
}

/// A page as the API answers it: a JSON array of `row`s, with the next page in a `Link` header.
pub fn json_page<T, J: Serialize>(
    req: &HttpRequest,
    page: Page<T>,
    row: impl Fn(&T) -> J,
) -> HttpResponse {
    paged_answer(req, page.next.as_deref()).json(page.rows.iter().map(row).collect::<Vec<_>>())
}

/// A 200 answer with the next page, if any, in a `Link` header (for an answer that holds one
/// page of a list inside a larger object, as a name's history holds its registry answers).
pub fn paged_answer(req: &HttpRequest, next: Option<&str>) -> actix_web::HttpResponseBuilder {
    let mut answer = HttpResponse::Ok();
    if let Some(url) = next_url(req, next) {
        answer.insert_header((header::LINK, next_link(&url)));
    }
    answer
}

/// The "First", "Previous" and "Next" links a list page shows.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    pub next: Option<String>,
    pub prev: Option<String>,
    pub first: Option<String>,
}

impl PageLinks {
    /// The links of `page`, shown at the request's own path with its filters.
    pub fn of<T>(req: &HttpRequest, page: &Page<T>) -> PageLinks {
        PageLinks::cursors(req, page.next.as_deref(), page.prev.as_deref())
    }

    /// The links of a page whose next page starts at `next` and previous one ends at `prev`.
    pub fn cursors(req: &HttpRequest, next: Option<&str>, prev: Option<&str>) -> PageLinks {
        PageLinks::at(req.path(), &query_pairs(req), next, prev)
    }

    /// The links shown at `path` with the filters of `query` (a page that forms post to, and
    /// show again at their own path, names its own).
    pub fn at(
        path: &str,
        query: &[(String, String)],
        next: Option<&str>,
        prev: Option<&str>,
    ) -> PageLinks {
        let paged = query
            .iter()
            .any(|(k, v)| (k == "after" || k == "before") && !v.is_empty());
        PageLinks {
            next: next.map(|c| page_url(path, query, Some(c))),
            prev: prev.map(|c| previous_page_url(path, query, c)),
            first: paged.then(|| page_url(path, query, None)),
        }
    }
}
