//! PDF documents for reports: title, headings, wrapped paragraphs, label/value facts and
//! tables that break across pages, with a running header and a numbered footer.
//!
//! Built on printpdf's data model (`default-features = false`: no HTML or text layout
//! engine). We do our own layout in two passes: the builder methods place content on
//! pages as they are called, and [`Document::finish`] adds the header and footer once the
//! page count is known, then turns everything into printpdf operations.
//!
//! Text is set in DejaVu Sans (embedded, subset per document), so any Latin, Greek or
//! Cyrillic domain name or client name renders as typed.
//!
//! Performance: the fonts are parsed once per process on first use ([`preload_fonts`]
//! does it eagerly, e.g. at startup). A 20-page table report builds in a few tens of
//! milliseconds in release; [`benchmark_document`] builds a representative one for timing.

mod layout;

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line as PdfLine, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
};

use layout::{Face, Fonts};

/// What every page carries: the running header and the footer.
#[derive(Debug, Clone, Default)]
pub struct PageSetup {
    /// Header, left (e.g. "Status report — M-2026-0001 Recover acme.com"); also the PDF's
    /// document title.
    pub title: String,
    /// Header, right (e.g. "R-2026-0007").
    pub reference: String,
    /// Footer, centre (e.g. "23 November 2026").
    pub date: String,
    /// Footer, left (e.g. the firm's legal name).
    pub footer: String,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Right,
    Center,
}

/// A table column.
#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    /// Relative weight: columns share the text width in proportion to their weights.
    /// Zero, negative or non-finite weights count as 1.
    pub width: f32,
    pub align: Align,
}

