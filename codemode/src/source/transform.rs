//! TypeScript that type erasure alone cannot turn into JavaScript (enums, namespaces,
//! parameter properties, `<T>x` assertions), transformed with swc and printed so that
//! every token stays on the line the user wrote it on.
//!
//! swc's printer lays code out its own way. [`Layout`] receives what it prints, token by
//! token with the source position of each, and moves every token down to its original
//! line and right to its original column whenever the printed text is behind: it drops
//! the printer's line breaks and writes the user's instead. Text the transform adds (the
//! function around an enum's members, say) only ever pushes the rest of its line to the
//! right, so errors keep their line everywhere and their column wherever nothing
//! generated precedes them on the line.
//!
//! Some programs cannot run however they are compiled (`import`, `export`,
//! decorators); [`check`] refuses them with what to write instead.

use super::{Diagnostics, StripError, PREFIX_LEN};
use swc_common::errors::Handler;
use swc_common::sync::Lrc;
use swc_common::{BytePos, FileName, Globals, Mark, SourceMap, Span, Spanned, GLOBALS};
use swc_ecma_ast::{Decorator, EsVersion, Program, Script};
use swc_ecma_codegen::text_writer::WriteJs;
use swc_ecma_codegen::{Config, Emitter};
use swc_ecma_parser::error::SyntaxError;
use swc_ecma_parser::{lexer::Lexer, Parser, StringInput, Syntax, TsSyntax};
use swc_ecma_transforms_base::helpers::{inject_helpers, Helpers, HELPERS};
use swc_ecma_transforms_base::{fixer::fixer, hygiene::hygiene, resolver};
use swc_ecma_transforms_typescript::typescript;
use swc_ecma_visit::{Visit, VisitWith};

/// Refuses a program that cannot run, whatever its types: one with `import` or `export`
/// statements or with decorators. The refusal says what to write instead.
pub(super) fn check(wrapped: &str) -> Result<(), StripError> {
    parse(wrapped).map(|_| ())
}

/// Transforms wrapped TypeScript to JavaScript that keeps the user's line numbers.
/// Runs on the caller's thread, which must have the stack of the stripper's thread.
pub(super) fn transform(wrapped: &str) -> Result<String, StripError> {
    let Parsed {
        source_map,
        start,
        script,
    } = parse(wrapped)?;
    // The passes report problems through the handler swc keeps per thread; they are
    // collected, as nothing may reach stdout or stderr, which belong to the host.
    let handler = Handler::with_emitter(false, false, Box::new(Diagnostics::default()));
    let program = swc_common::errors::HANDLER.set(&handler, || {
        GLOBALS.set(&Globals::new(), || {
            HELPERS.set(&Helpers::new(false), || {
                let unresolved = Mark::new();
                let top_level = Mark::new();
                let config = typescript::Config {
                    // Class fields mean what they mean when types are only stripped.
                    native_class_properties: true,
                    ..Default::default()
                };
                Program::Script(script)
                    .apply(resolver(unresolved, top_level, true))
                    .apply(typescript::typescript(config, unresolved, top_level))
                    .apply(inject_helpers(unresolved))
                    .apply(hygiene())
                    .apply(fixer(None))
            })
        })
    });
    if handler.has_errors() {
        return Err(StripError::Invalid);
    }
    let mut layout = Layout::new(wrapped, start);
    let mut emitter = Emitter {
        cfg: Config::default(),
        cm: source_map,
        comments: None,
        wr: &mut layout,
    };
    emitter
        .emit_program(&program)
        .map_err(|_| StripError::Invalid)?;
    Ok(layout.out)
}

/// A parsed program and where its source starts in the source map.
struct Parsed {
    source_map: Lrc<SourceMap>,
    start: BytePos,
    script: Script,
}

