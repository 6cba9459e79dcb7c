//! The HTTP API under `/api/v1`: JSON (and ODCS YAML for contracts), RFC 9457 problems for errors, described
//! by an OpenAPI 3.1 document. Handlers authorize and act through `mesh`, like the pages.
pub mod v1;
