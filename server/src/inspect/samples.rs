//! Files made on the spot for the tests, benchmarks and property tests: real PDFs
//! (lopdf), PNGs and JPEGs (image), and a PNG shaped like a decompression bomb.

/// A real PDF with `pages` pages, written with lopdf.
pub fn pdf(pages: usize) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = (0..pages)
        .map(|i| {
            let content = doc.add_object(Stream::new(
                dictionary! {},
                format!("BT /F1 12 Tf 72 720 Td (Page {i}) Tj ET").into_bytes(),
            ));
            doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! {
                    "Font" => dictionary! {
                        "F1" => dictionary! {
                            "Type" => "Font",
                            "Subtype" => "Type1",
                            "BaseFont" => "Helvetica",
                        },
                    },
                },
                "Contents" => content,
            })
            .into()
        })
        .collect();
    let count = i64::try_from(kids.len()).expect("sample: few pages");
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("sample: save");
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("sample: png");
    out.into_inner()
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 64])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("sample: jpeg");
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims `width` × `height` over a tiny compressed body: the shape
/// of a decompression bomb (a few hundred bytes that would decode to gigabytes).
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(
            &u32::try_from(data.len())
                .expect("sample: small")
                .to_be_bytes(),
        );
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    // zlib: a stored-nothing stream is enough; the header alone must stop it.
    chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

/// A real one-page PDF of about `size` bytes: the page plus an unused stream of noise
/// (which does not compress), for upload sizes and limits.
pub fn pdf_of_size(size: usize) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(&pdf(1)).expect("sample: reload");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    doc.add_object(lopdf::Stream::new(lopdf::dictionary! {}, noise));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("sample: save");
    out
}

