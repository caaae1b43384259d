//! Typed reader of the keypoint JSON (spec/movement.md, "Inputs"): parses straight into
//! [`KeypointFrame`]s with a serde visitor, without a `serde_json::Value` tree, either collecting
//! the whole sequence ([`super::parse_keypoints_json`]) or handing frames one at a time to a
//! [`FrameSink`] ([`stream_keypoints_json`]) so an hour-long file never sits in memory.
//!
//! The reader takes a `serde_json::Deserializer` the caller built (over a `&str`, bytes or an
//! `io::Read` of its own): this crate opens nothing itself.
//!
//! Validation and messages are those of the `Value` reader this replaced: the collecting form
//! reports the same first error for any file (syntax first, then the header fields in order, then
//! the first malformed frame, then [`super::validate`]); the streaming form stops at the first
//! bad frame and adds its line and column ([`KeypointError::FieldAt`]).

use super::{
    Keypoint, KeypointError, KeypointFrame, KeypointSequence, Layout, MAX_FRAMES, MAX_LANDMARKS_PER_LIST, field, layout_from, too_large,
    validate, validate_frame,
};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// Which size limit a frame broke while it was read (the visitors stop at once and say so here;
/// the frame list turns it into the [`KeypointError`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Over {
    Landmarks { index: usize },
}

type Hit<'a> = &'a Cell<Option<Over>>;

fn over<E: de::Error>(hit: Hit<'_>, o: Over) -> E {
    hit.set(Some(o));
    E::custom("a size limit was reached")
}

/// The error for a size limit broken in frame `index`.
fn over_error(o: Over) -> KeypointError {
    match o {
        Over::Landmarks { index } => too_large(format!(
            "frames[{index}]: more than {MAX_LANDMARKS_PER_LIST} landmark rows in one list, the limit on one frame's size (a frame has 33 or 17)"
        )),
    }
}

/// The clip-wide fields, known before the first frame is handed on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    /// Frames per second of the source.
    pub fps: f64,
    /// Image width and height, in pixels.
    pub width: u32,
    pub height: u32,
    pub layout: Layout,
}

/// Where a streamed file's frames go.
pub trait FrameSink {
    /// Called once, before the first frame.
    fn header(&mut self, header: &Header);
    /// Called per frame, in file order, after the frame passed validation.
    fn frame(&mut self, frame: KeypointFrame);
}

/// A JSON number, or `None` for any other value (the `Value` reader's `as_f64`).
struct NumOrOther(Option<f64>);