/// Parses wrapped TypeScript, refusing what cannot run with what to write instead.
fn parse(wrapped: &str) -> Result<Parsed, StripError> {
    let source_map: Lrc<SourceMap> = Default::default();
    let file = source_map.new_source_file(FileName::Anon.into(), wrapped.to_owned());
    let refuse = |message: &str, span: Span| {
        let (line, column) = position(wrapped, (span.lo - file.start_pos).0 as usize);
        let column = if line == 0 {
            column.saturating_sub(PREFIX_LEN as usize)
        } else {
            column
        };
        StripError::Unsupported {
            message: message.to_owned(),
            line: Some(line as u32 + 1),
            column: Some(column as u32 + 1),
        }
    };
    let syntax = Syntax::Typescript(TsSyntax {
        decorators: true,
        ..Default::default()
    });
    let lexer = Lexer::new(syntax, EsVersion::latest(), StringInput::from(&*file), None);
    let mut parser = Parser::new_from(lexer);
    let parsed = parser.parse_script();
    let errors = parser.take_errors();
    let script = match parsed {
        Ok(script) if errors.is_empty() => script,
        Ok(_) => return Err(StripError::Invalid),
        Err(error) => {
            return Err(match error.kind() {
                SyntaxError::ImportExportInScript | SyntaxError::NonTopLevelImportExport => {
                    refuse(MODULES, error.span())
                }
                _ => StripError::Invalid,
            })
        }
    };
    let mut unrunnable = Unrunnable::default();
    script.visit_with(&mut unrunnable);
    if let Some((message, span)) = unrunnable.found {
        return Err(refuse(message, span));
    }
    Ok(Parsed {
        source_map: source_map.clone(),
        start: file.start_pos,
        script,
    })
}

/// Why `import` and `export` are refused, and what to write instead.
const MODULES: &str = "`import` and `export` do not exist here: the program runs as the body of a function, with no modules to load. Call the functions on `codemode` directly, declare types where you use them, and `return` the result instead of exporting it";

/// Constructs the transform accepts but whose output cannot run in the sandbox, with
/// what to write instead. (A module `import` never parses here: the code is a function
/// body.)
#[derive(Default)]
struct Unrunnable {
    found: Option<(&'static str, Span)>,
}

impl Unrunnable {
    fn note(&mut self, message: &'static str, span: Span) {
        if self.found.is_none() {
            self.found = Some((message, span));
        }
    }
}

impl Visit for Unrunnable {
    fn visit_decorator(&mut self, decorator: &Decorator) {
        self.note(
            "decorators do not run in this sandbox: call the decorating function yourself, e.g. `const Tagged = tag(class { ... })`",
            decorator.span,
        );
    }
}

/// Zero-based line and byte column of `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&byte| byte == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |at| at + 1);
    (line, before.len() - line_start)
}

/// Receives printed JavaScript and places each token at or after the line and column
/// it had in the source.
struct Layout {
    out: String,
    /// Zero-based line and byte column the next character is written at.
    line: usize,
    column: usize,
    /// Byte offset of each line start in the source.
    line_starts: Vec<usize>,
    /// Position of the source file's first byte in the source map.
    start: BytePos,
    /// Bytes in the source.
    source_len: usize,
    /// Where in the source the next token comes from, when the printer said so.
    target: Option<(usize, usize)>,
    /// The printer ended a line: the next token needs some separation.
    separate: bool,
    /// No line break may follow the last token (`return`, `throw`, `async`...).
    restricted: bool,
    /// The printer is inside the text of a template literal, where any added
    /// character would change the string.
    in_template_text: bool,
    /// For each open `${...}` substitution, the braces opened inside it.
    substitutions: Vec<usize>,
}

