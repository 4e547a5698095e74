//! The line printer: emits code lines, each anchored to the source range it
//! prints, and puts every `//` comment back between or after them.
//!
//! Comments are placed by position, never dropped, and always in source order:
//! - a comment that starts before the end of the code a line prints (before
//!   it, or inside it when several source lines are joined) is printed on its
//!   own line just before that line, at its indentation;
//! - a comment that follows a line's code on the same source line, with only
//!   spaces between, stays at the end of that line;
//! - comments after the last clause of a block stay inside the block, and
//!   comments after the last item end the file.
//!
//! Blank lines follow the author: at most one is kept wherever the source had
//! one or more, never right after `{`, right before `}` or after a doc comment;
//! the layout may also ask for one (between top-level items).

use crate::trivia::Trivia;

const INDENT: &str = "  ";

/// Whether a blank line goes before the next thing printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blank {
    /// Only if the source had one there.
    Natural,
    /// Always (one), e.g. between two top-level items that are not a group.
    Force,
    /// Never (start of file, start of a block, after a doc comment).
    Suppress,
}

pub(crate) struct Printer<'a> {
    pub src: Trivia<'a>,
    out: String,
    indent: usize,
    /// Index of the first comment not printed yet.
    next_comment: usize,
    /// End in the source of the last thing printed (code or comment).
    last_end: Option<usize>,
    pub blank: Blank,
}

impl<'a> Printer<'a> {
    pub fn new(src: Trivia<'a>) -> Printer<'a> {
        Printer {
            src,
            out: String::new(),
            indent: 0,
            next_comment: 0,
            last_end: None,
            blank: Blank::Suppress,
        }
    }

    pub fn finish(mut self) -> String {
        self.comments_before(usize::MAX);
        self.out
    }

    /// The output so far (its length is an offset in the final text).
    pub fn out_len(&self) -> usize {
        self.out.len()
    }

    /// End in the source of the last thing printed.
    pub fn last_end(&self) -> usize {
        self.last_end.unwrap_or(0)
    }

    /// One code line printing the source range `start..end`.
    pub fn line(&mut self, start: usize, end: usize, text: &str) {
        self.comments_before(end);
        self.blank_line_before(start);
        self.push_indent();
        self.out.push_str(text);
        self.last_end = Some(end.max(self.last_end()));
        if let Some(comment) = self.src.comments.get(self.next_comment) {
            let (c_start, c_end) = (comment.span.start as usize, comment.span.end as usize);
            if c_start >= end && self.src.same_line_blank(end, c_start) {
                self.out.push(' ');
                self.out.push_str(&comment.text);
                self.next_comment += 1;
                self.last_end = Some(c_end);
            }
        }
        self.out.push('\n');
    }

    /// A doc comment line; no blank line separates it from what it documents.
    pub fn doc_line(&mut self, start: usize, end: usize, text: &str) {
        // `////x` is a doc comment whose text is `/x`: keep it as written.
        if text.is_empty() || text.starts_with('/') {
            self.line(start, end, &format!("///{text}"));
        } else {
            self.line(start, end, &format!("/// {text}"));
        }
        self.blank = Blank::Suppress;
    }

    /// Opens a block: `header {` printing `start..=open`, then indents.
    pub fn open(&mut self, start: usize, open: usize, header: &str) {
        self.line(start, open + 1, &format!("{header} {{"));
        self.indent += 1;
        self.blank = Blank::Suppress;
    }

    /// Closes a block at the `}` at `close`: comments before it stay inside.
    pub fn close(&mut self, close: usize) {
        self.comments_before(close);
        self.indent = self.indent.saturating_sub(1);
        self.blank = Blank::Suppress;
        self.line(close, close + 1, "}");
    }

    /// Whether a comment not printed yet starts strictly between two positions.
    pub fn has_comment_between(&self, from: usize, to: usize) -> bool {
        self.src
            .comments
            .get(self.next_comment..)
            .unwrap_or_default()
            .iter()
            .map(|c| c.span.start as usize)
            .take_while(|&start| start < to)
            .any(|start| start > from)
    }

    /// Prints, each on its own line, the comments that start before `limit`.
    fn comments_before(&mut self, limit: usize) {
        while let Some(comment) = self.src.comments.get(self.next_comment) {
            let (start, end) = (comment.span.start as usize, comment.span.end as usize);
            if start >= limit {
                break;
            }
            self.blank_line_before(start);
            self.push_indent();
            self.out.push_str(&comment.text);
            self.out.push('\n');
            self.next_comment += 1;
            self.last_end = Some(end);
        }
    }

    fn blank_line_before(&mut self, start: usize) {
        let wanted = match self.blank {
            Blank::Suppress => false,
            Blank::Force => true,
            Blank::Natural => self
                .last_end
                .is_some_and(|end| end < start && self.src.has_blank_line(end, start)),
        };
        if wanted && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.blank = Blank::Natural;
    }

    fn push_indent(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }
}
