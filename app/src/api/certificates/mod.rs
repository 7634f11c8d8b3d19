//! The signed-in person's certificates: list an entry's, delete one. Uploads and links
//! are plain routes (`/certificates/upload`, `/certificates/{id}/open`) because they
//! stream files and redirect.

mod delete_certificate;
mod list_certificates;

pub use delete_certificate::*;
pub use list_certificates::*;