impl Column {
    pub fn new(title: impl Into<String>, width: f32, align: Align) -> Self {
        Column {
            title: title.into(),
            width,
            align,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// One of the fonts compiled into the binary could not be parsed.
    #[error("the embedded font {0} could not be parsed")]
    Font(&'static str),
    /// printpdf produced something that is not a PDF.
    #[error("PDF serialisation failed: {0}")]
    Serialize(String),
}

/// Parses the embedded fonts now rather than on the first document. Cheap after the
/// first call.
pub fn preload_fonts() -> Result<(), PdfError> {
    layout::fonts().map(|_| ()).map_err(PdfError::Font)
}

// ---- page geometry (points; y measured from the top of the page) -------------------

const PT_PER_MM: f32 = 72.0 / 25.4;

const fn mm(v: f32) -> f32 {
    v * PT_PER_MM
}

const PAGE_W_MM: f32 = 210.0;
const PAGE_H_MM: f32 = 297.0;
const PAGE_H: f32 = mm(PAGE_H_MM);
const MARGIN: f32 = mm(18.0);
const TEXT_W: f32 = mm(PAGE_W_MM) - 2.0 * MARGIN;
const RIGHT: f32 = MARGIN + TEXT_W;

const HEADER_BASELINE: f32 = mm(13.0);
const HEADER_RULE: f32 = mm(15.5);
const BODY_TOP: f32 = mm(22.0);
const BODY_BOTTOM: f32 = PAGE_H - mm(20.0);
const BODY_H: f32 = BODY_BOTTOM - BODY_TOP;
const FOOTER_RULE: f32 = PAGE_H - mm(15.0);
const FOOTER_BASELINE: f32 = PAGE_H - mm(10.5);

const BODY_SIZE: f32 = 10.0;
const BODY_LH: f32 = BODY_SIZE * 1.35;
const MUTED_SIZE: f32 = 8.5;
const TITLE_SIZE: f32 = 20.0;
const HEADING_SIZE: f32 = 13.0;
const SUBHEADING_SIZE: f32 = 11.0;
const TABLE_SIZE: f32 = 9.0;
const TABLE_LH: f32 = TABLE_SIZE * 1.3;
const CELL_PAD_X: f32 = mm(1.5);
const CELL_PAD_Y: f32 = mm(1.1);
const RUNNING_SIZE: f32 = 8.0;
const MAX_HEADER_LINES: usize = 4;

/// Allowance for floating-point noise when comparing positions.
const EPS: f32 = 0.01;

type Rgb3 = (f32, f32, f32);

const INK: Rgb3 = (0.12, 0.12, 0.12);
const ACCENT: Rgb3 = (0.10, 0.20, 0.36);
const MUTED: Rgb3 = (0.42, 0.42, 0.42);
const RUNNING: Rgb3 = (0.35, 0.35, 0.35);
const RULE: Rgb3 = (0.78, 0.78, 0.78);
const RULE_STRONG: Rgb3 = (0.50, 0.52, 0.56);
const HEADER_FILL: Rgb3 = (0.87, 0.89, 0.92);
const ZEBRA_FILL: Rgb3 = (0.955, 0.96, 0.97);

/// Something drawn on a page, in layout coordinates.
#[derive(Debug, Clone)]
enum Item {
    Text {
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        color: Rgb3,
        text: String,
    },
    Fill {
        x: f32,
        top: f32,
        w: f32,
        h: f32,
        color: Rgb3,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        color: Rgb3,
    },
}

/// A heading waiting for the content it must stay with.
#[derive(Debug, Clone, Copy)]
struct Keep {
    page: usize,
    first_item: usize,
    top: f32,
    /// Lines or rows still to be placed before the heading may be left behind.
    remaining: u8,
}

/// What happened when content needed more room than the page had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// It fits where it is.
    Same,
    /// Continued on a new, empty page.
    Fresh,
    /// Continued on a new page, taking the preceding heading (and what followed it) along.
    Carried,
}

/// A document being laid out. Build it with the block methods, in reading order, then
/// call [`Document::finish`].
pub struct Document {
    setup: PageSetup,
    fonts: &'static Fonts,
    font_error: Option<&'static str>,
    pages: Vec<Vec<Item>>,
    y: f32,
    keep: Option<Keep>,
}

impl Document {
    pub fn new(setup: PageSetup) -> Self {
        let (fonts, font_error) = match layout::fonts() {
            Ok(fonts) => (fonts, None),
            Err(face) => (layout::approximate_fonts(), Some(face)),
        };
        Document {
            setup,
            fonts,
            font_error,
            pages: vec![Vec::new()],
            y: BODY_TOP,
            keep: None,
        }
    }

    /// A large title block (used on the cover).
    pub fn title(&mut self, text: &str) {
        self.space_before(mm(2.0));
        self.lines(text, Face::Bold, TITLE_SIZE, TITLE_SIZE * 1.2, ACCENT);
        self.y += mm(4.0);
    }

    /// A section heading, bold. It is never left alone at the bottom of a page: it moves
    /// to the next page unless at least two lines (or table rows) of what follows fit
    /// under it.
    pub fn heading(&mut self, text: &str) {
        self.heading_block(text, HEADING_SIZE, mm(5.0), mm(1.5));
    }

    /// A smaller heading, with the same keep-with-next behaviour as [`Document::heading`].
    pub fn subheading(&mut self, text: &str) {
        self.heading_block(text, SUBHEADING_SIZE, mm(3.0), mm(1.0));
    }

    /// Body text wrapped to the text width; `'\n'` starts a new line.
    pub fn paragraph(&mut self, text: &str) {
        self.lines(text, Face::Regular, BODY_SIZE, BODY_LH, INK);
        self.y += mm(2.5);
    }

    /// Smaller grey wrapped text, for notes and disclaimers.
    pub fn muted(&mut self, text: &str) {
        self.lines(text, Face::Regular, MUTED_SIZE, MUTED_SIZE * 1.35, MUTED);
        self.y += mm(2.0);
    }

    /// Label/value pairs: the label bold in a left column, the value wrapped beside it.
    /// A pair is kept on one page unless it is taller than a page.
    pub fn facts(&mut self, rows: &[(&str, &str)]) {
        if rows.is_empty() {
            return;
        }
        let bold = self.fonts.get(Face::Bold);
        let regular = self.fonts.get(Face::Regular);
        let gap = mm(4.0);
        let widest = rows
            .iter()
            .map(|(label, _)| bold.shape(label, BODY_SIZE).1)
            .fold(0.0, f32::max);
        let label_w = (widest + gap).clamp(TEXT_W * 0.2, TEXT_W * 0.38);
        let value_x = MARGIN + label_w;
        let value_w = TEXT_W - label_w;
        let label_offset = bold.baseline_offset(BODY_SIZE, BODY_LH);
        let value_offset = regular.baseline_offset(BODY_SIZE, BODY_LH);

        for (label, value) in rows {
            let labels = layout::wrap(bold, BODY_SIZE, label_w - gap, label);
            let values = layout::wrap(regular, BODY_SIZE, value_w, value);
            let n = labels.len().max(values.len());
            let height = n as f32 * BODY_LH;
            if height <= BODY_H {
                self.ensure(height);
            }
            for i in 0..n {
                // Only a pair taller than a page gets here needing a break mid-pair.
                self.ensure(BODY_LH);
                if let Some(line) = labels.get(i) {
                    self.text(
                        MARGIN,
                        self.y + label_offset,
                        Face::Bold,
                        BODY_SIZE,
                        INK,
                        line,
                    );
                }
                if let Some(line) = values.get(i) {
                    self.text(
                        value_x,
                        self.y + value_offset,
                        Face::Regular,
                        BODY_SIZE,
                        INK,
                        line,
                    );
                }
                self.y += BODY_LH;
            }
            self.placed();
            self.y += mm(1.2);
        }
        self.y += mm(1.5);
    }

    /// A table over the full text width. Column widths are proportional to the columns'
    /// weights; cells wrap. The header row (bold, shaded) is repeated on every page the
    /// table continues on, alternate rows are shaded, and a row is never split across
    /// pages unless it is taller than a page by itself. Missing cells are blank; cells
    /// beyond the columns are ignored.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>]) {
        if columns.is_empty() {
            return;
        }
        let weights: Vec<f32> = columns
            .iter()
            .map(|c| {
                if c.width.is_finite() && c.width > 0.0 {
                    c.width.min(1e6)
                } else {
                    1.0
                }
            })
            .collect();
        let total: f32 = weights.iter().sum();
        let mut geometry = Vec::with_capacity(columns.len());
        let mut x = MARGIN;
        for (column, weight) in columns.iter().zip(&weights) {
            let w = TEXT_W * weight / total;
            geometry.push(Cell {
                x,
                w,
                align: column.align,
            });
            x += w;
        }
        let bold = self.fonts.get(Face::Bold);
        let regular = self.fonts.get(Face::Regular);
        let header: Vec<Vec<layout::Line>> = columns
            .iter()
            .zip(&geometry)
            .map(|(c, g)| {
                // Column titles are short; a runaway one must not make the header, which
                // repeats on every page, taller than a page.
                let mut lines = layout::wrap(bold, TABLE_SIZE, g.inner_w(), &c.title);
                lines.truncate(MAX_HEADER_LINES);
                lines
            })
            .collect();
        let header_h = row_height(&header);

        self.space_before(mm(1.0));
        if rows.is_empty() {
            self.ensure(header_h);
            self.table_header(&geometry, &header);
            self.placed();
            self.y += mm(3.0);
            return;
        }

        for (index, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<layout::Line>> = geometry
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    layout::wrap(regular, TABLE_SIZE, g.inner_w(), text)
                })
                .collect();
            let height = row_height(&cells);
            let first = index == 0;
            let needed = height + if first { header_h } else { 0.0 };
            let fits_a_page = header_h + height <= BODY_H;

            // A row too tall for any page starts where it is if a few lines fit.
            let min_needed = header_h * f32::from(u8::from(first)) + 3.0 * TABLE_LH;
            let flow = if fits_a_page {
                self.ensure(needed)
            } else {
                self.ensure(min_needed + 2.0 * CELL_PAD_Y)
            };
            if first || flow == Flow::Fresh {
                self.table_header(&geometry, &header);
            }

            let fill = (index % 2 == 1).then_some(ZEBRA_FILL);
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
            let mut start = 0;
            loop {
                let room = ((BODY_BOTTOM - self.y - 2.0 * CELL_PAD_Y + EPS) / TABLE_LH).floor();
                let take = if room >= 1.0 { room as usize } else { 1 };
                let end = (start + take).min(lines);
                self.table_row(&geometry, &cells, start..end, fill, Face::Regular);
                start = end;
                if start >= lines {
                    break;
                }
                self.new_page();
                self.table_header(&geometry, &header);
            }
            self.placed();
        }
        self.y += mm(3.0);
    }

    /// Vertical space, in millimetres (ignored at the top of a page).
    pub fn spacer(&mut self, mm_: f32) {
        if mm_.is_finite() && mm_ > 0.0 && !self.at_top() {
            self.y += mm(mm_);
        }
    }

    /// Starts a new page. Does nothing on a page that is still empty, so a page break
    /// after content that happened to fill a page does not leave a blank page.
    pub fn page_break(&mut self) {
        self.keep = None;
        if !self.current_page().is_empty() {
            self.new_page();
        }
    }

    /// Pages laid out so far, including the current one. After the last block this is
    /// the final page count.
    pub fn page_count_so_far(&self) -> usize {
        self.pages.len()
    }

    /// Adds the running header and footer and renders the PDF.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        self.render(true)
    }

    /// `subset: false` embeds the complete fonts (the fallback when subsetting fails).
    fn render(mut self, subset: bool) -> Result<Vec<u8>, PdfError> {
        if let Some(face) = self.font_error {
            return Err(PdfError::Font(face));
        }
        self.running_header_and_footer();

        // Glyphs in use, per face, to cut the embedded fonts down.
        let mut used: [BTreeSet<char>; 2] = [BTreeSet::new(), BTreeSet::new()];
        for item in self.pages.iter().flatten() {
            if let Item::Text { face, text, .. } = item {
                used[face_index(*face)].extend(text.chars());
            }
        }

        let mut doc = PdfDocument::new(&self.setup.title);
        let info = &mut doc.metadata.info;
        info.creator = "reclaim".to_string();
        info.producer = "reclaim (printpdf)".to_string();
        info.creation_date = printpdf::OffsetDateTime::now_utc();
        info.modification_date = info.creation_date;
        info.metadata_date = info.creation_date;

        let mut font_ids = Vec::with_capacity(2);
        for (face, chars) in [Face::Regular, Face::Bold].into_iter().zip(&used) {
            let font = self.fonts.get(face);
            let reduced = if subset {
                layout::subset(font, chars)
            } else {
                None
            };
            let embedded = match reduced {
                Some(reduced) => reduced,
                None => match &font.parsed {
                    Some(full) => full.clone(),
                    None => return Err(PdfError::Font(font.name)),
                },
            };
            font_ids.push(doc.add_font(&embedded));
        }

        let pages = self
            .pages
            .iter()
            .map(|items| PdfPage::new(Mm(PAGE_W_MM), Mm(PAGE_H_MM), page_ops(items, &font_ids)))
            .collect();
        doc.with_pages(pages);

        let options = PdfSaveOptions {
            image_optimization: None,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let bytes = doc.save(&options, &mut warnings);
        for w in &warnings {
            if w.severity == printpdf::PdfParseErrorSeverity::Error {
                tracing::warn!(page = w.page, "printpdf: {}", w.msg);
            }
        }
        if !bytes.starts_with(b"%PDF-") {
            let detail = warnings
                .iter()
                .map(|w| w.msg.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(PdfError::Serialize(if detail.is_empty() {
                "no output".to_string()
            } else {
                detail
            }));
        }
        Ok(bytes)
    }

    // ---- layout internals ------------------------------------------------------------

    fn current_page(&self) -> &Vec<Item> {
        // `pages` always holds at least one page.
        &self.pages[self.pages.len() - 1]
    }

    fn push(&mut self, item: Item) {
        let last = self.pages.len() - 1;
        self.pages[last].push(item);
    }

    fn at_top(&self) -> bool {
        self.y <= BODY_TOP + EPS
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    fn space_before(&mut self, space: f32) {
        if !self.at_top() {
            self.y += space;
        }
    }

    /// Makes room for `height` points of content, continuing on a new page if needed.
    /// A pending heading moves along to the new page (see [`Keep`]).
    fn ensure(&mut self, height: f32) -> Flow {
        if self.y + height <= BODY_BOTTOM + EPS || self.at_top() {
            return Flow::Same;
        }
        let page = self.pages.len() - 1;
        match self.keep.take() {
            Some(keep) if keep.page == page && keep.top > BODY_TOP + EPS => {
                let items = &mut self.pages[page];
                let carried = items.split_off(keep.first_item.min(items.len()));
                let dy = BODY_TOP - keep.top;
                let y = self.y;
                self.new_page();
                self.y = y + dy;
                for item in carried {
                    self.push(item.shifted(dy));
                }
                self.keep = Some(Keep {
                    page: page + 1,
                    first_item: 0,
                    top: BODY_TOP,
                    remaining: keep.remaining,
                });
                Flow::Carried
            }
            _ => {
                self.new_page();
                Flow::Fresh
            }
        }
    }

    /// Counts a placed line or row against a pending heading.
    fn placed(&mut self) {
        if let Some(keep) = &mut self.keep {
            keep.remaining = keep.remaining.saturating_sub(1);
            if keep.remaining == 0 {
                self.keep = None;
            }
        }
    }

    fn heading_block(&mut self, text: &str, size: f32, before: f32, after: f32) {
        let font = self.fonts.get(Face::Bold);
        let line_height = size * 1.25;
        let lines = layout::wrap(font, size, TEXT_W, text);
        let height = lines.len() as f32 * line_height;
        self.space_before(before);
        if height > BODY_H / 2.0 {
            // Not really a heading: flow it like text rather than trying to keep it whole.
            self.lines(text, Face::Bold, size, line_height, ACCENT);
            self.y += after;
            return;
        }
        // Room for the heading and two body lines, or start on the next page.
        let flow = self.ensure(height + after + 2.0 * BODY_LH);
        let page = self.pages.len() - 1;
        // A heading directly under another pending one joins it.
        let keep = match self.keep {
            Some(k) if k.page == page && flow != Flow::Fresh => Keep { remaining: 2, ..k },
            _ => Keep {
                page,
                first_item: self.current_page().len(),
                top: self.y,
                remaining: 2,
            },
        };
        let offset = font.baseline_offset(size, line_height);
        for line in &lines {
            self.text(MARGIN, self.y + offset, Face::Bold, size, ACCENT, line);
            self.y += line_height;
        }
        self.y += after;
        self.keep = Some(keep);
    }

    /// Wrapped text over the full width, one line at a time.
    fn lines(&mut self, text: &str, face: Face, size: f32, line_height: f32, color: Rgb3) {
        let font = self.fonts.get(face);
        let offset = font.baseline_offset(size, line_height);
        for line in layout::wrap(font, size, TEXT_W, text) {
            self.ensure(line_height);
            self.text(MARGIN, self.y + offset, face, size, color, &line);
            self.y += line_height;
            self.placed();
        }
    }

    fn text(
        &mut self,
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        color: Rgb3,
        line: &layout::Line,
    ) {
        if line.text.is_empty() {
            return;
        }
        self.push(Item::Text {
            x,
            baseline,
            face,
            size,
            color,
            text: line.text.clone(),
        });
    }

    fn table_header(&mut self, geometry: &[Cell], header: &[Vec<layout::Line>]) {
        let lines = header.iter().map(Vec::len).max().unwrap_or(1);
        self.table_row(geometry, header, 0..lines, Some(HEADER_FILL), Face::Bold);
        self.push(Item::Rule {
            x1: MARGIN,
            x2: RIGHT,
            y: self.y,
            width: 0.7,
            color: RULE_STRONG,
        });
    }

    /// Draws lines `range` of each cell as one row band at the current position.
    fn table_row(
        &mut self,
        geometry: &[Cell],
        cells: &[Vec<layout::Line>],
        range: std::ops::Range<usize>,
        fill: Option<Rgb3>,
        face: Face,
    ) {
        let height = range.len() as f32 * TABLE_LH + 2.0 * CELL_PAD_Y;
        let top = self.y;
        if let Some(color) = fill {
            self.push(Item::Fill {
                x: MARGIN,
                top,
                w: TEXT_W,
                h: height,
                color,
            });
        }
        let font = self.fonts.get(face);
        let offset = font.baseline_offset(TABLE_SIZE, TABLE_LH);
        for (cell, lines) in geometry.iter().zip(cells) {
            for (i, line) in lines.iter().enumerate() {
                if !range.contains(&i) {
                    continue;
                }
                let x = match cell.align {
                    Align::Left => cell.x + CELL_PAD_X,
                    Align::Right => cell.x + cell.w - CELL_PAD_X - line.width,
                    Align::Center => cell.x + (cell.w - line.width) / 2.0,
                };
                let baseline = top + CELL_PAD_Y + (i - range.start) as f32 * TABLE_LH + offset;
                self.text(x, baseline, face, TABLE_SIZE, INK, line);
            }
        }
        self.y = top + height;
        if fill != Some(HEADER_FILL) {
            self.push(Item::Rule {
                x1: MARGIN,
                x2: RIGHT,
                y: self.y,
                width: 0.3,
                color: RULE,
            });
        }
    }

    fn running_header_and_footer(&mut self) {
        let regular = self.fonts.get(Face::Regular);
        let bold = self.fonts.get(Face::Bold);
        let total = self.pages.len();
        let gap = mm(6.0);

        let reference = layout::truncate(bold, RUNNING_SIZE, TEXT_W / 2.0, &self.setup.reference);
        let title_w = (TEXT_W - reference.width - gap).max(0.0);
        let title = layout::truncate(regular, RUNNING_SIZE, title_w, &self.setup.title);
        let date = layout::truncate(regular, RUNNING_SIZE, TEXT_W / 3.0, &self.setup.date);
        let date_x = MARGIN + (TEXT_W - date.width) / 2.0;
        let footer_w = (date_x - MARGIN - gap).max(0.0);
        let footer = layout::truncate(regular, RUNNING_SIZE, footer_w, &self.setup.footer);

        for (index, page) in self.pages.iter_mut().enumerate() {
            let number = layout::truncate(
                regular,
                RUNNING_SIZE,
                TEXT_W,
                &format!("Page {} / {}", index + 1, total),
            );
            let text = |x: f32, baseline: f32, face: Face, line: &layout::Line| Item::Text {
                x,
                baseline,
                face,
                size: RUNNING_SIZE,
                color: RUNNING,
                text: line.text.clone(),
            };
            let running = [
                text(MARGIN, HEADER_BASELINE, Face::Regular, &title),
                text(
                    RIGHT - reference.width,
                    HEADER_BASELINE,
                    Face::Bold,
                    &reference,
                ),
                text(MARGIN, FOOTER_BASELINE, Face::Regular, &footer),
                text(date_x, FOOTER_BASELINE, Face::Regular, &date),
                text(
                    RIGHT - number.width,
                    FOOTER_BASELINE,
                    Face::Regular,
                    &number,
                ),
            ];
            page.extend(running.into_iter().filter(|item| match item {
                Item::Text { text, .. } => !text.is_empty(),
                _ => true,
            }));
            for y in [HEADER_RULE, FOOTER_RULE] {
                page.push(Item::Rule {
                    x1: MARGIN,
                    x2: RIGHT,
                    y,
                    width: 0.5,
                    color: RULE,
                });
            }
        }
    }
}

/// Horizontal extent of a table column.
#[derive(Debug, Clone, Copy)]
struct Cell {
    x: f32,
    w: f32,
    align: Align,
}

impl Cell {
    fn inner_w(&self) -> f32 {
        (self.w - 2.0 * CELL_PAD_X).max(1.0)
    }
}

fn row_height(cells: &[Vec<layout::Line>]) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * TABLE_LH + 2.0 * CELL_PAD_Y
}

fn face_index(face: Face) -> usize {
    match face {
        Face::Regular => 0,
        Face::Bold => 1,
    }
}

impl Item {
    fn shifted(self, dy: f32) -> Item {
        match self {
            Item::Text {
                x,
                baseline,
                face,
                size,
                color,
                text,
            } => Item::Text {
                x,
                baseline: baseline + dy,
                face,
                size,
                color,
                text,
            },
            Item::Fill {
                x,
                top,
                w,
                h,
                color,
            } => Item::Fill {
                x,
                top: top + dy,
                w,
                h,
                color,
            },
            Item::Rule {
                x1,
                x2,
                y,
                width,
                color,
            } => Item::Rule {
                x1,
                x2,
                y: y + dy,
                width,
                color,
            },
        }
    }
}

fn color((r, g, b): Rgb3) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y_from_top: f32) -> Point {
    Point {
        x: Pt(x),
        y: Pt(PAGE_H - y_from_top),
    }
}