impl Layout {
    fn new(source: &str, start: BytePos) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b'\n')
                .map(|(at, _)| at + 1),
        );
        Self {
            out: String::with_capacity(source.len() * 2),
            line: 0,
            column: 0,
            line_starts,
            start,
            source_len: source.len(),
            target: None,
            separate: false,
            restricted: false,
            in_template_text: false,
            substitutions: Vec::new(),
        }
    }

    /// Notes where the next token comes from; positions outside the source (code the
    /// transform made up) are ignored.
    fn aim(&mut self, position: BytePos) {
        if position.is_dummy() || position < self.start {
            return;
        }
        let offset = (position - self.start).0 as usize;
        if offset > self.source_len {
            return;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        self.target = Some((line, offset - self.line_starts[line]));
    }

    /// Writes `text`, a whole token or the rest of one, moving it to its target first.
    fn write(&mut self, span: Option<Span>, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(span) = span {
            self.aim(span.lo);
        }
        let target = self.target.take();
        if self.in_template_text {
            self.separate = false;
        } else {
            let mut moved = false;
            if let Some((line, column)) = target {
                if line > self.line && !self.restricted && !forbids_break_before(text) {
                    for _ in self.line..line {
                        self.out.push('\n');
                    }
                    self.line = line;
                    self.column = 0;
                    moved = true;
                }
                if line == self.line && column > self.column {
                    for _ in self.column..column {
                        self.out.push(' ');
                    }
                    self.column = column;
                    moved = true;
                }
            }
            if self.separate && !moved && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
                self.column += 1;
            }
            self.separate = false;
        }
        self.out.push_str(text);
        match text.rfind('\n') {
            Some(at) => {
                self.line += text.matches('\n').count();
                self.column = text.len() - at - 1;
            }
            None => self.column += text.len(),
        }
        self.restricted = forbids_break_after(text);
    }

    /// Follows template literals: inside their text nothing may be added.
    fn punctuation(&mut self, text: &str) {
        match text {
            "`" => self.in_template_text = !self.in_template_text,
            "${" => {
                self.substitutions.push(0);
                self.in_template_text = false;
            }
            "{" => {
                if let Some(open) = self.substitutions.last_mut() {
                    *open += 1;
                }
            }
            "}" => match self.substitutions.last_mut() {
                Some(0) => {
                    self.substitutions.pop();
                    self.in_template_text = true;
                }
                Some(open) => *open -= 1,
                None => {}
            },
            _ => {}
        }
    }
}

/// Tokens after which a line break changes the meaning: `return\nx` returns nothing.
fn forbids_break_after(token: &str) -> bool {
    matches!(
        token,
        "return" | "throw" | "break" | "continue" | "yield" | "async"
    )
}

/// Tokens before which a line break changes the meaning or is a syntax error.
fn forbids_break_before(token: &str) -> bool {
    matches!(token, "++" | "--" | "=>")
}

type WriteResult = std::io::Result<()>;

impl WriteJs for &mut Layout {
    fn increase_indent(&mut self) -> WriteResult {
        Ok(())
    }

    fn decrease_indent(&mut self) -> WriteResult {
        Ok(())
    }

    fn write_semi(&mut self, span: Option<Span>) -> WriteResult {
        self.write(span, ";");
        Ok(())
    }

