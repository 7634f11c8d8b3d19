//! Active content in PDFs, decided by an allow-list: the only actions a certificate may
//! hold are a jump within the document (`GoTo`) and, on a link a person clicks, a link to
//! a web page or an email address (`URI` with `http`, `https` or `mailto`), which real
//! certificates carry (the provider's site, a page that verifies the certificate). Nothing
//! runs on opening. Everything else a viewer could run, open, play, send or fetch —
//! scripts, launch actions in all their forms, other links (`URI` of any other scheme,
//! `GoToR`, `GoToE`), renditions, sounds, movies, form submission and import, rich media,
//! XFA forms, attached files — is refused at upload
//! ([`has_active_content`]) and taken out when a stored PDF is bundled into a report
//! ([`strip_active_content`]), so a file stored before a rule was added cannot reach an
//! auditor either.
//!
//! An action is recognised wherever it can be: in the places a viewer runs one (`A`,
//! `OpenAction`, `Next`, `PA`), and anywhere as a dictionary whose `S` names an action
//! type other than `GoTo`. Additional actions (`AA`) are refused whatever they hold.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

/// The one action type allowed.
const GOTO: &[u8] = b"GoTo";

/// The key of the action a link annotation runs when it is clicked (the others run on
/// their own: on opening, after another action, on a page).
const CLICK: &[u8] = b"A";

/// Keys under which a viewer finds an action to run.
const ACTION_KEYS: [&[u8]; 4] = [b"A", b"OpenAction", b"Next", b"PA"];

/// Every other action type of PDF 1.7 and 2.0: a dictionary whose `S` is one of these is
/// an action wherever it sits (`S` means other things elsewhere, e.g. a transparency group
/// or a page label style, but never one of these names).
const ACTION_TYPES: [&[u8]; 19] = [
    b"GoToR",
    b"GoToE",
    b"GoToDp",
    b"Launch",
    b"Thread",
    b"URI",
    b"Sound",
    b"Movie",
    b"Hide",
    b"Named",
    b"SubmitForm",
    b"ResetForm",
    b"ImportData",
    b"JavaScript",
    b"SetOCGState",
    b"Rendition",
    b"Trans",
    b"GoTo3DView",
    b"RichMediaExecute",
];

/// Keys that carry something beyond the page whatever their value: scripts (document-level
/// `JavaScript` name trees, `JS`), additional actions, attached files, XFA forms, rich
/// media, and the platform parameters of launch actions.
const ACTIVE_KEYS: [&[u8]; 11] = [
    b"JS",
    b"JavaScript",
    b"AA",
    b"EmbeddedFiles",
    b"EF",
    b"XFA",
    b"RichMediaContent",
    b"RichMediaSettings",
    b"Win",
    b"Mac",
    b"Unix",
];

/// Annotations that play, run or carry a file.
const ACTIVE_SUBTYPES: [&[u8]; 6] = [
    b"FileAttachment",
    b"Sound",
    b"Movie",
    b"Screen",
    b"RichMedia",
    b"3D",
];

/// The type of a file inside the PDF.
const EMBEDDED_FILE: &[u8] = b"EmbeddedFile";

/// Deeper than any real PDF nests.
const MAX_DEPTH: usize = 64;

fn name(object: &Object) -> Option<&[u8]> {
    object.as_name().ok()
}

/// The action type of a dictionary that is an action (it has `S` as a name).
/// An `S` written as a reference to its name: no real file does it, and a viewer resolves it,
/// so it is taken for an action of an unknown type (refused, and stripped).
const INDIRECT: &[u8] = b"(indirect)";

fn action_type(dict: &Dictionary) -> Option<&[u8]> {
    match dict.get(b"S").ok()? {
        Object::Reference(_) => Some(INDIRECT),
        other => name(other),
    }
}

/// A link to a web page or an email address, with nothing chained after it.
fn is_web_link(dict: &Dictionary) -> bool {
    action_type(dict) == Some(b"URI")
        && !dict.has(b"Next")
        && dict
            .get(b"URI")
            .ok()
            .and_then(|o| o.as_str().ok())
            .is_some_and(|uri| {
                let uri = uri.to_ascii_lowercase();
                [&b"https://"[..], b"http://", b"mailto:"]
                    .iter()
                    .any(|scheme| uri.starts_with(scheme))
            })
}

