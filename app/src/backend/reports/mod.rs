//! Annual reports: one PDF per person and year, with the certificates bundled, made by a
//! worker process off the request path and kept in storage like a certificate.

pub mod spec;
