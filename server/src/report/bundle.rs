//! Appending the certificates to the report's pages with lopdf, each page headed by the
//! certificate's entry and numbered on.
//!
//! - A JPEG is placed as it was uploaded (a `DCTDecode` image of the original bytes, never
//!   re-encoded), turned upright by its EXIF orientation.
//! - A PNG is decoded and stored losslessly (Flate), with its alpha as a soft mask.
//! - A PDF's pages are copied with what they inherit (media box, resources, rotation).
//!   Each gets a band above its content for the heading, so nothing of it is covered.
//!   Outlines, forms and named destinations of the uploaded file are not carried over, and
//!   neither is anything active: every PDF is stripped again here
//!   ([`crate::inspect::strip_active_content`]: additional and open actions, scripts,
//!   attached files, XFA, every action but a jump within the document, annotations that
//!   play or carry a file), so a file stored before the upload check knew a kind of active
//!   content still reaches the auditor without it. One that cannot be cleaned is left out.

use super::metrics::{self, Face};
use app::backend::reports::spec::Exclusion;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

/// The most any one stream of a certificate may inflate to (as at upload).
const MAX_PDF_STREAM: usize = crate::inspect::MAX_PDF_STREAM;
/// The heading band: its height, and the size of its text.
const BAND: f32 = 26.0;
const BAND_TEXT: f32 = 8.0;
/// The font name the band's text uses in every page's resources.
const FONT: &str = "CPDRegistryHelvetica";

/// A certificate as read, ready to be appended (or why it cannot be).
pub enum Loaded {
    Pdf { bytes: Vec<u8>, pages: usize },
    Jpeg { bytes: Vec<u8>, info: JpegInfo },
    Png { bytes: Vec<u8> },
    LeftOut(Exclusion),
}

impl Loaded {
    pub fn pages(&self) -> usize {
        match self {
            Loaded::Pdf { pages, .. } => *pages,
            Loaded::Jpeg { .. } | Loaded::Png { .. } => 1,
            Loaded::LeftOut(_) => 0,
        }
    }
}

fn pdf_options() -> lopdf::LoadOptions {
    lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM),
        ..Default::default()
    }
}

/// Reads one certificate far enough to know it can be appended and how many pages it
/// takes. Nothing is kept but the bytes: PDFs are parsed again when appended, so memory
/// holds one parsed certificate at a time.
pub fn load(bytes: Vec<u8>) -> Loaded {
    use app::backend::storage::sniff::{Kind, sniff};
    match sniff(&bytes) {
        Some(Kind::Pdf) => match Document::load_mem_with_options(&bytes, pdf_options()) {
            Ok(doc) if doc.is_encrypted() => Loaded::LeftOut(Exclusion::Encrypted),
            Ok(mut doc) => {
                // What `append_pdf` will do: if stripping leaves anything active (only
                // nesting deeper than any real PDF), the file is not bundled at all.
                crate::inspect::strip_active_content(&mut doc);
                match doc.get_pages().len() {
                    0 => Loaded::LeftOut(Exclusion::Damaged),
                    _ if crate::inspect::has_active_content(&doc) => {
                        Loaded::LeftOut(Exclusion::Damaged)
                    }
                    pages => Loaded::Pdf { bytes, pages },
                }
            }
            Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => {
                Loaded::LeftOut(Exclusion::Encrypted)
            }
            Err(_) => Loaded::LeftOut(Exclusion::Damaged),
        },
        // Stored photos were scrubbed on upload; scrubbing again is a no-op for them and
        // keeps any older upload's metadata out of the report.
        Some(Kind::Jpeg) => {
            let bytes = app::backend::storage::jpeg_scrub::scrub(&bytes);
            match jpeg_info(&bytes) {
                Some(info) => Loaded::Jpeg { bytes, info },
                None => Loaded::LeftOut(Exclusion::Damaged),
            }
        }
        Some(Kind::Png) => match crate::inspect::inspect(&bytes) {
            app::backend::certificates::inspection::Verdict::Accepted(_) => Loaded::Png { bytes },
            _ => Loaded::LeftOut(Exclusion::Damaged),
        },
        None | Some(Kind::Zip) => Loaded::LeftOut(Exclusion::Damaged),
    }
}

