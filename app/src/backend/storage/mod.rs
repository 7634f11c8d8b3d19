//! Groundwork for certificate storage (#5): the pieces every backend shares, written and
//! tested first. [`sealed`] encrypts an object in fixed-size chunks under the firm's data
//! key (memory stays flat whatever the file size; reordering, swapping or truncating chunks
//! is detected); [`data_key`] makes and wraps those per-firm keys; [`signed_url`] makes and
//! checks the one-hour links of the local backend; [`sniff`] tells a file by its first bytes.

pub mod data_key;
pub mod sealed;
pub mod signed_url;
pub mod sniff;