/// A PDF like `pdf(1)` whose page carries `annots` and whose catalog has `catalog` added.
pub fn pdf_with(annots: Vec<lopdf::Object>, catalog: Vec<(&str, lopdf::Object)>) -> Vec<u8> {
    use lopdf::Object;
    let mut doc = lopdf::Document::load_mem(&pdf(1)).expect("sample loads");
    let page = *doc.get_pages().values().next().expect("a page");
    let annots: Vec<Object> = annots
        .into_iter()
        .map(|a| Object::Reference(doc.add_object(a)))
        .collect();
    if !annots.is_empty() {
        doc.get_object_mut(page)
            .and_then(Object::as_dict_mut)
            .expect("page")
            .set("Annots", annots);
    }
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("root");
    for (key, value) in catalog {
        doc.get_object_mut(root)
            .and_then(Object::as_dict_mut)
            .expect("catalog")
            .set(key, value);
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A link annotation running `action`.
pub fn link(action: lopdf::Dictionary) -> lopdf::Object {
    use lopdf::dictionary;
    lopdf::Object::Dictionary(dictionary! {
        "Type" => "Annot", "Subtype" => "Link",
        "Rect" => vec![72.into(), 72.into(), 200.into(), 90.into()],
        "A" => action,
    })
}

/// A one-page PDF with every kind of active content the bundling strips: web, launch and
/// chained script links, a file attachment, a form widget that submits and runs a script,
/// an open action, document-level scripts, attached files and an XFA form; and two links
/// within the document (one by action, one by destination) that stay.
pub fn active_pdf() -> Vec<u8> {
    use lopdf::{Object, dictionary};
    let s = Object::string_literal;
    // The page `pdf_with` adds to: links point at it as a real PDF's do.
    let page = *lopdf::Document::load_mem(&pdf(1))
        .expect("sample loads")
        .get_pages()
        .values()
        .next()
        .expect("a page");
    let page_dest = vec![Object::Reference(page), "Fit".into()];
    let bytes = pdf_with(
        vec![
            link(dictionary! { "S" => "URI", "URI" => s("https://evil.example/") }),
            link(dictionary! { "S" => "Launch", "Win" => dictionary! { "F" => s("cmd.exe") } }),
            link(
                dictionary! { "S" => "GoTo", "D" => page_dest.clone(), "Next" => dictionary! { "S" => "JavaScript", "JS" => s("x") } },
            ),
            Object::Dictionary(dictionary! {
                "Type" => "Annot", "Subtype" => "Link", "Dest" => page_dest.clone(),
                "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            }),
            Object::Dictionary(dictionary! {
                "Type" => "Annot", "Subtype" => "FileAttachment",
                "FS" => dictionary! { "Type" => "Filespec", "EF" => dictionary! { "F" => Object::Null } },
            }),
            Object::Dictionary(dictionary! {
                "Type" => "Annot", "Subtype" => "Widget",
                "A" => dictionary! { "S" => "SubmitForm", "F" => s("https://evil.example/") },
                "AA" => dictionary! { "K" => dictionary! { "S" => "JavaScript", "JS" => s("y") } },
            }),
        ],
        vec![
            (
                "OpenAction",
                Object::Dictionary(dictionary! { "S" => "JavaScript", "JS" => s("z") }),
            ),
            (
                "AA",
                Object::Dictionary(
                    dictionary! { "WC" => dictionary! { "S" => "JavaScript", "JS" => s("w") } },
                ),
            ),
            (
                "Names",
                Object::Dictionary(dictionary! {
                    "JavaScript" => dictionary! { "Names" => vec![s("a"), dictionary! { "S" => "JavaScript", "JS" => s("v") }.into()] },
                    "EmbeddedFiles" => dictionary! { "Names" => Vec::<Object>::new() },
                }),
            ),
            (
                "AcroForm",
                Object::Dictionary(
                    dictionary! { "Fields" => Vec::<Object>::new(), "XFA" => s("<xdp/>") },
                ),
            ),
        ],
    );
    // A real attached file: a stream the catalog's EmbeddedFiles names.
    let mut doc = lopdf::Document::load_mem(&bytes).expect("sample loads");
    let file = doc.add_object(lopdf::Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        b"MZ pretend executable".to_vec(),
    ));
    let spec = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => s("invoice.exe"), "EF" => dictionary! { "F" => file },
    });
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("root");
    doc.get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .and_then(|c| c.get_mut(b"Names"))
        .and_then(Object::as_dict_mut)
        .expect("names")
        .set(
            "EmbeddedFiles",
            dictionary! { "Names" => vec![s("invoice.exe"), Object::Reference(spec)] },
        );
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("sample: save");
    out
}

/// A JPEG segment `marker` with `body`.
fn jpeg_segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0xFF, marker];
    out.extend_from_slice(
        &u16::try_from(body.len() + 2)
            .expect("sample: a segment")
            .to_be_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// A real photo as a phone writes it: an EXIF block (orientation 6, a GPS position, a
/// serial number) and `xmp_bytes` of extended XMP in as many APP1 segments as it takes,
/// each naming the GPS position, before the picture.
pub fn jpeg_with_metadata(width: u32, height: u32, xmp_bytes: usize) -> Vec<u8> {
    let plain = jpeg(width, height);
    let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, kind, value) in [(0x0112u16, 3u16, 6u32), (0x8825, 4, 0x40)] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPS 59.3293N 18.0686E SERIAL-XZ-1234");
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend(jpeg_segment(0xE1, &exif));
    let mut written = 0;
    let mut part = 0;
    while written < xmp_bytes {
        let mut body = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
        body.extend(
            format!("<exif:GPSLatitude>59,19.758N</exif:GPSLatitude> part {part} ").bytes(),
        );
        body.resize(65_533.min(body.len().max(xmp_bytes - written)), b' ');
        written += body.len();
        part += 1;
        out.extend(jpeg_segment(0xE1, &body));
    }
    out.extend_from_slice(&plain[2..]);
    out
}

/// A real PNG with an `eXIf` block (a GPS position), text (`tEXt`, `iTXt` XMP) and the
/// time it was made (`tIME`) between its header and its image data.
pub fn png_with_metadata(width: u32, height: u32) -> Vec<u8> {
    let plain = png(width, height);
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = u32::try_from(data.len())
            .expect("sample: small")
            .to_be_bytes()
            .to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
        out
    };
    // The signature and IHDR (8 + 25 bytes) first, as the PNG specification requires.
    let mut out = plain[..33].to_vec();
    out.extend(chunk(
        b"eXIf",
        b"MM\0\x2a\0\0\0\x08 GPS 59.3293N 18.0686E SERIAL-XZ-1234",
    ));
    out.extend(chunk(b"tEXt", b"Author\0Anna Berg"));
    out.extend(chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPSLatitude 59,19N</x:xmpmeta>",
    ));
    out.extend(chunk(b"tIME", &[7, 234, 12, 1, 9, 30, 0]));
    out.extend_from_slice(&plain[33..]);
    out
}
