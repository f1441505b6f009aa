//! `Problem`: the one error body Siar sends, for the REST API and the pages alike
//! (RFC 9457, `application/problem+json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The media type of a [`Problem`] body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem document with Siar's two extension members: `errors`, the messages per
/// input field, and `request_id`, to find the cause of a server error in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem, in the requester's language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, in the requester's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Messages per input field (field name to messages), for invalid input.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, Vec<String>>,
    /// The id of the request, as logged by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