    fn write_space(&mut self) -> WriteResult {
        if !self.in_template_text && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
            self.column += 1;
        }
        Ok(())
    }

    fn write_keyword(&mut self, span: Option<Span>, keyword: &'static str) -> WriteResult {
        self.write(span, keyword);
        Ok(())
    }

    fn write_operator(&mut self, span: Option<Span>, operator: &str) -> WriteResult {
        self.write(span, operator);
        Ok(())
    }

    fn write_param(&mut self, text: &str) -> WriteResult {
        self.write(None, text);
        Ok(())
    }

    fn write_property(&mut self, text: &str) -> WriteResult {
        self.write(None, text);
        Ok(())
    }

    fn write_line(&mut self) -> WriteResult {
        self.separate = true;
        Ok(())
    }

    fn write_lit(&mut self, span: Span, text: &str) -> WriteResult {
        self.write(Some(span), text);
        Ok(())
    }

    fn write_comment(&mut self, _text: &str) -> WriteResult {
        // Comments the printer adds (`/*#__PURE__*/`) would only push code rightwards.
        Ok(())
    }

    fn write_str_lit(&mut self, _span: Span, text: &str) -> WriteResult {
        // String and template text: its span is the literal's, whose start was
        // already written.
        self.write(None, text);
        Ok(())
    }

    fn write_str(&mut self, text: &str) -> WriteResult {
        self.write(None, text);
        Ok(())
    }

    fn write_symbol(&mut self, span: Span, symbol: &str) -> WriteResult {
        self.write(Some(span), symbol);
        Ok(())
    }

    fn write_punct(
        &mut self,
        span: Option<Span>,
        punctuation: &'static str,
        _commit_pending_semi: bool,
    ) -> WriteResult {
        self.write(span, punctuation);
        self.punctuation(punctuation);
        Ok(())
    }

    fn care_about_srcmap(&self) -> bool {
        true
    }

    fn add_srcmap(&mut self, position: BytePos) -> WriteResult {
        if !self.in_template_text {
            self.aim(position);
        }
        Ok(())
    }

    fn commit_pending_semi(&mut self) -> WriteResult {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Form;

    /// Zero-based line and column of the first `needle` in `text`.
    fn find(text: &str, needle: &str) -> (usize, usize) {
        let at = text.find(needle).expect("the needle is in the text");
        position(text, at)
    }

    #[test]
    fn tokens_after_generated_code_keep_their_line_and_column() {
        let code = "const x: number = 1;\nenum Color {\n  Red,\n  Green,\n}\n\n// a comment\n  const y = missing(Color.Green);";
        let wrapped = Form::Statements.wrap(code);
        let javascript = transform(&wrapped).expect("the transform accepts enums");
        assert_eq!(find(&javascript, "missing"), find(&wrapped, "missing"));
        assert_eq!(find(&javascript, "const x"), find(&wrapped, "const x"));
        assert_eq!(javascript.lines().count(), wrapped.lines().count());
        assert!(!javascript.contains("enum"));
    }

    #[test]
    fn no_line_break_is_added_after_return() {
        let code = "enum E { A }\nfunction f(answer: number) {\n  return (\n\n    answer);\n}\nreturn f(E.A);";
        let javascript = transform(&Form::Statements.wrap(code)).expect("valid TypeScript");
        let value = javascript.find("answer;").expect("the returned value");
        let keyword = javascript[..value].rfind("return").expect("the return");
        assert!(!javascript[keyword..value].contains('\n'), "{javascript}");
    }

    #[test]
    fn template_text_is_left_as_written() {
        let code = "enum E { A }\nconst t = `a ${ `b${E.A}` }   c\n  d`;\nreturn t;";
        let javascript = transform(&Form::Statements.wrap(code)).expect("valid TypeScript");
        assert!(javascript.contains("`a ${"), "{javascript}");
        assert!(javascript.contains("}   c\n  d`"), "{javascript}");
    }

    #[test]
    fn module_statements_are_refused_with_what_to_write_instead() {
        let wrapped = Form::Statements.wrap("import type { Row } from './rows';\nreturn 1;");
        match check(&wrapped) {
            Err(StripError::Unsupported {
                message,
                line,
                column,
            }) => {
                assert!(message.starts_with("`import` and `export`"), "{message}");
                assert_eq!((line, column), (Some(1), Some(1)));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            check(&Form::Statements.wrap("const = 1")),
            Err(StripError::Invalid)
        );
    }

    #[test]
    fn decorators_are_refused_with_what_to_write_instead() {
        let wrapped = Form::Statements.wrap("enum E { A }\n  @tag class A {}");
        match transform(&wrapped) {
            Err(StripError::Unsupported {
                message,
                line,
                column,
            }) => {
                assert!(message.contains("decorat"), "{message}");
                assert_eq!((line, column), (Some(2), Some(3)));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
