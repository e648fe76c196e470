//! Fonts, text measurement and line breaking for [`super::Document`].
//!
//! The two DejaVu Sans faces are compiled into the binary and parsed once per process
//! (parsing a 750 KB TrueType file takes tens of milliseconds). Widths come from the
//! font's `hmtx` advances, so wrapping matches what the viewer draws.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use printpdf::ParsedFont;

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Advances for code points below this are kept in a flat table: Latin, Greek and
/// Cyrillic. Anything above is looked up in the font's maps.
const TABLE_LEN: usize = 0x500;

/// Advance used for every character when the fonts could not be loaded (layout still
/// runs, `finish` reports the error).
const APPROX_EM: f32 = 0.55;

/// Which embedded face a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

/// One parsed face plus the metrics layout needs.
pub(super) struct Font {
    /// `None` for the stand-in used when the real fonts failed to parse.
    pub(super) parsed: Option<ParsedFont>,
    /// PostScript-style name written into the PDF (`/BaseFont`).
    pub(super) name: &'static str,
    units_per_em: f32,
    /// Advance in em for code points below [`TABLE_LEN`]; negative when the glyph is missing.
    table: Vec<f32>,
    /// Advance of the replacement character `?`, in em.
    replacement: f32,
    /// Ascender and descender (both positive), in em.
    pub(super) ascent: f32,
    pub(super) descent: f32,
}

pub(super) struct Fonts {
    pub(super) regular: Font,
    pub(super) bold: Font,
}

impl Fonts {
    pub(super) fn get(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

static FONTS: LazyLock<Result<Fonts, &'static str>> = LazyLock::new(|| {
    Ok(Fonts {
        regular: Font::parse(REGULAR_TTF, "DejaVuSans")?,
        bold: Font::parse(BOLD_TTF, "DejaVuSans-Bold")?,
    })
});

static APPROXIMATE: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Font::approximate("DejaVuSans"),
    bold: Font::approximate("DejaVuSans-Bold"),
});

/// The embedded fonts, parsed on first use. `Err` names the face that failed.
pub(super) fn fonts() -> Result<&'static Fonts, &'static str> {
    FONTS.as_ref().map_err(|e| *e)
}

/// Metrics-only stand-in so a document can still be laid out when the fonts are broken.
pub(super) fn approximate_fonts() -> &'static Fonts {
    &APPROXIMATE
}

impl Font {
    fn parse(bytes: &[u8], name: &'static str) -> Result<Font, &'static str> {
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or(name)?;
        if parsed.units_per_em == 0 || parsed.codepoint_to_glyph.is_empty() {
            return Err(name);
        }
        parsed.font_name = Some(name.to_string());
        let units_per_em = f32::from(parsed.units_per_em);
        let mut table = vec![-1.0; TABLE_LEN];
        for (cp, slot) in table.iter_mut().enumerate() {
            if let Some(w) = glyph_advance(&parsed, cp as u32, units_per_em) {
                *slot = w;
            }
        }
        let replacement = table[usize::from(b'?')].max(0.0);
        let ascent = f32::from(parsed.font_metrics.ascent) / units_per_em;
        let descent = (f32::from(parsed.font_metrics.descent) / units_per_em).abs();
        Ok(Font {
            parsed: Some(parsed),
            name,
            units_per_em,
            table,
            replacement,
            ascent,
            descent,
        })
    }

    fn approximate(name: &'static str) -> Font {
        Font {
            parsed: None,
            name,
            units_per_em: 1000.0,
            table: vec![APPROX_EM; TABLE_LEN],
            replacement: APPROX_EM,
            ascent: 0.93,
            descent: 0.24,
        }
    }

    /// Advance of `c` in em, or `None` when the font has no glyph for it.
    pub(super) fn advance(&self, c: char) -> Option<f32> {
        let cp = c as u32;
        if let Some(&w) = self.table.get(cp as usize) {
            return (w >= 0.0).then_some(w);
        }
        match &self.parsed {
            Some(parsed) => glyph_advance(parsed, cp, self.units_per_em),
            None => Some(APPROX_EM),
        }
    }

    /// The character actually drawn for `c` and its advance in em: tabs become spaces,
    /// other control characters are dropped, characters the font lacks become `?`.
    pub(super) fn render_char(&self, c: char) -> Option<(char, f32)> {
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return None;
        }
        match self.advance(c) {
            Some(w) => Some((c, w)),
            None => Some(('?', self.replacement)),
        }
    }

