//! Markdown bodies of another tool: Hugo's common shortcodes become Markdown (figures,
//! links to other pages, YouTube links, highlighted code), Zola's `@/` links and Hexo's
//! `{% post_link %}` become links to source files; every other shortcode, template tag, Vue component and `:::` container
//! is left as written and reported at its line. Fenced and inline code is never touched.

use std::ops::Range;

use super::front::Sink;
use super::report::NoteKind;
use super::Tool;

/// What converting a body needs besides its text.
pub struct Context<'a> {
    pub tool: Tool,
    /// The line of the source file the body starts on.
    pub first_line: usize,
    /// The link, relative to this file in the new site, to a page another tool names
    /// (`posts/a.md`, `/posts/a`, Zola's `posts/a.md` after `@/`).
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// The anchor tradekb gives the heading an anchor names in a page (as `resolve` takes
    /// it): the old tool's id may differ.
    pub anchor: &'a dyn Fn(&str, &str) -> String,
}

/// The body with what can be converted converted.
pub fn convert(body: &str, ctx: &Context, sink: &mut Sink) -> String {
    let mut scan = Scan {
        body,
        ctx,
        sink,
        out: String::with_capacity(body.len()),
    };
    for (code, range) in segments(body) {
        if code {
            scan.out.push_str(&body[range]);
        } else {
            scan.prose(range);
        }
    }
    scan.out
}

/// The body cut into fenced code blocks (true) and the text between them (false).
pub fn segments(body: &str) -> Vec<(bool, Range<usize>)> {
    let mut out = Vec::new();
    let (mut start, mut offset) = (0, 0);
    let mut fence: Option<(char, usize)> = None;
    for line in body.split_inclusive('\n') {
        let end = offset + line.len();
        match (fence, fence_of(line)) {
            (None, Some(open)) => {
                out.push((false, start..offset));
                (start, fence) = (offset, Some(open));
            }
            (Some((c, n)), Some((c2, n2))) if c == c2 && n2 >= n && is_bare(line, c) => {
                out.push((true, start..end));
                (start, fence) = (end, None);
            }
            _ => {}
        }
        offset = end;
    }
    out.push((fence.is_some(), start..body.len()));
    out.retain(|(_, r)| !r.is_empty());
    out
}

/// The fence character and length a line opens or closes a code block with.
fn fence_of(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let text = &line[indent..];
    let c = text.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = text.chars().take_while(|&x| x == c).count();
    (indent <= 3 && n >= 3).then_some((c, n))
}

/// A closing fence: nothing after its characters.
fn is_bare(line: &str, c: char) -> bool {
    line.trim().chars().all(|x| x == c)
}

struct Scan<'a, 'b, 'c> {
    body: &'a str,
    ctx: &'a Context<'a>,
    sink: &'b mut Sink<'c>,
    out: String,
}

