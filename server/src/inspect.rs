//! `cpd-registry inspect`: the worker that parses an untrusted upload (see
//! `app::backend::certificates::inspection` for why it is a process of its own). It limits
//! itself first, reads the file from stdin, and prints one [`Verdict`] as JSON.
//!
//! A file passes only if its first bytes say PDF, JPEG or PNG *and* it parses: a PDF must
//! load (with a cap on how far any stream may inflate), have pages and hold no action but
//! a jump within itself ([`active`]); an image must decode completely within pixel and
//! memory limits.

use app::backend::certificates::inspection::{Facts, Refusal, Verdict};
use app::backend::storage::sniff::{Kind, sniff};
use std::io::{Read, Write};

/// Images larger than this are refused unread: no certificate needs them, and decoding
/// one is how a small file takes gigabytes (a decompression bomb).
/// 80 megapixels and 16 384 px a side take every phone photo as taken (a 64 MP sensor's
/// full resolution is 9248 × 6936) and refuse what only a bomb needs.
pub const MAX_PIXELS: u64 = 80_000_000;
pub const MAX_SIDE: u32 = 16_384;
/// The most any one PDF stream may inflate to while loading.
pub const MAX_PDF_STREAM: usize = 64 * 1024 * 1024;
/// What the worker may use: address space and CPU seconds (then the kernel stops it).
const MEMORY_LIMIT: u64 = 1024 * 1024 * 1024;
const CPU_SECONDS: u64 = 15;

/// Parses `bytes` and says whether they are a certificate we accept.
pub fn inspect(bytes: &[u8]) -> Verdict {
    match sniff(bytes) {
        None | Some(Kind::Zip) => Verdict::Refused(Refusal::NotAccepted),
        Some(Kind::Pdf) => inspect_pdf(bytes),
        Some(kind @ (Kind::Jpeg | Kind::Png)) => inspect_image(bytes, kind),
    }
}

fn inspect_pdf(bytes: &[u8]) -> Verdict {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM),
        ..Default::default()
    };
    let document = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(d) => d,
        Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => {
            return Verdict::Refused(Refusal::Encrypted);
        }
        Err(_) => return Verdict::Refused(Refusal::Damaged),
    };
    if document.is_encrypted() {
        return Verdict::Refused(Refusal::Encrypted);
    }
    let pages = document.get_pages().len();
    if pages == 0 {
        return Verdict::Refused(Refusal::Damaged);
    }
    if has_active_content(&document) {
        return Verdict::Refused(Refusal::ActiveContent);
    }
    Verdict::Accepted(Facts {
        kind: "pdf".into(),
        pages: u32::try_from(pages).ok(),
        width: None,
        height: None,
    })
}

/// Whether a JPEG holds its whole image: an end-of-image marker after the last start of
/// scan. (Inside scan data a 0xFF byte is always followed by 0x00 or a restart marker, so
/// FF D9 there is the real end.) Decoders fill a cut-off JPEG with grey and call it fine;
/// we do not take half a certificate. Bytes after the end (some phones append their own
/// metadata) are allowed.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(sos) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}

fn inspect_image(bytes: &[u8], kind: Kind) -> Verdict {
    if kind == Kind::Jpeg && !jpeg_is_complete(bytes) {
        return Verdict::Refused(Refusal::Damaged);
    }
    let format = match kind {
        Kind::Png => image::ImageFormat::Png,
        _ => image::ImageFormat::Jpeg,
    };
    let reader = |bytes| {
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        // 80 MP as RGBA is 320 MB: decoding the largest image we take fits, nothing more.
        limits.max_alloc = Some(384 * 1024 * 1024);
        reader.limits(limits);
        reader
    };
    let (width, height) = match reader(bytes).into_dimensions() {
        Ok(d) => d,
        Err(image::ImageError::Limits(_)) => return Verdict::Refused(Refusal::TooManyPixels),
        Err(_) => return Verdict::Refused(Refusal::Damaged),
    };
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Verdict::Refused(Refusal::TooManyPixels);
    }
    // Decoding the whole image is what finds a truncated or corrupt one.
    match reader(bytes).decode() {
        Ok(_) => Verdict::Accepted(Facts {
            kind: if kind == Kind::Png { "png" } else { "jpeg" }.into(),
            pages: None,
            width: Some(width),
            height: Some(height),
        }),
        Err(image::ImageError::Limits(_)) => Verdict::Refused(Refusal::TooManyPixels),
        Err(_) => Verdict::Refused(Refusal::Damaged),
    }
}

/// The worker's `main`: confinement, stdin, verdict on stdout. Runs before any async runtime.
pub fn worker_main(args: &[String]) -> std::process::ExitCode {
    let Some((max_bytes, strictness)) = crate::sandbox::worker_args(args) else {
        eprintln!(
            "usage: cpd-registry inspect [--max-bytes N] [--sandbox required|best-effort] < FILE"
        );
        return std::process::ExitCode::from(2);
    };
    let max_bytes = max_bytes.unwrap_or(100 * 1024 * 1024);
    crate::sandbox::confine_worker(MEMORY_LIMIT, CPU_SECONDS, strictness);
    let mut bytes = Vec::new();
    if std::io::stdin()
        .take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .is_err()
    {
        return std::process::ExitCode::FAILURE;
    }
    let verdict = if bytes.len() as u64 > max_bytes {
        Verdict::Refused(Refusal::TooLarge)
    } else {
        inspect(&bytes)
    };
    let Ok(json) = serde_json::to_string(&verdict) else {
        return std::process::ExitCode::FAILURE;
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{json}").and_then(|()| out.flush()).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

pub mod active;
pub mod samples;

pub use active::{has_active_content, strip_active_content};

#[cfg(test)]
mod tests;
