//! The edge of pagination (the rules are `model::paging`): reading `limit` and `after` from the
//! query string, and answering a page, as a JSON array with a `Link: <…>; rel="next"` header
//! (RFC 8288 §3) for the API or as the URLs of the "Next" and "First" links for a page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::paging::{Keyset, Page, PageRequest, next_link, page_url};

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

/// The request's query parameters, in order.
fn query_pairs(req: &HttpRequest) -> Vec<(String, String)> {
    serde_urlencoded::from_str(req.query_string()).unwrap_or_default()
}

/// The URL of the next page (the same path and filters), if there is one.
pub fn next_url(req: &HttpRequest, next: Option<&str>) -> Option<String> {
    next.map(|cursor| page_url(req.path(), &query_pairs(req), Some(cursor)))
}

/// The URL of the first page with the same filters, when this is not the first page.
pub fn first_url(req: &HttpRequest) -> Option<String> {
    let pairs = query_pairs(req);
    pairs
        .iter()
        .any(|(k, v)| k == "after" && !v.is_empty())
        .then(|| page_url(req.path(), &pairs, None))
}

/// A page as the API answers it: a JSON array of `row`s, with the next page in a `Link` header.
pub fn json_page<T, J: Serialize>(
    req: &HttpRequest,
    page: Page<T>,
    row: impl Fn(&T) -> J,
) -> HttpResponse {
    let mut answer = HttpResponse::Ok();
    if let Some(url) = next_url(req, page.next.as_deref()) {
        answer.insert_header((header::LINK, next_link(&url)));
    }
    answer.json(page.rows.iter().map(row).collect::<Vec<_>>())
}

/// The "Next"/"First" links a list page shows.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    pub next: Option<String>,
    pub first: Option<String>,
}

impl PageLinks {
    pub fn of<T>(req: &HttpRequest, page: &Page<T>) -> PageLinks {
        PageLinks::after(req, page.next.as_deref())
    }

    /// The links of a page whose next page starts at `next`.
    pub fn after(req: &HttpRequest, next: Option<&str>) -> PageLinks {
        PageLinks {
            next: next_url(req, next),
            first: first_url(req),
        }
    }
}