impl<'de> de::Deserialize<'de> for NumOrOther {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumOrOther;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_f64<E>(self, v: f64) -> Result<NumOrOther, E> {
                Ok(NumOrOther(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<NumOrOther, E> {
                Ok(NumOrOther(Some(v as f64)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<NumOrOther, E> {
                Ok(NumOrOther(Some(v as f64)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<NumOrOther, E> {
                Ok(NumOrOther(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<NumOrOther, E> {
                Ok(NumOrOther(None))
            }
            fn visit_unit<E>(self) -> Result<NumOrOther, E> {
                Ok(NumOrOther(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<NumOrOther, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(NumOrOther(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<NumOrOther, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NumOrOther(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A landmark row: the numbers in it (other values skipped, as `filter_map(as_f64)` did), or
/// `None` when the row is not a list. `count` may exceed 4; only the first 4 are kept.
struct Row {
    nums: [f64; 4],
    count: usize,
}

/// Reads one [`Row`] of frame `index`.
struct RowSeed<'a> {
    index: usize,
    hit: Hit<'a>,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = Row;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Row, D::Error> {
        struct V<'a>(usize, Hit<'a>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Row;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Row, A::Error> {
                let mut row = Row { nums: [0.0; 4], count: 0 };
                // Numbers past the fourth are counted, not kept: a long row costs time, not memory.
                let _ = (self.0, self.1);
                while let Some(NumOrOther(v)) = a.next_element()? {
                    if let Some(v) = v {
                        if let Some(slot) = row.nums.get_mut(row.count) {
                            *slot = v;
                        }
                        row.count += 1;
                    }
                }
                Ok(row)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_str<E>(self, _: &str) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_unit<E>(self) -> Result<Row, E> {
                Ok(NOT_A_ROW)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Row, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NOT_A_ROW)
            }
        }
        d.deserialize_any(V(self.index, self.hit))
    }
}

/// A value that is not a list: no row can have this many numbers.
const NOT_A_ROW: Row = Row { nums: [0.0; 4], count: usize::MAX };

/// Which list of rows is being read, for frame `index`.
#[derive(Clone, Copy)]
enum Kind {
    Image,
    World,
}

#[derive(Clone, Copy)]
struct Rows<'a> {
    kind: Kind,
    index: usize,
    hit: Hit<'a>,
}

/// A list of landmark rows, or the first thing wrong with it.
enum RowsOut {
    Null,
    Image(Vec<Keypoint>),
    World(Vec<[f64; 3]>),
    /// Not a list (the `String` is the message).
    NotList,
    /// Row `j` is malformed.
    BadRow(usize),
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = RowsOut;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RowsOut, D::Error> {
        struct V<'a>(Rows<'a>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = RowsOut;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<RowsOut, E> {
                Ok(RowsOut::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RowsOut, A::Error> {
                let mut bad = None;
                let mut j = 0;
                let Rows { kind, index, hit } = self.0;
                let seed = || RowSeed { index, hit };
                let limit = |j: usize| if j >= MAX_LANDMARKS_PER_LIST { Err(over(hit, Over::Landmarks { index })) } else { Ok(()) };
                match kind {
                    Kind::Image => {
                        let mut out = Vec::with_capacity(a.size_hint().unwrap_or(33).min(MAX_LANDMARKS_PER_LIST));
                        while let Some(r) = a.next_element_seed(seed())? {
                            limit(j)?;
                            match (r.count, r.nums) {
                                _ if bad.is_some() => {}
                                (4, [x, y, z, v]) => out.push(Keypoint { x, y, z, visibility: v }),
                                (3, [x, y, z, _]) => out.push(Keypoint { x, y, z, visibility: 1.0 }),
                                _ => bad = Some(j),
                            }
                            j += 1;
                        }
                        Ok(bad.map_or(RowsOut::Image(out), RowsOut::BadRow))
                    }
                    Kind::World => {
                        let mut out = Vec::with_capacity(a.size_hint().unwrap_or(33).min(MAX_LANDMARKS_PER_LIST));
                        while let Some(r) = a.next_element_seed(seed())? {
                            limit(j)?;
                            match (r.count, r.nums) {
                                _ if bad.is_some() => {}
                                (3, [x, y, z, _]) => out.push([x, y, z]),
                                _ => bad = Some(j),
                            }
                            j += 1;
                        }
                        Ok(bad.map_or(RowsOut::World(out), RowsOut::BadRow))
                    }
                }
            }
            fn visit_bool<E>(self, _: bool) -> Result<RowsOut, E> {
                Ok(RowsOut::NotList)
            }
            fn visit_f64<E>(self, _: f64) -> Result<RowsOut, E> {
                Ok(RowsOut::NotList)
            }
            fn visit_u64<E>(self, _: u64) -> Result<RowsOut, E> {
                Ok(RowsOut::NotList)
            }
            fn visit_i64<E>(self, _: i64) -> Result<RowsOut, E> {
                Ok(RowsOut::NotList)
            }
            fn visit_str<E>(self, _: &str) -> Result<RowsOut, E> {
                Ok(RowsOut::NotList)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RowsOut, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(RowsOut::NotList)
            }
        }
        d.deserialize_any(V(self))
    }
}

/// One frame element of `frames`: the frame, or the first thing wrong with it (in the order the
/// `Value` reader checked: `t`, then `landmarks`, then `world_landmarks`).
struct FrameSeed<'a> {
    index: usize,
    hit: Hit<'a>,
}

impl<'de> DeserializeSeed<'de> for FrameSeed<'_> {
    type Value = Result<KeypointFrame, KeypointError>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V<'a>(usize, Hit<'a>);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Result<KeypointFrame, KeypointError>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let i = self.0;
                let (mut t, mut ms, mut lms, mut world) = (None, None, RowsOut::Null, RowsOut::Null);
                while let Some(key) = a.next_key::<FrameKey>()? {
                    match key {
                        FrameKey::T => t = Some(a.next_value::<NumOrOther>()?.0),
                        FrameKey::TimestampMs => ms = Some(a.next_value::<NumOrOther>()?.0),
                        FrameKey::Landmarks => lms = a.next_value_seed(Rows { kind: Kind::Image, index: i, hit: self.1 })?,
                        FrameKey::WorldLandmarks => world = a.next_value_seed(Rows { kind: Kind::World, index: i, hit: self.1 })?,
                        FrameKey::Other => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let at = |k: &str| format!("frames[{i}].{k}");
                let t = match (t, ms) {
                    (Some(t), _) => match t {
                        Some(t) => t,
                        None => return Ok(Err(field(at("t"), "expected a number of seconds"))),
                    },
                    (None, Some(ms)) => match ms {
                        Some(ms) => ms / 1000.0,
                        None => return Ok(Err(field(at("timestamp_ms"), "expected a number"))),
                    },
                    (None, None) => return Ok(Err(field(at("t"), "missing (time in seconds)"))),
                };
                let landmarks = match lms {
                    RowsOut::Null => None,
                    RowsOut::Image(v) => Some(v),
                    RowsOut::World(_) | RowsOut::NotList => {
                        return Ok(Err(field(at("landmarks"), "expected a list of [x, y, z, visibility]")));
                    }
                    RowsOut::BadRow(j) => return Ok(Err(field(format!("frames[{i}].landmarks[{j}]"), "expected [x, y, z, visibility] numbers"))),
                };
                let world_landmarks = match world {
                    RowsOut::Null => None,
                    RowsOut::World(v) => Some(v),
                    RowsOut::Image(_) | RowsOut::NotList => return Ok(Err(field(at("world_landmarks"), "expected a list of [x, y, z]"))),
                    RowsOut::BadRow(j) => {
                        return Ok(Err(field(format!("frames[{i}].world_landmarks[{j}]"), "expected [x, y, z] numbers in metres")));
                    }
                };
                Ok(Ok(KeypointFrame { t, landmarks, world_landmarks }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Err(self.not_object()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Err(self.not_object()))
            }
        }
        impl V<'_> {
            fn not_object(&self) -> KeypointError {
                field(format!("frames[{}]", self.0), "expected an object")
            }
        }
        d.deserialize_any(V(self.index, self.hit))
    }
}

/// Keys of a frame object the reader looks at.
enum FrameKey {
    T,
    TimestampMs,
    Landmarks,
    WorldLandmarks,
    Other,
}

impl<'de> de::Deserialize<'de> for FrameKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FrameKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, k: &str) -> Result<FrameKey, E> {
                Ok(match k {
                    "t" => FrameKey::T,
                    "timestamp_ms" => FrameKey::TimestampMs,
                    "landmarks" => FrameKey::Landmarks,
                    "world_landmarks" => FrameKey::WorldLandmarks,
                    _ => FrameKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// The top-level keys the reader looks at.
enum TopKey {
    Fps,
    Width,
    Height,
    Layout,
    Frames,
    VideoInfo,
    Other,
}

impl<'de> de::Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, k: &str) -> Result<TopKey, E> {
                Ok(match k {
                    "fps" => TopKey::Fps,
                    "width" => TopKey::Width,
                    "height" => TopKey::Height,
                    "layout" => TopKey::Layout,
                    "frames" => TopKey::Frames,
                    "video_info" => TopKey::VideoInfo,
                    _ => TopKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// `fps`, `width`, `height` as found (outer `None`: key absent; inner `None`: not a number).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Info {
    fps: Option<Option<f64>>,
    width: Option<Option<f64>>,
    height: Option<Option<f64>>,
}

/// `video_info`: `Some` when it is an object.
struct VideoInfo(Option<Info>);

impl<'de> de::Deserialize<'de> for VideoInfo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VideoInfo;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<VideoInfo, A::Error> {
                let mut info = Info::default();
                while let Some(key) = a.next_key::<TopKey>()? {
                    match key {
                        TopKey::Fps => info.fps = Some(a.next_value::<NumOrOther>()?.0),
                        TopKey::Width => info.width = Some(a.next_value::<NumOrOther>()?.0),
                        TopKey::Height => info.height = Some(a.next_value::<NumOrOther>()?.0),
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(VideoInfo(Some(info)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<VideoInfo, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(VideoInfo(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
            fn visit_unit<E>(self) -> Result<VideoInfo, E> {
                Ok(VideoInfo(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `layout` as found: a string, or something else.
#[derive(Debug, Clone, PartialEq)]
enum LayoutVal {
    Str(String),
    NotString,
}

impl<'de> de::Deserialize<'de> for LayoutVal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match NumOrStr::deserialize(d)? {
            NumOrStr::Str(s) => LayoutVal::Str(s),
            NumOrStr::Other => LayoutVal::NotString,
        })
    }
}

enum NumOrStr {
    Str(String),
    Other,
}

impl<'de> de::Deserialize<'de> for NumOrStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumOrStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, s: &str) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Str(s.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Other)
            }
            fn visit_unit<E>(self) -> Result<NumOrStr, E> {
                Ok(NumOrStr::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<NumOrStr, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(NumOrStr::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<NumOrStr, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(NumOrStr::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The top-level fields seen so far.
#[derive(Default)]
struct Top {
    info: Info,
    video_info: Option<Option<Info>>,
    layout: Option<LayoutVal>,
}

impl Top {
    /// The header these fields give, or the first thing wrong, in the `Value` reader's order.
    /// `frames_ok` says whether `frames` was a list (checked after the layout).
    fn header(&self, frames_ok: bool) -> Result<Header, KeypointError> {
        let info = match &self.video_info {
            Some(Some(v)) => v,
            _ => &self.info,
        };
        let num = |key: &str, v: Option<Option<f64>>| v.flatten().ok_or_else(|| field(key, "missing or not a number"));
        let fps = num("fps", info.fps)?;
        let size = |key: &str, v: Option<Option<f64>>| -> Result<u32, KeypointError> {
            let x = num(key, v)?;
            if x.fract() != 0.0 || !(1.0..=100_000.0).contains(&x) {
                return Err(field(key, format!("expected a whole number of pixels, got {x}")));
            }
            Ok(x as u32)
        };
        let (width, height) = (size("width", info.width)?, size("height", info.height)?);
        let layout = match &self.layout {
            None => Layout::Blazepose33,
            Some(LayoutVal::NotString) => return Err(field("layout", "expected a string")),
            Some(LayoutVal::Str(id)) => {
                layout_from(id).ok_or_else(|| field("layout", format!("unknown layout `{id}` (expected blazepose33 or coco17)")))?
            }
        };
        if !frames_ok {
            return Err(field("frames", "missing or not a list"));
        }
        Ok(Header { fps, width, height, layout })
    }
}

/// What to do with frames.
enum Mode<'s> {
    /// Keep them all; report errors in the `Value` reader's order.
    Collect { frames: Vec<KeypointFrame>, first_error: Option<KeypointError>, frames_list: bool },
    /// Hand them on as they come; stop at the first error.
    Stream { sink: &'s mut dyn FrameSink, started: Option<Header>, count: usize, last_t: f64, buffered: Option<Vec<KeypointFrame>>, frames_list: bool },
}

/// The whole document: a map, or anything else (refused after parsing, as the `Value` reader did).
struct Doc<'m, 's> {
    mode: &'m mut Mode<'s>,
    top: &'m mut Top,
    /// A streaming error, kept whole (serde's error only carries its text and position).
    stop: &'m mut Option<KeypointError>,
    /// Frames read so far (for a caller that bounds bytes per frame).
    progress: &'m Cell<usize>,
}

/// Returned by the visitor when the document is not an object.
struct NotObject;

impl<'de> DeserializeSeed<'de> for Doc<'_, '_> {
    type Value = Option<NotObject>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Doc<'_, '_> {
    type Value = Option<NotObject>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = a.next_key::<TopKey>()? {
            match key {
                TopKey::Fps => self.top.info.fps = Some(a.next_value::<NumOrOther>()?.0),
                TopKey::Width => self.top.info.width = Some(a.next_value::<NumOrOther>()?.0),
                TopKey::Height => self.top.info.height = Some(a.next_value::<NumOrOther>()?.0),
                TopKey::Layout => self.top.layout = Some(a.next_value::<LayoutVal>()?),
                TopKey::VideoInfo => self.top.video_info = Some(a.next_value::<VideoInfo>()?.0),
                TopKey::Frames => {
                    a.next_value_seed(FramesSeed { mode: &mut *self.mode, top: &*self.top, stop: &mut *self.stop, progress: self.progress })?
                }
                TopKey::Other => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
        while a.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(NotObject))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(NotObject))
    }
}

/// The value of `frames`.
struct FramesSeed<'m, 's> {
    mode: &'m mut Mode<'s>,
    top: &'m Top,
    stop: &'m mut Option<KeypointError>,
    progress: &'m Cell<usize>,
}

impl<'de> DeserializeSeed<'de> for FramesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FramesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        match self.mode {
            Mode::Collect { frames, first_error, frames_list } => {
                // A later `frames` key replaces an earlier one, as in a JSON object.
                *frames_list = true;
                frames.clear();
                *first_error = None;
                let hit = Cell::new(None);
                let mut i = 0;
                while let Some(f) = next_frame(&mut a, i, &hit, self.stop, self.progress)? {
                    match f {
                        Ok(f) if first_error.is_none() => frames.push(f),
                        Ok(_) => {}
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                    i += 1;
                }
                Ok(())
            }
            Mode::Stream { sink, started, count, last_t, buffered, frames_list } => {
                if *frames_list {
                    return Err(stop(self.stop, field("frames", "appears twice; a streamed file has one list of frames")));
                }
                *frames_list = true;
                // The header must be complete before the frames to stream them; otherwise they
                // are kept and checked once the whole file is read.
                let header = match self.top.header(true) {
                    Ok(h) => h,
                    Err(_) => {
                        let mut kept = Vec::new();
                        let hit = Cell::new(None);
                        let mut i = 0;
                        while let Some(f) = next_frame(&mut a, i, &hit, self.stop, self.progress)? {
                            kept.push(f.map_err(|e| stop(self.stop, e))?);
                            i += 1;
                        }
                        *buffered = Some(kept);
                        return Ok(());
                    }
                };
                check_header(&header).map_err(|e| stop(self.stop, e))?;
                sink.header(&header);
                *started = Some(header);
                let hit = Cell::new(None);
                while let Some(f) = next_frame(&mut a, *count, &hit, self.stop, self.progress)? {
                    let f = f.map_err(|e| stop(self.stop, e))?;
                    validate_frame(*count, &f, header.layout, *last_t).map_err(|e| stop(self.stop, e))?;
                    *last_t = f.t;
                    *count += 1;
                    sink.frame(f);
                }
                Ok(())
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_list()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_list()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_list()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_list()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_list()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_list()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_list()
    }
}

/// The next element of `frames` (frame `index`), stopping at [`MAX_FRAMES`] and at the limits
/// on one frame's size, the broken limit kept whole in `stop`.
fn next_frame<'de, A: SeqAccess<'de>>(
    a: &mut A,
    index: usize,
    hit: Hit<'_>,
    stop_slot: &mut Option<KeypointError>,
    progress: &Cell<usize>,
) -> Result<Option<Result<KeypointFrame, KeypointError>>, A::Error> {
    let next = a.next_element_seed(FrameSeed { index, hit });
    if let Ok(Some(_)) = next {
        progress.set(progress.get().max(index + 1));
    }
    match next {
        Ok(Some(_)) if index >= MAX_FRAMES => Err(stop(
            stop_slot,
            too_large(format!("more than {MAX_FRAMES} frames, the limit on a keypoint file's length (2 hours at 60 frames per second)")),
        )),
        Ok(Some(Ok(f))) if f.t > super::MAX_DURATION_S => Err(stop(
            stop_slot,
            too_large(format!(
                "frames[{index}].t: {} s is past {} s, the limit on a keypoint file's length (4 hours)",
                super::short_time(f.t),
                super::MAX_DURATION_S
            )),
        )),
        Ok(f) => Ok(f),
        Err(e) => Err(match hit.get() {
            Some(o) => stop(stop_slot, over_error(o)),
            None => e,
        }),
    }
}

impl FramesSeed<'_, '_> {
    fn not_list<E: de::Error>(self) -> Result<(), E> {
        match self.mode {
            Mode::Collect { frames, first_error, frames_list } => {
                *frames_list = false;
                frames.clear();
                *first_error = None;
                Ok(())
            }
            Mode::Stream { .. } => Err(stop(self.stop, field("frames", "missing or not a list"))),
        }
    }
}

/// Keeps `e` whole and gives serde an error to unwind with (serde_json adds line and column).
fn stop<E: de::Error>(slot: &mut Option<KeypointError>, e: KeypointError) -> E {
    let text = e.to_string();
    *slot = Some(e);
    E::custom(text)
}

/// The sequence-wide checks of [`validate`] that need no frames.
fn check_header(h: &Header) -> Result<(), KeypointError> {
    if !(h.fps.is_finite() && h.fps > 0.0 && h.fps <= 1000.0) {
        return Err(field("fps", format!("expected frames per second above 0 and up to 1000, got {}", h.fps)));
    }
    Ok(())
}

fn json_error(e: &serde_json::Error) -> KeypointError {
    KeypointError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string().split(" at line ").next().unwrap_or("invalid JSON").to_string(),
    }
}

/// Reads a whole keypoint JSON document from `de` into a sequence, with the same checks and
/// messages as [`super::parse_keypoints_json`] (which calls this on a `&str`).
pub fn parse_keypoints_json_from<'de, R: serde_json::de::Read<'de>>(de: &mut serde_json::Deserializer<R>) -> Result<KeypointSequence, KeypointError> {
    parse_keypoints_json_counted(de, &Cell::new(0))
}

/// As [`parse_keypoints_json_from`], counting in `frames_read` the frames read so far, as they
/// are read: a caller that owns the byte stream can then bound the bytes per frame (the size of
/// one frame), which it alone sees.
pub fn parse_keypoints_json_counted<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    frames_read: &Cell<usize>,
) -> Result<KeypointSequence, KeypointError> {
    let mut mode = Mode::Collect { frames: Vec::new(), first_error: None, frames_list: false };
    let mut top = Top::default();
    let mut stop = None;
    let doc = Doc { mode: &mut mode, top: &mut top, stop: &mut stop, progress: frames_read }.deserialize(&mut *de).map_err(|e| match stop.take() {
        // A size limit: reading stopped there.
        Some(limit) => limit,
        None => json_error(&e),
    })?;
    de.end().map_err(|e| json_error(&e))?;
    if doc.is_some() {
        return Err(field("(top level)", "expected one JSON object"));
    }
    let Mode::Collect { frames, first_error, frames_list } = mode else { unreachable!("collect mode stays collect") };
    let h = top.header(frames_list)?;
    if let Some(e) = first_error {
        return Err(e);
    }
    let seq = KeypointSequence { fps: h.fps, width: h.width, height: h.height, layout: h.layout, frames };
    validate(&seq)?;
    Ok(seq)
}

/// Streams a keypoint JSON document from `de`: `sink.header` once, then `sink.frame` per frame
/// as it is parsed, so memory does not grow with the file. The clip-wide fields must come before
/// `frames` (as the spec's form and MediaPipe dumps have them); if they come after, the frames
/// are kept until the end and then handed on. Stops at the first problem; field errors then carry
/// the line and column where reading stopped ([`KeypointError::FieldAt`]). Returns the header.
pub fn stream_keypoints_json<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut dyn FrameSink,
) -> Result<Header, KeypointError> {
    stream_keypoints_json_counted(de, sink, &Cell::new(0))
}

/// As [`stream_keypoints_json`], counting in `frames_read` the frames read so far, as they are
/// read (see [`parse_keypoints_json_counted`]).
pub fn stream_keypoints_json_counted<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut dyn FrameSink,
    frames_read: &Cell<usize>,
) -> Result<Header, KeypointError> {
    let mut mode = Mode::Stream { sink, started: None, count: 0, last_t: f64::NEG_INFINITY, buffered: None, frames_list: false };
    let mut top = Top::default();
    let mut stop = None;
    let progress = frames_read;
    let doc = Doc { mode: &mut mode, top: &mut top, stop: &mut stop, progress }.deserialize(&mut *de).and_then(|d| de.end().map(|()| d));
    let doc = match doc {
        Ok(d) => d,
        Err(e) => {
            return Err(match stop {
                Some(KeypointError::Field { field, message }) => KeypointError::FieldAt { field, message, line: e.line(), column: e.column() },
                Some(other) => other,
                None => json_error(&e),
            });
        }
    };
    if doc.is_some() {
        return Err(field("(top level)", "expected one JSON object"));
    }
    let Mode::Stream { sink, started, count, buffered, frames_list, .. } = mode else { unreachable!("stream mode stays stream") };
    let header = top.header(frames_list)?;
    match (started, buffered) {
        (Some(h), _) => {
            // Fields after the frames must not change what the frames were read with.
            if h != header {
                return Err(field("frames", "fps, width, height, layout or video_info changed after the frames; put them before `frames`"));
            }
            if count == 0 {
                return Err(field("frames", "the file has no frames"));
            }
        }
        (None, Some(frames)) => {
            let seq = KeypointSequence { fps: header.fps, width: header.width, height: header.height, layout: header.layout, frames };
            validate(&seq)?;
            sink.header(&header);
            for f in seq.frames {
                sink.frame(f);
            }
        }
        (None, None) => return Err(field("frames", "missing or not a list")),
    }
    Ok(header)
}