    /// `text` as drawn (see [`Font::render_char`]) and its width in points.
    pub(super) fn shape(&self, text: &str, size: f32) -> (String, f32) {
        let mut out = String::with_capacity(text.len());
        let mut em = 0.0;
        for c in text.chars() {
            if let Some((c, w)) = self.render_char(c) {
                out.push(c);
                em += w;
            }
        }
        (out, em * size)
    }

    /// Width of already-shaped text in points.
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(c).unwrap_or(self.replacement))
            .sum::<f32>()
            * size
    }

    /// Distance from the top of a line box of height `line_height` to the baseline, so
    /// the glyphs sit vertically centred in the box.
    pub(super) fn baseline_offset(&self, size: f32, line_height: f32) -> f32 {
        (line_height - (self.ascent + self.descent) * size) / 2.0 + self.ascent * size
    }
}

fn glyph_advance(parsed: &ParsedFont, cp: u32, units_per_em: f32) -> Option<f32> {
    let gid = parsed.lookup_glyph_index(cp).filter(|&g| g != 0)?;
    Some(f32::from(parsed.get_glyph_width(gid).unwrap_or(0)) / units_per_em)
}

/// One laid-out line: the text to draw and its width in points.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) width: f32,
}

/// Breaks `text` into lines no wider than `max_width` points. `'\n'` always starts a new
/// line (an empty source line gives an empty line); runs of spaces collapse; a word wider
/// than the line is broken between characters. Always returns at least one line.
pub(super) fn wrap(font: &Font, size: f32, max_width: f32, text: &str) -> Vec<Line> {
    // A little slack so a line that measures exactly the width is not pushed over by
    // floating-point noise.
    let max_width = max_width.max(size) + 0.01;
    let space = font.advance(' ').unwrap_or(font.replacement) * size;
    let mut lines = Vec::new();
    for source in text.split('\n') {
        let mut line = String::new();
        let mut width = 0.0;
        for word in source.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let (word, word_width) = font.shape(word, size);
            if word.is_empty() {
                continue;
            }
            if !line.is_empty() && width + space + word_width <= max_width {
                line.push(' ');
                line.push_str(&word);
                width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(Line {
                    text: std::mem::take(&mut line),
                    width,
                });
                width = 0.0;
            }
            if word_width <= max_width {
                line = word;
                width = word_width;
            } else {
                // Too long for any line: break between characters; the tail starts the
                // next line and may be followed by more words.
                for c in word.chars() {
                    let w = font.advance(c).unwrap_or(font.replacement) * size;
                    if !line.is_empty() && width + w > max_width {
                        lines.push(Line {
                            text: std::mem::take(&mut line),
                            width,
                        });
                        width = 0.0;
                    }
                    line.push(c);
                    width += w;
                }
            }
        }
        lines.push(Line { text: line, width });
    }
    lines
}