/// Whether `dict` is an action of a type we do not allow, wherever it sits. (A web link is
/// judged where it is used: see [`action_allowed`].)
fn is_foreign_action(dict: &Dictionary) -> bool {
    let typed_action = dict.get_type().ok() == Some(b"Action");
    match action_type(dict) {
        Some(GOTO) => false,
        Some(INDIRECT) => true,
        Some(_) if is_web_link(dict) => false,
        Some(kind) => typed_action || ACTION_TYPES.contains(&kind),
        None => false,
    }
}

/// Whether what sits under an action key is allowed: nothing that is an action, a `GoTo`
/// (an `OpenAction` may also be a plain destination, an array), or under a click a web link.
fn action_allowed(document: &Document, value: &Object, on_click: bool) -> bool {
    let Ok((_, target)) = document.dereference(value) else {
        // A reference to nothing runs nothing.
        return true;
    };
    let dict = match target {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        // A list of actions (`Next`) or a destination: each part runs by itself.
        Object::Array(items) => {
            return items
                .iter()
                .all(|item| action_allowed(document, item, false));
        }
        _ => return true,
    };
    match action_type(dict) {
        None => true,
        Some(GOTO) => true,
        Some(_) => on_click && is_web_link(dict),
    }
}

/// Whether `dict` is a link annotation, the one place a person clicks a web link.
fn is_link_annotation(dict: &Dictionary) -> bool {
    dict.get(b"Subtype").ok().and_then(name) == Some(b"Link")
}

/// Whether a dictionary is (or says) something active by itself, apart from its values.
fn dict_is_active(document: &Document, dict: &Dictionary) -> bool {
    if is_foreign_action(dict) {
        return true;
    }
    if dict.get_type().ok() == Some(EMBEDDED_FILE) || is_active_annotation(dict) {
        return true;
    }
    dict.iter().any(|(key, value)| {
        ACTIVE_KEYS.contains(&key.as_slice())
            || (ACTION_KEYS.contains(&key.as_slice())
                && !action_allowed(
                    document,
                    value,
                    key.as_slice() == CLICK && is_link_annotation(dict),
                ))
    })
}

/// Whether any object of the document is (or holds) active content, looking into every
/// dictionary and array nested inside it (an action may be written inline in the catalog
/// or an annotation, not only as an object of its own).
pub fn has_active_content(document: &Document) -> bool {
    fn active(document: &Document, object: &Object, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            // Refuse rather than walk on.
            return true;
        }
        match object {
            Object::Dictionary(d) => dict_active(document, d, depth),
            Object::Stream(s) => dict_active(document, &s.dict, depth),
            Object::Array(items) => items.iter().any(|o| active(document, o, depth + 1)),
            _ => false,
        }
    }
    fn dict_active(document: &Document, dict: &Dictionary, depth: usize) -> bool {
        dict_is_active(document, dict)
            || dict
                .iter()
                .any(|(_, value)| active(document, value, depth + 1))
    }
    document
        .objects
        .values()
        .any(|object| active(document, object, 0))
}

/// What [`strip_active_content`] decided about objects referred to by others.
struct Verdicts {
    /// Objects that are actions of a type other than `GoTo` (or an action of any type when
    /// `S` is there): never kept under an action key.
    actions: HashSet<ObjectId>,
    /// Annotations that play, run or carry a file: taken off every page.
    annotations: HashSet<ObjectId>,
    /// Files inside the PDF (`EmbeddedFile` streams): removed.
    files: HashSet<ObjectId>,
}

impl Verdicts {
    fn of(document: &Document) -> Verdicts {
        let mut actions = HashSet::new();
        let mut annotations = HashSet::new();
        let mut files = HashSet::new();
        for &id in document.objects.keys() {
            let Ok(object) = document.get_object(id) else {
                continue;
            };
            let dict = match object {
                Object::Dictionary(d) => d,
                Object::Stream(s) => &s.dict,
                _ => continue,
            };
            if action_type(dict).is_some_and(|kind| kind != GOTO) {
                actions.insert(id);
            }
            if is_active_annotation(dict) {
                annotations.insert(id);
            }
            if dict.get_type().ok() == Some(EMBEDDED_FILE) {
                files.insert(id);
            }
        }
        Verdicts {
            actions,
            annotations,
            files,
        }
    }