/// printpdf operations for one page's items.
fn page_ops(items: &[Item], font_ids: &[FontId]) -> Vec<Op> {
    let mut ops = Vec::with_capacity(items.len() * 6);
    let mut fill: Option<Rgb3> = None;
    let mut stroke: Option<(Rgb3, f32)> = None;
    for item in items {
        match item {
            Item::Fill {
                x,
                top,
                w,
                h,
                color: c,
            } => {
                if fill != Some(*c) {
                    ops.push(Op::SetFillColor { col: color(*c) });
                    fill = Some(*c);
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(PAGE_H - top - h),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Item::Rule {
                x1,
                x2,
                y,
                width,
                color: c,
            } => {
                if stroke != Some((*c, *width)) {
                    ops.push(Op::SetOutlineColor { col: color(*c) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    stroke = Some((*c, *width));
                }
                ops.push(Op::DrawLine {
                    line: PdfLine {
                        points: vec![
                            LinePoint {
                                p: point(*x1, *y),
                                bezier: false,
                            },
                            LinePoint {
                                p: point(*x2, *y),
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Text {
                x,
                baseline,
                face,
                size,
                color: c,
                text,
            } => {
                let Some(id) = font_ids.get(face_index(*face)) else {
                    continue;
                };
                if fill != Some(*c) {
                    ops.push(Op::SetFillColor { col: color(*c) });
                    fill = Some(*c);
                }
                // One text object per run: `Td` right after `BT` is an absolute position.
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(*size),
                });
                ops.push(Op::SetTextCursor {
                    pos: point(*x, *baseline),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
            }
        }
    }
    ops
}

/// A representative report (cover facts, headings, paragraphs and a table of
/// `table_rows` rows), for benchmarks and manual inspection. About 22 rows fill a page.
#[doc(hidden)]
pub fn benchmark_document(table_rows: usize) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::new(PageSetup {
        title: "Status report — M-2026-0001 Recover acme.com".to_string(),
        reference: "R-2026-0007".to_string(),
        date: "23 November 2026".to_string(),
        footer: "Example & Partners Rechtsanwälte PartG mbB".to_string(),
    });
    doc.title("Status report");
    doc.facts(&[
        ("Matter", "M-2026-0001 Recover acme.com"),
        ("Client", "Acme Corporation GmbH, München"),
        ("Domains", "acme.com, bücher.de, пример.рф, münchen.de"),
        ("Fees", "€ 12,500.00 — invoiced monthly"),
    ]);
    doc.heading("Summary");
    doc.paragraph(
        "The domain is registered to a third party who has not responded to two letters. \
         We have placed backorders with three drop-catch services and prepared a UDRP \
         complaint, to be filed if the holder does not answer within fourteen days.",
    );
    doc.heading("Activity");
    let columns = [
        Column::new("Date", 1.2, Align::Left),
        Column::new("Event", 4.0, Align::Left),
        Column::new("By", 1.4, Align::Left),
        Column::new("Hours", 0.8, Align::Right),
    ];
    let rows: Vec<Vec<String>> = (0..table_rows)
        .map(|i| {
            vec![
                format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                format!("Checked WHOIS and registry status for example-{i}.com; no change"),
                "A. Lawyer".to_string(),
                format!("{:.1}", 0.1 * (i % 7) as f32 + 0.2),
            ]
        })
        .collect();
    doc.table(&columns, &rows);
    doc.muted("Generated by reclaim. Times are in UTC.");
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Instant;

    fn setup() -> PageSetup {
        PageSetup {
            title: "Status report — M-2026-0001 Recover acme.com".to_string(),
            reference: "R-2026-0007".to_string(),
            date: "23 November 2026".to_string(),
            footer: "Example & Partners LLP".to_string(),
        }
    }

    /// Runs a poppler tool on `bytes` and returns its standard output.
    fn poppler(tool: &str, args: &[&str], bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, bytes).expect("write pdf");
        let output = match Command::new(tool).args(args).arg(&path).arg("-").output() {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "`{tool}` not found: the PDF tests need poppler-utils \
                 (Debian/Ubuntu: `apt-get install poppler-utils`)"
            ),
            Err(e) => panic!("running {tool}: {e}"),
        };
        assert!(
            output.status.success(),
            "{tool} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("poppler output is UTF-8")
    }

    /// Text of each page, via `pdftotext -layout` (pages end with a form feed).
    fn page_texts(bytes: &[u8]) -> Vec<String> {
        let text = poppler("pdftotext", &["-layout", "-enc", "UTF-8"], bytes);
        let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        pages
    }

    fn pdfinfo(bytes: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, bytes).expect("write pdf");
        let output = match Command::new("pdfinfo").arg(&path).output() {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "`pdfinfo` not found: the PDF tests need poppler-utils \
                 (Debian/Ubuntu: `apt-get install poppler-utils`)"
            ),
            Err(e) => panic!("running pdfinfo: {e}"),
        };
        assert!(output.status.success(), "pdfinfo failed");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn page_texts_of(doc: &Document, index: usize) -> Vec<&str> {
        doc.pages[index]
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn unicode_text_round_trips() {
        let mut doc = Document::new(setup());
        doc.title("Domains — bücher.de");
        doc.paragraph("Recovered: bücher.de, пример.рф and münchen.de for € 1.200 — paid.");
        doc.facts(&[("Domain", "пример.рф"), ("Fee", "€ 350 — flat")]);
        let bytes = doc.finish().expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = page_texts(&bytes).concat();
        for needle in [
            "bücher.de",
            "пример.рф",
            "münchen.de",
            "€",
            "—",
            "Status report",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
        }
        let info = pdfinfo(&bytes);
        assert!(
            info.contains("Status report — M-2026-0001 Recover acme.com"),
            "title metadata missing:\n{info}"
        );
    }

    #[test]
    fn long_table_repeats_header_and_numbers_pages() {
        let mut doc = Document::new(setup());
        doc.heading("Portfolio");
        let columns = [
            Column::new("Domain", 2.0, Align::Left),
            Column::new("Status", 3.0, Align::Left),
            Column::new("Registrar", 1.5, Align::Center),
            Column::new("Expires", 1.2, Align::Right),
        ];
        let rows: Vec<Vec<String>> = (0..200)
            .map(|i| {
                let status = if i % 7 == 0 {
                    "Backorder placed with three drop-catch services; holder contacted twice, \
                     no answer yet"
                } else {
                    "Monitoring"
                };
                vec![
                    format!("ROW{i:04}Z"),
                    status.to_string(),
                    "Example Registrar".to_string(),
                    format!("2027-{:02}-01", 1 + i % 12),
                ]
            })
            .collect();
        doc.table(&columns, &rows);
        let count = doc.page_count_so_far();
        let bytes = doc.finish().expect("pdf");

        let pages = page_texts(&bytes);
        assert!(
            count >= 4,
            "200 rows should take several pages, got {count}"
        );
        assert_eq!(pages.len(), count, "pdftotext page count");
        assert!(pdfinfo(&bytes).contains(&format!("Pages:           {count}")));
        for (k, page) in pages.iter().enumerate() {
            for title in ["Domain", "Status", "Registrar", "Expires"] {
                assert!(
                    page.contains(title),
                    "page {}: header {title:?} missing",
                    k + 1
                );
            }
            let footer = format!("Page {} / {}", k + 1, count);
            assert!(page.contains(&footer), "page {}: {footer:?} missing", k + 1);
        }
        let all = pages.concat();
        for i in 0..200 {
            let cell = format!("ROW{i:04}Z");
            assert_eq!(
                all.matches(&cell).count(),
                1,
                "{cell} should appear exactly once"
            );
        }
    }

    #[test]
    fn long_paragraph_wraps() {
        let words: Vec<String> = (0..150).map(|i| format!("word{i:03}")).collect();
        let mut doc = Document::new(setup());
        doc.paragraph(&words.join(" "));
        let bytes = doc.finish().expect("pdf");
        let text = page_texts(&bytes).concat();
        for w in &words {
            assert_eq!(text.matches(w.as_str()).count(), 1, "{w}");
        }
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("word")).collect();
        assert!(
            lines.len() >= 8,
            "expected wrapping, got {} lines",
            lines.len()
        );
        // 150 words of 7 characters would be ~1200 characters unwrapped; a line at 10 pt
        // over 174 mm holds roughly 90-100.
        for line in lines {
            assert!(
                line.trim().chars().count() <= 110,
                "line too long: {line:?}"
            );
        }
    }

    #[test]
    fn reference_and_date_on_every_page() {
        let mut doc = Document::new(setup());
        doc.title("Status report");
        for i in 0..3 {
            doc.heading(&format!("Section {i}"));
            for _ in 0..30 {
                doc.paragraph("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do.");
            }
        }
        doc.page_break();
        doc.paragraph("Last page.");
        let count = doc.page_count_so_far();
        let bytes = doc.finish().expect("pdf");
        let pages = page_texts(&bytes);
        assert!(count >= 4);
        assert_eq!(pages.len(), count);
        for (k, page) in pages.iter().enumerate() {
            assert!(
                page.contains("R-2026-0007"),
                "page {}: reference missing",
                k + 1
            );
            assert!(
                page.contains("23 November 2026"),
                "page {}: date missing",
                k + 1
            );
            assert!(
                page.contains("Example & Partners LLP"),
                "page {}: footer",
                k + 1
            );
            assert!(page.contains(&format!("Page {} / {}", k + 1, count)));
        }
    }

    #[test]
    fn heading_is_not_stranded_at_page_bottom() {
        let mut doc = Document::new(setup());
        // Fill the first page until less than a heading plus two lines is left.
        while doc.pages.len() == 1 && doc.y < BODY_BOTTOM - 3.0 * BODY_LH {
            doc.paragraph("Filler line.");
        }
        assert_eq!(doc.pages.len(), 1);
        doc.heading("Kept heading");
        doc.paragraph("First line after.\nSecond line after.");
        assert!(!page_texts_of(&doc, 0).contains(&"Kept heading"));
        assert!(page_texts_of(&doc, 1).contains(&"Kept heading"));

        // Room for the heading and two lines, but not for the table header and its first
        // (tall) row: the heading moves with the table.
        let mut doc = Document::new(setup());
        while doc.y < BODY_BOTTOM - 3.5 * BODY_LH - mm(5.0) {
            doc.paragraph("Filler line.");
        }
        let pages_before = doc.pages.len();
        doc.heading("Table heading");
        let tall = "line\n".repeat(6);
        doc.table(
            &[Column::new("A", 1.0, Align::Left)],
            &[vec![tall.clone()], vec![tall]],
        );
        let heading_page = (0..doc.pages.len())
            .find(|&p| page_texts_of(&doc, p).contains(&"Table heading"))
            .expect("heading placed");
        assert_eq!(
            heading_page, pages_before,
            "heading should move to the next page"
        );
        // The table header appears once on that page, right under the heading.
        let on_page = page_texts_of(&doc, heading_page);
        assert_eq!(on_page.iter().filter(|t| **t == "A").count(), 1);
    }

    #[test]
    fn row_taller_than_a_page_is_split() {
        let mut doc = Document::new(setup());
        let huge = (0..200)
            .map(|i| format!("L{i:03}"))
            .collect::<Vec<_>>()
            .join("\n");
        doc.table(
            &[
                Column::new("Key", 1.0, Align::Left),
                Column::new("Text", 3.0, Align::Left),
            ],
            &[
                vec!["first".into(), huge],
                vec!["second".into(), "short".into()],
            ],
        );
        let count = doc.page_count_so_far();
        assert!(
            count >= 3,
            "a 200-line row needs several pages, got {count}"
        );
        let bytes = doc.finish().expect("pdf");
        let pages = page_texts(&bytes);
        assert_eq!(pages.len(), count);
        let all = pages.concat();
        for i in 0..200 {
            assert_eq!(all.matches(&format!("L{i:03}")).count(), 1);
        }
        assert!(
            pages
                .iter()
                .all(|p| p.contains("Key") && p.contains("Text"))
        );
    }

    #[test]
    fn odd_content_does_not_panic() {
        let mut doc = Document::new(PageSetup::default());
        doc.paragraph("");
        doc.paragraph("control \u{7}\u{1b} chars, private use \u{10FFFD}, emoji 🦀\tand tab");
        doc.muted(&"x".repeat(5000));
        doc.facts(&[
            ("", ""),
            ("Very long label that needs wrapping over lines", "v"),
        ]);
        doc.table(&[], &[vec!["ignored".into()]]);
        doc.table(
            &[
                Column::new("Weightless", 0.0, Align::Center),
                Column::new("NaN", f32::NAN, Align::Right),
            ],
            &[vec![], vec!["a".into(), "b".into(), "extra".into()]],
        );
        doc.table(&[Column::new("Empty table", 1.0, Align::Left)], &[]);
        doc.spacer(f32::INFINITY);
        doc.spacer(500.0);
        doc.page_break();
        doc.page_break();
        doc.subheading("End");
        let bytes = doc.finish().expect("pdf");
        let text = page_texts(&bytes).concat();
        assert!(text.contains("control"));
        assert!(text.contains("Empty table"));
    }

    #[test]
    fn full_fonts_render_too() {
        let mut doc = Document::new(setup());
        doc.paragraph("Fallback: bücher.de пример.рф münchen.de € —");
        let bytes = doc.render(false).expect("pdf");
        assert!(
            bytes.len() > 300_000,
            "whole fonts embedded: {} bytes",
            bytes.len()
        );
        let text = page_texts(&bytes).concat();
        for needle in ["bücher.de", "пример.рф", "münchen.de", "€", "R-2026-0007"] {
            assert!(text.contains(needle), "{needle:?} missing");
        }
    }

    #[test]
    fn twenty_pages_build_quickly_and_small() {
        // Warm the font cache so the timing covers one document, as in the server.
        preload_fonts().expect("fonts");
        let start = Instant::now();
        let bytes = benchmark_document(440).expect("pdf");
        let elapsed = start.elapsed();
        let pages = page_texts(&bytes).len();
        eprintln!(
            "benchmark_document: {pages} pages, {} bytes, built in {elapsed:?}",
            bytes.len()
        );
        assert!(
            (18..=24).contains(&pages),
            "expected about 20 pages, got {pages}"
        );
        // Subset fonts keep reports small (two full DejaVu faces would be ~700 KB).
        assert!(bytes.len() < 250_000, "{} bytes", bytes.len());
    }
}