/// Shortens `text` with a trailing `…` so it fits in `max_width` points.
pub(super) fn truncate(font: &Font, size: f32, max_width: f32, text: &str) -> Line {
    let (text, width) = font.shape(&text.replace(['\n', '\r', '\t'], " "), size);
    if width <= max_width {
        return Line { text, width };
    }
    let ellipsis = font
        .advance('…')
        .map(|w| ('…', w))
        .unwrap_or(('.', font.replacement));
    let mut out = String::new();
    let mut used = ellipsis.1 * size;
    for c in text.chars() {
        let w = font.advance(c).unwrap_or(font.replacement) * size;
        if used + w > max_width {
            break;
        }
        out.push(c);
        used += w;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push(ellipsis.0);
    let width = font.width(&out, size);
    Line { text: out, width }
}

/// A copy of `font` reduced to the glyphs for `chars`, for embedding. Returns `None`
/// when subsetting is not possible; the caller then embeds the whole font.
///
/// printpdf only subsets with its `text_layout` feature, which we leave off (it pulls in
/// the azul layout engine). Without subsetting every PDF would carry both complete faces
/// (about 1.4 MB before compression), so we cut them down here with `allsorts`, the
/// parser printpdf itself uses. The subset keeps a Unicode `cmap`, so printpdf maps text
/// to the renumbered glyphs on its own.
pub(super) fn subset(font: &Font, chars: &BTreeSet<char>) -> Option<ParsedFont> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};

    let parsed = font.parsed.as_ref()?;
    let mut glyphs: Vec<u16> = chars
        .iter()
        .filter_map(|&c| parsed.lookup_glyph_index(c as u32))
        .collect();
    glyphs.push(0);
    glyphs.sort_unstable();
    glyphs.dedup();

    let data = ReadScope::new(&parsed.original_bytes)
        .read::<FontData<'_>>()
        .ok()?;
    let provider = data.table_provider(0).ok()?;
    let bytes =
        allsorts::subset::subset(&provider, &glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .ok()?;
    let mut warnings = Vec::new();
    let mut reduced = ParsedFont::from_bytes(&bytes, 0, &mut warnings)?;
    // Every character that had a glyph must still have one, with the same advance.
    for &c in chars {
        let Some(old) = parsed.lookup_glyph_index(c as u32).filter(|&g| g != 0) else {
            continue;
        };
        let new = reduced.lookup_glyph_index(c as u32).filter(|&g| g != 0)?;
        if parsed.get_glyph_width(old) != reduced.get_glyph_width(new) {
            return None;
        }
    }
    // ISO 32000-1 9.6.4: a subset font's name carries a six-letter tag.
    reduced.font_name = Some(format!("{}+{}", subset_tag(&glyphs), font.name));
    Some(reduced)
}

fn subset_tag(glyphs: &[u16]) -> String {
    // FNV-1a over the glyph ids: stable for the same glyph set.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for g in glyphs {
        for b in g.to_le_bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 8)) % 26) as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regular() -> &'static Font {
        &fonts().expect("embedded fonts parse").regular
    }

    #[test]
    fn widths_come_from_the_font() {
        let f = regular();
        // DejaVu Sans: 'i' is much narrower than 'W'.
        assert!(f.width("i", 10.0) < f.width("W", 10.0) / 2.0);
        assert!(f.advance('€').is_some());
        assert!(f.advance('п').is_some());
    }

    #[test]
    fn wrap_respects_width_and_newlines() {
        let f = regular();
        let lines = wrap(f, 10.0, 100.0, "one two three four five six seven\n\nafter");
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.width <= 100.01));
        assert!(lines.iter().any(|l| l.text.is_empty()));
        assert_eq!(lines.last().map(|l| l.text.as_str()), Some("after"));
    }

    #[test]
    fn long_words_break_by_characters() {
        let f = regular();
        let word = "x".repeat(200);
        let lines = wrap(f, 10.0, 50.0, &word);
        assert!(lines.len() > 5);
        assert_eq!(lines.iter().map(|l| l.text.len()).sum::<usize>(), 200);
        // Even a width narrower than one glyph makes progress.
        assert_eq!(wrap(f, 10.0, 0.0, "abc").len(), 3);
    }

    #[test]
    fn missing_glyphs_and_controls_do_not_panic() {
        let f = regular();
        // U+10FFFD (private use) is not in DejaVu; BEL is a control character.
        let (text, _) = f.shape("a\u{10FFFD}b\u{7}c\td", 10.0);
        assert_eq!(text, "a?bc d");
    }

    #[test]
    fn truncate_adds_ellipsis() {
        let f = regular();
        let line = truncate(f, 10.0, 60.0, &"word ".repeat(40));
        assert!(line.width <= 60.0);
        assert!(line.text.ends_with('…'));
    }

    #[test]
    fn subset_keeps_mapped_glyphs() {
        let f = regular();
        let chars: BTreeSet<char> = "bücher.de пример.рф €—?".chars().collect();
        let reduced = subset(f, &chars).expect("subset");
        assert!(reduced.original_bytes.len() < 60_000);
        for c in chars {
            assert!(reduced.lookup_glyph_index(c as u32).is_some(), "{c}");
        }
    }
}