    /// Whether the value under an action key may stay.
    fn keeps_action(&self, value: &Object) -> bool {
        match value {
            Object::Reference(id) => !self.actions.contains(id),
            Object::Dictionary(d) => action_type(d).is_none_or(|kind| kind == GOTO),
            Object::Stream(s) => action_type(&s.dict).is_none_or(|kind| kind == GOTO),
            _ => true,
        }
    }

    /// Whether an entry of an `Annots` array may stay.
    fn keeps_annotation(&self, value: &Object) -> bool {
        match value {
            Object::Reference(id) => !self.annotations.contains(id),
            Object::Dictionary(d) => !is_active_annotation(d),
            _ => true,
        }
    }
}

fn is_active_annotation(dict: &Dictionary) -> bool {
    dict.get(b"Subtype")
        .ok()
        .and_then(name)
        .is_some_and(|s| ACTIVE_SUBTYPES.contains(&s))
}

/// Takes every piece of active content out of `document`, in place: additional actions
/// (`AA`) and open actions everywhere, document scripts and attached files (`JavaScript`,
/// `EmbeddedFiles`, `EF`, `JS`), XFA forms, rich media; every action that is not a `GoTo`
/// within the document (a link keeps its `Dest`, and a `GoTo` action stays); and the
/// annotations that play, run or carry a file, and the attached files themselves (removed).
/// Afterwards [`has_active_content`] holds for nothing but nesting deeper than we walk.
pub fn strip_active_content(document: &mut Document) {
    let verdicts = Verdicts::of(document);
    // Arrays that are some dictionary's `Annots` by reference: filtered like inline ones.
    let mut annots_arrays = HashSet::new();
    for object in document.objects.values() {
        collect_annots_refs(object, &mut annots_arrays, 0);
    }
    for (id, object) in document.objects.iter_mut() {
        if annots_arrays.contains(id)
            && let Object::Array(items) = object
        {
            items.retain(|item| verdicts.keeps_annotation(item));
        }
        clean(object, &verdicts, 0);
    }
    // The annotations taken off the pages, and the attached files, go altogether (whatever
    // else pointed at them now points at nothing, which a PDF reads as null).
    document
        .objects
        .retain(|id, _| !verdicts.annotations.contains(id) && !verdicts.files.contains(id));
}

fn collect_annots_refs(object: &Object, out: &mut HashSet<ObjectId>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let dict = match object {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        Object::Array(items) => {
            for item in items {
                collect_annots_refs(item, out, depth + 1);
            }
            return;
        }
        _ => return,
    };
    for (key, value) in dict.iter() {
        if key.as_slice() == b"Annots"
            && let Object::Reference(id) = value
        {
            out.insert(*id);
        }
        collect_annots_refs(value, out, depth + 1);
    }
}

fn clean(object: &mut Object, verdicts: &Verdicts, depth: usize) {
    if depth > MAX_DEPTH {
        // Nothing of a real PDF is this deep: drop what is, rather than walk on.
        *object = Object::Null;
        return;
    }
    match object {
        Object::Dictionary(d) => clean_dict(d, verdicts, depth),
        Object::Stream(s) => clean_dict(&mut s.dict, verdicts, depth),
        Object::Array(items) => {
            for item in items {
                clean(item, verdicts, depth + 1);
            }
        }
        _ => {}
    }
}

fn clean_dict(dict: &mut Dictionary, verdicts: &Verdicts, depth: usize) {
    if is_active_annotation(dict) {
        // Written inline somewhere other than a page's annotations: emptied.
        *dict = Dictionary::new();
        return;
    }
    for key in ACTIVE_KEYS {
        dict.remove(key);
    }
    // Only a catalog has one, and a report opens at its own first page.
    dict.remove(b"OpenAction");
    for key in ACTION_KEYS {
        if dict.get(key).is_ok_and(|v| !verdicts.keeps_action(v)) {
            dict.remove(key);
        }
    }
    // An action of another type that sits anywhere else is made inert: without its type
    // it is no action at all.
    if is_foreign_action(dict) {
        for key in [b"S".as_slice(), b"URI", b"F", b"N", b"R"] {
            dict.remove(key);
        }
    }
    if let Ok(Object::Array(items)) = dict.get_mut(b"Annots") {
        items.retain(|item| verdicts.keeps_annotation(item));
    }
    for (_, value) in dict.iter_mut() {
        clean(value, verdicts, depth + 1);
    }
}
