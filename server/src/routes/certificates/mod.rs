//! Certificates over plain HTTP: the upload (multipart, streamed), the link that opens a
//! certificate (a fresh signed URL each time), and the local backend's signed file route.

pub mod file;
pub mod open;
pub mod upload;