/// What the page needs to know about a JPEG, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// Adobe's marker: its CMYK is stored inverted.
    pub adobe: bool,
    /// EXIF orientation (1 = upright, 3 = upside down, 6 and 8 = a quarter turn).
    pub orientation: u16,
}

/// Walks the JPEG's markers up to its frame header.
pub fn jpeg_info(b: &[u8]) -> Option<JpegInfo> {
    if b.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    let mut adobe = false;
    let mut orientation = 1;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let body = b.get(i + 4..i + 2 + len)?;
        match marker {
            0xEE if body.starts_with(b"Adobe") => adobe = true,
            0xE1 if body.starts_with(b"Exif\0\0") => {
                orientation =
                    app::backend::storage::jpeg_scrub::exif_orientation(&body[6..]).unwrap_or(1);
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let height = u32::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
                let width = u32::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
                let components = *body.get(5)?;
                if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                    return None;
                }
                return Some(JpegInfo {
                    width,
                    height,
                    components,
                    adobe,
                    orientation,
                });
            }
            _ => {}
        }
        i += 2 + len;
    }
    None
}

/// Text in the built-in font's encoding (WinAnsi), as a PDF hex string; characters it
/// lacks become "?".
fn pdf_text(text: &str) -> String {
    let mut hex = String::with_capacity(text.len() * 2 + 2);
    hex.push('<');
    for c in text.chars() {
        let byte = match u32::from(c) {
            code @ (0x20..=0x7E | 0xA0..=0xFF) => code as u8,
            _ => match c {
                '–' => 0x96,
                '—' => 0x97,
                '’' => 0x92,
                '‘' => 0x91,
                '•' => 0x95,
                '…' => 0x85,
                '€' => 0x80,
                _ => b'?',
            },
        };
        hex.push_str(&format!("{byte:02X}"));
    }
    hex.push('>');
    hex
}

/// The heading of one certificate page: what it is, and its page number.
pub struct Heading {
    pub left: String,
    pub right: String,
}

/// Draws the band: white behind it, the heading left and the page number right.
fn band_content(heading: &Heading, x0: f32, x1: f32, bottom: f32) -> Vec<u8> {
    let y = bottom + (BAND - BAND_TEXT) / 2.0 + 1.0;
    let right_w = metrics::width(&heading.right, Face::Regular, BAND_TEXT);
    let left = metrics::fit(
        &heading.left,
        Face::Regular,
        BAND_TEXT,
        (x1 - x0) - right_w - 48.0,
    );
    format!(
        "q 1 g {x0:.2} {bottom:.2} {w:.2} {BAND:.2} re f 0.3 g \
         BT /{FONT} {BAND_TEXT} Tf {lx:.2} {y:.2} Td {left} Tj ET \
         BT /{FONT} {BAND_TEXT} Tf {rx:.2} {y:.2} Td {right} Tj ET \
         0.8 G 0.5 w {x0:.2} {line:.2} m {x1:.2} {line:.2} l S Q\n",
        w = x1 - x0,
        lx = x0 + 16.0,
        rx = x1 - 16.0 - right_w,
        left = pdf_text(&left),
        right = pdf_text(&heading.right),
        line = bottom + 0.25,
    )
    .into_bytes()
}

/// The report being put together: its own pages first, certificates after.
pub struct Bundle {
    doc: Document,
    pages_id: ObjectId,
    font_id: ObjectId,
    kids: Vec<Object>,
}

fn number(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn rect(doc: &Document, obj: &Object) -> Option<[f32; 4]> {
    let (_, obj) = doc.dereference(obj).ok()?;
    let a = obj.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f32> = a.iter().filter_map(number).collect();
    let [a, b, c, d] = v[..] else { return None };
    Some([a.min(c), b.min(d), a.max(c), b.max(d)])
}

/// An attribute of the page or, if it has none, of the nearest ancestor that does.
fn inherited(doc: &Document, page: &Dictionary, key: &[u8]) -> Option<Object> {
    if let Ok(v) = page.get(key) {
        return Some(v.clone());
    }
    let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
    for _ in 0..64 {
        let dict = doc.get_dictionary(parent?).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v.clone());
        }
        parent = dict.get(b"Parent").and_then(Object::as_reference).ok();
    }
    None
}