impl Scan<'_, '_, '_> {
    fn prose(&mut self, range: Range<usize>) {
        let mut at = range.start;
        while at < range.end {
            let rest = &self.body[at..range.end];
            let Some(skip) = rest.find(['`', '{', '<', ':', ']']) else {
                self.out.push_str(rest);
                return;
            };
            self.out.push_str(&rest[..skip]);
            at += skip;
            let rest = &self.body[at..range.end];
            let used = self.construct(rest, at).unwrap_or_else(|| {
                self.out.push_str(&rest[..1]);
                1
            });
            at += used;
        }
    }

    /// Handles what starts `rest` (at byte `at` of the body), writing its output; the
    /// bytes used, or none when it is ordinary text.
    fn construct(&mut self, rest: &str, at: usize) -> Option<usize> {
        if rest.starts_with('`') {
            return Some(self.copy(&rest[..code_span(rest)]));
        }
        if rest.starts_with("{{<") || rest.starts_with("{{%") {
            return self.hugo(rest, at);
        }
        if rest.starts_with("](@/") {
            return self.zola_link(rest, at);
        }
        if rest.starts_with("](") {
            return self.file_link(rest);
        }
        if rest.starts_with("{{") || rest.starts_with("{%") {
            return self.template_tag(rest, at);
        }
        if rest.starts_with(":::") && self.at_line_start(at) {
            return self.container(rest, at);
        }
        if rest.starts_with('<') {
            self.component(rest, at);
        }
        None
    }

    fn copy(&mut self, text: &str) -> usize {
        self.out.push_str(text);
        text.len()
    }

    fn line(&self, at: usize) -> usize {
        self.ctx.first_line + self.body[..at].matches('\n').count()
    }

    fn at_line_start(&self, at: usize) -> bool {
        self.body[..at].trim_end_matches(' ').ends_with('\n') || self.body[..at].trim().is_empty()
    }

    fn left_as_written(&mut self, at: usize, what: &str, text: &str) {
        let line = Some(self.line(at));
        let message = format!("{what} `{}` left as written", shorten(text));
        self.sink.note(line, NoteKind::LeftAsWritten, message);
    }

    fn hugo(&mut self, rest: &str, at: usize) -> Option<usize> {
        let close = if rest.starts_with("{{<") {
            ">}}"
        } else {
            "%}}"
        };
        let end = rest[3..].find(close)? + 3 + close.len();
        let whole = &rest[..end];
        let inner = whole[3..end - 3].trim();
        if inner.starts_with('/') {
            return Some(self.copy(whole));
        }
        let call = Call::parse(inner);
        let done = match call.name.as_str() {
            "figure" | "img" => self.figure(&call, at),
            "ref" | "relref" => self.reference(&call, at, whole),
            "youtube" => youtube(&call),
            "highlight" => return self.highlight(&call, rest, end, at),
            _ => None,
        };
        match done {
            Some(markdown) => self.out.push_str(&markdown),
            None => {
                self.left_as_written(at, "Hugo shortcode", whole);
                self.out.push_str(whole);
            }
        }
        Some(end)
    }

    fn figure(&mut self, call: &Call, at: usize) -> Option<String> {
        let src = call.get("src", 0)?;
        let alt = call.named("alt").unwrap_or_default();
        let title = call.named("title").or_else(|| call.named("caption"));
        let known = ["src", "alt", "title", "caption"];
        let dropped: Vec<&str> = (call.named.iter())
            .map(|(k, _)| k.as_str())
            .filter(|k| !known.contains(k))
            .collect();
        if !dropped.is_empty() {
            let message = format!("figure `{src}`: {} left out", dropped.join(", "));
            self.sink
                .note(Some(self.line(at)), NoteKind::Dropped, message);
        }
        // Hugo shows the title as a caption under the image: so does the Markdown written
        // (in emphasis on the next line), and the title stands in for a missing `alt`.
        let alt = if alt.is_empty() {
            title.clone().unwrap_or_default()
        } else {
            alt
        };
        let alt = alt.replace('[', "\\[").replace(']', "\\]");
        let (title, caption) = title.map_or((String::new(), String::new()), |t| {
            let quoted = format!(" \"{}\"", t.replace('"', "\\\""));
            (quoted, format!("\n*{}*", t.replace('*', "\\*")))
        });
        Some(format!("![{alt}]({}{title}){caption}", destination(&src)))
    }

    /// `{{< ref "p.md" >}}` as the destination of a Markdown link.
    fn reference(&mut self, call: &Call, at: usize, whole: &str) -> Option<String> {
        if !self.out.ends_with("](") {
            return None;
        }
        let target = call.get("path", 0)?;
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, format!("#{}", (self.ctx.anchor)(p, a))),
            None => (target.as_str(), String::new()),
        };
        if path.is_empty() {
            return Some(anchor);
        }
        let Some(link) = (self.ctx.resolve)(path) else {
            let message = format!(
                "`{}`: no page `{path}` to link to; left as written",
                shorten(whole)
            );
            self.sink
                .note(Some(self.line(at)), NoteKind::LeftAsWritten, message);
            return Some(whole.to_string());
        };
        Some(format!("{}{anchor}", destination(&link)))
    }

    fn highlight(&mut self, call: &Call, rest: &str, open_end: usize, at: usize) -> Option<usize> {
        let Some((code_end, close_end)) = closing_highlight(&rest[open_end..]) else {
            self.left_as_written(at, "Hugo shortcode", &rest[..open_end]);
            return Some(self.copy(&rest[..open_end]));
        };
        let code = &rest[open_end..open_end + code_end];
        let code = code.strip_prefix('\n').unwrap_or(code).trim_end();
        let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
        let lang = call.positional.first().map_or("", String::as_str);
        let options: Vec<String> = (call.positional.iter().skip(1).cloned())
            .chain(call.named.iter().map(|(k, v)| format!("{k}={v}")))
            .collect();
        if !options.is_empty() {
            let message = format!(
                "highlight options `{}` left out: tradekb shows code without line numbers or \
                 marked lines",
                options.join(" ")
            );
            self.sink
                .note(Some(self.line(at)), NoteKind::Dropped, message);
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.out
            .push_str(&format!("{fence}{lang}\n{code}\n{fence}"));
        Some(open_end + close_end)
    }

    fn zola_link(&mut self, rest: &str, at: usize) -> Option<usize> {
        let end = rest.find([')', ' ', '\n'])?;
        let target = &rest["](@/".len()..end];
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        let anchor = if anchor.is_empty() {
            String::new()
        } else {
            format!("#{}", (self.ctx.anchor)(&format!("/{path}"), anchor))
        };
        match (self.ctx.resolve)(&format!("/{path}")) {
            Some(link) => self
                .out
                .push_str(&format!("]({}{anchor}", destination(&link))),
            None => {
                // Written as the URL Zola would give it, which the build reports as dead.
                let page = path.strip_suffix(".md").unwrap_or(path);
                let page = page
                    .strip_suffix("/_index")
                    .or_else(|| page.strip_suffix("/index"))
                    .unwrap_or(page);
                let url = format!("/{page}/");
                let message = format!("link `@/{target}`: no such page; written as {url}");
                self.sink
                    .note(Some(self.line(at)), NoteKind::Changed, message);
                self.out
                    .push_str(&format!("]({}{anchor}", destination(&url)));
            }
        }
        Some(end)
    }

    /// A link to another Markdown file, which may have been renamed (VuePress's
    /// `README.md`, `.markdown`): pointed at its new name. Links that lead nowhere are left
    /// for the build to report.
    fn file_link(&mut self, rest: &str) -> Option<usize> {
        let end = rest.find([')', ' ', '\n'])?;
        let target = &rest[2..end];
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        if path.is_empty() && !anchor.is_empty() {
            // A heading of this page, as the old tool named it.
            let ours = (self.ctx.anchor)("", anchor);
            self.out.push_str(&format!("](#{ours}"));
            return Some(end);
        }
        let is_file = (path.ends_with(".md") || path.ends_with(".markdown"))
            && !path.starts_with('/')
            && !path.contains(':');
        let link = (self.ctx.resolve)(path).filter(|_| is_file)?;
        let anchor = if anchor.is_empty() {
            String::new()
        } else {
            format!("#{}", (self.ctx.anchor)(path, anchor))
        };
        self.out
            .push_str(&format!("]({}{anchor}", destination(&link)));
        Some(end)
    }

    /// Zola's `{{ name(...) }}` and `{% name(...) %}`, Hexo's `{% name ... %}`: reported.
    fn template_tag(&mut self, rest: &str, at: usize) -> Option<usize> {
        let close = if rest.starts_with("{{") { "}}" } else { "%}" };
        let end = rest[2..].find(close)? + 2 + close.len();
        let whole = &rest[..end];
        let inner = whole[2..end - 2].trim();
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let call = inner[name.len()..].trim_start().starts_with('(');
        if self.ctx.tool == Tool::Hexo && close == "%}" && name == "post_link" {
            self.post_link(&inner[name.len()..], whole, at);
            return Some(end);
        }
        let what = match (call, close, self.ctx.tool) {
            _ if name.is_empty() || name.starts_with("end") => return Some(self.copy(whole)),
            (true, _, _) => "Zola shortcode",
            (false, "}}", _) => return None,
            (false, _, Tool::Hexo) => "Hexo tag plugin",
            (false, _, _) => "template tag",
        };
        self.left_as_written(at, what, whole);
        Some(self.copy(whole))
    }

    /// Hexo's `{% post_link slug [title] [escape] %}`: a link to the post's source file,
    /// with the title written there (else the slug); left as written when there is no such
    /// post.
    fn post_link(&mut self, args: &str, whole: &str, at: usize) {
        let args = args.trim();
        let (slug, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let Some(link) = (self.ctx.resolve)(&format!("/{slug}.md")) else {
            let message = format!(
                "`{}`: no post `{slug}` to link to; left as written",
                shorten(whole)
            );
            self.sink
                .note(Some(self.line(at)), NoteKind::LeftAsWritten, message);
            self.out.push_str(whole);
            return;
        };
        let title = hexo_title(rest.trim()).unwrap_or_else(|| slug.to_string());
        self.out
            .push_str(&format!("[{}]({})", link_text(&title), destination(&link)));
    }

    fn container(&mut self, rest: &str, at: usize) -> Option<usize> {
        let line = rest.lines().next().unwrap_or(rest);
        if !line.trim_start_matches(':').trim().is_empty() {
            self.left_as_written(at, "container", line);
        }
        Some(self.copy(line))
    }

    /// A Vue component (`<Badge text="x"/>`): reported; its text is copied as any other.
    fn component(&mut self, rest: &str, at: usize) {
        let name: String = rest[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        let after = rest[1 + name.len()..].chars().next();
        let is_tag = matches!(after, Some(' ' | '\t' | '\n' | '/' | '>'));
        if name.starts_with(|c: char| c.is_ascii_uppercase()) && is_tag {
            self.left_as_written(at, "Vue component", &format!("<{name}>"));
        }
    }
}

/// The length of the inline code span starting `text`, or of its opening backticks when
/// it is not closed on the way.
fn code_span(text: &str) -> usize {
    let n = text.chars().take_while(|&c| c == '`').count();
    let ticks = &text[..n];
    let mut from = n;
    while let Some(i) = text[from..].find(ticks) {
        let start = from + i;
        let run = text[start..].chars().take_while(|&c| c == '`').count();
        if run == n {
            return start + n;
        }
        from = start + run;
    }
    n
}

/// Where `{{< /highlight >}}` starts and ends in `text`.
fn closing_highlight(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("{{<") {
        let start = from + i;
        let end = start + text[start..].find(">}}")? + 3;
        if text[start + 3..end - 3].trim() == "/highlight" {
            return Some((start, end));
        }
        from = end;
    }
    None
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The title of a `post_link` as written after the slug: quoted, or the words before a
/// closing word `true` or `false` (whether Hexo escapes it).
fn hexo_title(rest: &str) -> Option<String> {
    let title = match rest.chars().next()? {
        q @ ('\'' | '"') => rest[1..].split(q).next().unwrap_or_default(),
        _ => match rest.rsplit_once(char::is_whitespace) {
            Some((words, "true" | "false")) => words.trim(),
            _ => rest,
        },
    };
    (!title.is_empty()).then(|| title.to_string())
}

/// `text` as the text of a Markdown link, shown as written: what Markdown would read as
/// markup (brackets, emphasis, code, HTML, a backslash) escaped.
fn link_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '[' | ']' | '*' | '_' | '`' | '<' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn youtube(call: &Call) -> Option<String> {
    let id = call.get("id", 0)?;
    let safe = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    safe.then(|| format!("[YouTube 视频](https://www.youtube.com/watch?v={id})"))
}

/// A link destination as Markdown reads it: in `<…>` when it has spaces or brackets.
fn destination(link: &str) -> String {
    if link.contains([' ', '(', ')', '<', '>']) {
        format!("<{link}>")
    } else {
        link.to_string()
    }
}

/// A construct as the report quotes it: one line, at most 60 characters.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        return one_line;
    }
    let cut: String = one_line.chars().take(57).collect();
    format!("{cut}…")
}

/// A shortcode's name and arguments: `figure src="a.png" alt="图"`.
#[derive(Debug, Default, PartialEq)]
struct Call {
    name: String,
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

impl Call {
    fn parse(inner: &str) -> Call {
        let mut call = Call::default();
        let mut rest = inner.trim();
        let mut first = true;
        while !rest.is_empty() {
            let (token, after) = token(rest);
            match token {
                Token::Named(k, v) => call.named.push((k, v)),
                Token::Word(w) if first => call.name = w,
                Token::Word(w) => call.positional.push(w),
            }
            first = false;
            rest = after.trim_start();
        }
        call
    }

    fn named(&self, key: &str) -> Option<String> {
        self.named
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// The argument named `key`, or else the positional one at `index`.
    fn get(&self, key: &str, index: usize) -> Option<String> {
        self.named(key)
            .or_else(|| self.positional.get(index).cloned())
    }
}

enum Token {
    Word(String),
    Named(String, String),
}

/// The first argument of `text` and the text after it.
fn token(text: &str) -> (Token, &str) {
    if text.starts_with(['"', '`']) {
        let (value, rest) = quoted(text);
        return (Token::Word(value), rest);
    }
    let end = text
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(text.len());
    let word = text[..end].to_string();
    match text[end..].strip_prefix('=') {
        Some(value) if value.starts_with(['"', '`']) => {
            let (value, rest) = quoted(value);
            (Token::Named(word, value), rest)
        }
        Some(value) => {
            let end = value.find(char::is_whitespace).unwrap_or(value.len());
            (Token::Named(word, value[..end].to_string()), &value[end..])
        }
        None => (Token::Word(word), &text[end..]),
    }
}

/// A `"…"` (with `\"` escapes) or `` `…` `` string at the start of `text`.
fn quoted(text: &str) -> (String, &str) {
    let quote = text.chars().next().unwrap_or('"');
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => value.extend(chars.next().map(|(_, c)| c)),
            c if c == quote => return (value, &text[i + 1..]),
            c => value.push(c),
        }
    }
    (value, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::report::ImportReport;

    fn run(tool: Tool, body: &str) -> (String, ImportReport) {
        let mut report = ImportReport::new(tool);
        let mut sink = Sink {
            report: &mut report,
            file: "a.md",
            source: body,
            zone: None,
        };
        let resolve =
            |p: &str| (p.trim_start_matches('/') == "posts/b.md").then(|| "../b.md".into());
        let anchor = |_: &str, a: &str| a.to_string();
        let ctx = Context {
            tool,
            first_line: 10,
            resolve: &resolve,
            anchor: &anchor,
        };
        let out = convert(body, &ctx, &mut sink);
        (out, report)
    }

    fn left(report: &ImportReport) -> Vec<(usize, String)> {
        report
            .of_kind(NoteKind::LeftAsWritten)
            .map(|n| (n.line.unwrap(), n.message.clone()))
            .collect()
    }

    #[test]
    fn hugo_figures_links_videos_and_code_become_markdown() {
        let body = "前言\n{{< figure src=\"map.png\" alt=\"地图\" title=\"第一批\" >}}\n\
            见[乙]({{< ref \"posts/b.md#第一批\" >}})和[乙]({{< relref \"/posts/b.md\" >}})。\n\
            {{< youtube w7Ft2ymGmfc >}}\n{{< highlight go >}}\nfmt.Println(\"{{< x >}}\")\n{{< /highlight >}}\n\
            <!--more-->\n";
        let (out, report) = run(Tool::Hugo, body);
        assert_eq!(
            out,
            "前言\n![地图](map.png \"第一批\")\n*第一批*\n见[乙](../b.md#第一批)和[乙](../b.md)。\n\
             [YouTube 视频](https://www.youtube.com/watch?v=w7Ft2ymGmfc)\n```go\nfmt.Println(\"{{< x >}}\")\n```\n\
             <!--more-->\n"
        );
        assert!(left(&report).is_empty(), "{:?}", report.notes);
    }

    #[test]
    fn highlight_options_that_cannot_be_kept_are_reported() {
        let body =
            "{{< highlight go \"linenos=table,hl_lines=2\" >}}\nx := 1\n{{< /highlight >}}\n";
        let (out, report) = run(Tool::Hugo, body);
        assert_eq!(out, "```go\nx := 1\n```\n");
        let dropped: Vec<String> = (report.of_kind(NoteKind::Dropped))
            .map(|n| format!("{}: {}", n.line.unwrap(), n.message))
            .collect();
        assert_eq!(dropped.len(), 1, "{dropped:?}");
        assert!(
            dropped[0].starts_with("10: highlight options `linenos=table,hl_lines=2` left out"),
            "{dropped:?}"
        );
    }

    #[test]
    fn other_shortcodes_are_left_and_reported_at_their_line() {
        let body =
            "a\n{{< tweet user=\"x\" id=\"1\" >}}\n```\n{{< tweet 2 >}}\n```\n`{{< tweet 3 >}}`\n\
                    [x]({{< ref \"missing.md\" >}})\n{{< gist a b >}}\n";
        let (out, report) = run(Tool::Hugo, body);
        assert_eq!(out, body);
        let lines: Vec<usize> = left(&report).iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [11, 16, 17]);
    }

    #[test]
    fn zola_hexo_and_vuepress_constructs_are_reported() {
        let body = "{{ youtube(id=\"x\") }}\n{% quote(author=\"甲\") %}\n引文\n{% end %}\n\
                    {% blockquote 甲 %}\n引文\n{% endblockquote %}\n<Badge text=\"新\"/>\n::: tip 提示\n内容\n:::\n\
                    [乙](@/posts/b.md#x)\n";
        let (out, report) = run(Tool::Hexo, body);
        assert_eq!(out, body.replace("(@/posts/b.md#x)", "(../b.md#x)"));
        let found: Vec<String> = left(&report)
            .into_iter()
            .map(|(l, m)| format!("{l} {m}"))
            .collect();
        assert_eq!(
            found,
            [
                "10 Zola shortcode `{{ youtube(id=\"x\") }}` left as written",
                "11 Zola shortcode `{% quote(author=\"甲\") %}` left as written",
                "14 Hexo tag plugin `{% blockquote 甲 %}` left as written",
                "17 Vue component `<Badge>` left as written",
                "18 container `::: tip 提示` left as written",
            ]
        );
    }

    #[test]
    fn a_hexo_post_link_becomes_a_link_to_the_posts_file() {
        let body = "见{% post_link posts/b '政府工作报告 [摘要]' %}和{% post_link posts/b %}，\
                    {% post_link posts/b 全文 true %}、{% post_link posts/b untrue %}、\
                    {% post_link posts/b 'a_b <i> c\\' %}。\n{% post_link nothing %}\n";
        let (out, report) = run(Tool::Hexo, body);
        assert_eq!(
            out,
            "见[政府工作报告 \\[摘要\\]](../b.md)和[posts/b](../b.md)，[全文](../b.md)、\
             [untrue](../b.md)、[a\\_b \\<i> c\\\\](../b.md)。\n{% post_link nothing %}\n"
        );
        let left: Vec<String> = left(&report)
            .into_iter()
            .map(|(l, m)| format!("{l} {m}"))
            .collect();
        assert_eq!(
            left,
            ["11 `{% post_link nothing %}`: no post `nothing` to link to; left as written"]
        );
    }

    #[test]
    fn a_zola_link_to_no_page_is_written_as_the_url_zola_gave_it() {
        let (out, _) = run(
            Tool::Zola,
            "[宁波](@/blog/ningbo.md#港口)\n[栏目](@/blog/_index.md)\n",
        );
        assert_eq!(out, "[宁波](/blog/ningbo/#港口)\n[栏目](/blog/)\n");
    }

    #[test]
    fn broken_and_empty_constructs_are_text() {
        for body in [
            "{%}",
            "{{%}}",
            "{{<>}}",
            "{{}}",
            "{% %}",
            "<",
            "](",
            "]((@/",
            ":::",
            "`",
            "{{< figure >}}",
        ] {
            let (out, _) = run(Tool::Hugo, body);
            assert_eq!(out, body);
        }
    }

    #[test]
    fn fences_are_found_with_their_own_kind_and_length() {
        let body = "a\n````\n```\nb\n````\nc\n~~~\nd\n";
        let kinds: Vec<bool> = segments(body).into_iter().map(|(c, _)| c).collect();
        assert_eq!(kinds, [false, true, false, true]);
    }
}