impl Bundle {
    /// Starts from the report's own pages (our PDF, from printpdf).
    pub fn open(report: &[u8]) -> anyhow::Result<Bundle> {
        let mut doc = Document::load_mem(report)?;
        let pages_id = doc
            .catalog()?
            .get(b"Pages")
            .and_then(Object::as_reference)?;
        let kids = doc
            .get_dictionary(pages_id)?
            .get(b"Kids")
            .and_then(Object::as_array)?
            .clone();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        doc.version = "1.7".into();
        Ok(Bundle {
            doc,
            pages_id,
            font_id,
            kids,
        })
    }

    pub fn page_count(&self) -> usize {
        self.kids.len()
    }

    fn add_page(&mut self, page: Dictionary) -> ObjectId {
        let id = self.doc.add_object(page);
        self.kids.push(Object::Reference(id));
        id
    }

    /// Appends one certificate, every page headed by `heading(page number)`.
    pub fn append(
        &mut self,
        loaded: Loaded,
        heading: &dyn Fn(usize) -> Heading,
    ) -> anyhow::Result<()> {
        match loaded {
            Loaded::Pdf { bytes, .. } => self.append_pdf(&bytes, heading),
            Loaded::Jpeg { bytes, info } => {
                let color = match (info.components, info.adobe) {
                    (1, _) => "DeviceGray",
                    (4, _) => "DeviceCMYK",
                    _ => "DeviceRGB",
                };
                let mut dict = dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(info.width),
                    "Height" => i64::from(info.height),
                    "ColorSpace" => color,
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                };
                if info.components == 4 && info.adobe {
                    let decode: Vec<Object> = [1, 0, 1, 0, 1, 0, 1, 0]
                        .into_iter()
                        .map(Object::from)
                        .collect();
                    dict.set("Decode", decode);
                }
                // The uploaded bytes, as they are: no decoding, no re-encoding.
                let image = self
                    .doc
                    .add_object(Stream::new(dict, bytes).with_compression(false));
                let (w, h) = (info.width as f32, info.height as f32);
                self.image_page(image, w, h, info.orientation, heading)
            }
            Loaded::Png { bytes } => {
                let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)?;
                drop(bytes);
                let (w, h) = (decoded.width(), decoded.height());
                let alpha = decoded.color().has_alpha().then(|| {
                    let rgba = decoded.to_rgba8();
                    rgba.pixels().map(|p| p.0[3]).collect::<Vec<u8>>()
                });
                let rgb = decoded.to_rgb8().into_raw();
                drop(decoded);
                let mut dict = dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(w),
                    "Height" => i64::from(h),
                    "ColorSpace" => "DeviceRGB",
                    "BitsPerComponent" => 8,
                };
                if let Some(alpha) = alpha {
                    let mut mask = Stream::new(
                        dictionary! {
                            "Type" => "XObject",
                            "Subtype" => "Image",
                            "Width" => i64::from(w),
                            "Height" => i64::from(h),
                            "ColorSpace" => "DeviceGray",
                            "BitsPerComponent" => 8,
                        },
                        alpha,
                    );
                    mask.compress()?;
                    dict.set("SMask", self.doc.add_object(mask));
                }
                let mut stream = Stream::new(dict, rgb);
                stream.compress()?;
                let image = self.doc.add_object(stream);
                self.image_page(image, w as f32, h as f32, 1, heading)
            }
            Loaded::LeftOut(_) => Ok(()),
        }
    }

    /// A page of its own for an image: A4, turned to suit the image, the image as large
    /// as fits under the band.
    fn image_page(
        &mut self,
        image: ObjectId,
        width: f32,
        height: f32,
        orientation: u16,
        heading: &dyn Fn(usize) -> Heading,
    ) -> anyhow::Result<()> {
        use super::layout::{PAGE_H, PAGE_W};
        // A quarter turn swaps the sides the image shows.
        let turned = matches!(orientation, 5..=8);
        let (shown_w, shown_h) = if turned {
            (height, width)
        } else {
            (width, height)
        };
        let (page_w, page_h) = if shown_w > shown_h {
            (PAGE_H, PAGE_W)
        } else {
            (PAGE_W, PAGE_H)
        };
        let margin = 28.0;
        let area_w = page_w - 2.0 * margin;
        let area_h = page_h - 2.0 * margin - BAND;
        let scale = (area_w / shown_w).min(area_h / shown_h);
        let (draw_w, draw_h) = (shown_w * scale, shown_h * scale);
        let x = (page_w - draw_w) / 2.0;
        let y = margin + (area_h - draw_h) / 2.0;
        // The image's unit square mapped onto its place, turned as EXIF says.
        let matrix = match orientation {
            3 | 4 => [-draw_w, 0.0, 0.0, -draw_h, x + draw_w, y + draw_h],
            6 | 5 => [0.0, -draw_h, draw_w, 0.0, x, y + draw_h],
            8 | 7 => [0.0, draw_h, -draw_w, 0.0, x + draw_w, y],
            _ => [draw_w, 0.0, 0.0, draw_h, x, y],
        };
        let number = self.kids.len() + 1;
        let mut content = format!(
            "q {:.3} {:.3} {:.3} {:.3} {:.3} {:.3} cm /Im Do Q\n",
            matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5]
        )
        .into_bytes();
        content.extend(band_content(&heading(number), 0.0, page_w, page_h - BAND));
        let contents = self.doc.add_object(Stream::new(dictionary! {}, content));
        let page = dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(page_w), Object::Real(page_h)],
            "Resources" => dictionary! {
                "XObject" => dictionary! { "Im" => image },
                "Font" => dictionary! { FONT => self.font_id },
            },
            "Contents" => contents,
        };
        self.add_page(page);
        Ok(())
    }

    /// Copies every page of an uploaded PDF, with a band above each for its heading.
    fn append_pdf(
        &mut self,
        bytes: &[u8],
        heading: &dyn Fn(usize) -> Heading,
    ) -> anyhow::Result<()> {
        let mut cert = Document::load_mem_with_options(bytes, pdf_options())?;
        if cert.is_encrypted() {
            anyhow::bail!("encrypted");
        }
        // Uploads were checked, but by the rules of their day: nothing active is copied.
        crate::inspect::strip_active_content(&mut cert);
        cert.renumber_objects_with(self.doc.max_id + 1);
        let pages: Vec<ObjectId> = cert.get_pages().into_values().collect();
        // What each page inherits is made its own before the page tree it came from goes.
        let mut prepared = Vec::with_capacity(pages.len());
        for id in &pages {
            let page = cert.get_dictionary(*id)?.clone();
            let media = inherited(&cert, &page, b"MediaBox")
                .and_then(|o| rect(&cert, &o))
                .unwrap_or([0.0, 0.0, 612.0, 792.0]);
            let crop = inherited(&cert, &page, b"CropBox").and_then(|o| rect(&cert, &o));
            let resources = match inherited(&cert, &page, b"Resources") {
                Some(r) => cert
                    .dereference(&r)?
                    .1
                    .as_dict()
                    .cloned()
                    .unwrap_or_default(),
                None => Dictionary::new(),
            };
            let fonts = match resources.get(b"Font") {
                Ok(f) => cert
                    .dereference(f)?
                    .1
                    .as_dict()
                    .cloned()
                    .unwrap_or_default(),
                Err(_) => Dictionary::new(),
            };
            let rotate = inherited(&cert, &page, b"Rotate");
            prepared.push((*id, page, media, crop, resources, fonts, rotate));
        }
        let max_id = cert.max_id;
        for (id, object) in std::mem::take(&mut cert.objects) {
            let skip = match &object {
                Object::Dictionary(d) => {
                    matches!(
                        d.get_type().ok(),
                        Some(b"Catalog" | b"Pages" | b"Outlines" | b"Outline")
                    )
                }
                Object::Stream(s) => matches!(s.dict.get_type().ok(), Some(b"ObjStm" | b"XRef")),
                _ => false,
            };
            if !skip {
                self.doc.objects.insert(id, object);
            }
        }
        self.doc.max_id = self.doc.max_id.max(max_id);
        for (id, mut page, media, crop, mut resources, mut fonts, rotate) in prepared {
            let shown = crop.unwrap_or(media);
            let top = shown[3];
            let new_media = [media[0], media[1], media[2], media[3].max(top + BAND)];
            fonts.set(FONT, self.font_id);
            resources.set("Font", fonts);
            page.set("Resources", resources);
            page.set("Parent", self.pages_id);
            page.set(
                "MediaBox",
                new_media
                    .iter()
                    .map(|v| Object::Real(*v))
                    .collect::<Vec<_>>(),
            );
            if crop.is_some() {
                let c = [shown[0], shown[1], shown[2], top + BAND];
                page.set(
                    "CropBox",
                    c.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
                );
            }
            if let Some(r) = rotate {
                page.set("Rotate", r);
            }
            // Boxes of the uploaded file would cut the band off; structure entries point
            // into parts of it that are not carried over.
            for key in [
                b"TrimBox".as_slice(),
                b"BleedBox",
                b"ArtBox",
                b"B",
                b"StructParents",
            ] {
                page.remove(key);
            }
            let number = self.kids.len() + 1;
            // The uploaded content runs in its own graphics state, then the band is drawn.
            let before = self
                .doc
                .add_object(Stream::new(dictionary! {}, b"q\n".to_vec()));
            let mut after = b"Q\n".to_vec();
            after.extend(band_content(&heading(number), shown[0], shown[2], top));
            let after = self.doc.add_object(Stream::new(dictionary! {}, after));
            let mut contents = vec![Object::Reference(before)];
            match page.get(b"Contents") {
                Ok(Object::Reference(r)) => match self.doc.get_object(*r) {
                    Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                    _ => contents.push(Object::Reference(*r)),
                },
                Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
                _ => {}
            }
            contents.push(Object::Reference(after));
            page.set("Contents", contents);
            self.doc.objects.insert(id, Object::Dictionary(page));
            self.kids.push(Object::Reference(id));
        }
        Ok(())
    }

    /// Writes the whole report to `out`; returns its number of pages.
    pub fn write(
        mut self,
        title: &str,
        report_id: &str,
        out: &mut impl std::io::Write,
    ) -> anyhow::Result<usize> {
        let count = self.kids.len();
        let pages = self.doc.get_dictionary_mut(self.pages_id)?;
        pages.set("Kids", std::mem::take(&mut self.kids));
        pages.set("Count", i64::try_from(count)?);
        let info = self.doc.add_object(dictionary! {
            "Title" => Object::string_literal(title),
            "Producer" => Object::string_literal("CPD Registry"),
            "Subject" => Object::string_literal(format!("CPD Registry report {report_id}")),
        });
        self.doc.trailer.set("Info", info);
        // Parts of the uploaded files nothing points to any more (their page trees).
        self.doc.prune_objects();
        self.doc.save_to(out)?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_headers_give_size_components_and_orientation() {
        let jpeg = crate::inspect::samples::jpeg(40, 30);
        let info = jpeg_info(&jpeg).expect("a frame header");
        assert!(info.width > 0 && info.height > 0);
        assert_eq!(info.components, 3);
        assert_eq!(info.orientation, 1);
        assert_eq!(jpeg_info(b"\xFF\xD8\xFF\xC0\x00"), None);
        assert_eq!(jpeg_info(b"not a jpeg"), None);
        // An EXIF block saying "turned a quarter clockwise" (big-endian TIFF).
        let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
        assert_eq!(
            app::backend::storage::jpeg_scrub::exif_orientation(&tiff),
            Some(6)
        );
    }

    #[test]
    fn band_text_is_win_ansi_hex() {
        assert_eq!(pdf_text("Å ö–"), "<C520F696>");
        assert_eq!(pdf_text("ł"), "<3F>");
    }
}
