//! `tradekb import`: each fixture site (tests/fixtures/import/TOOL, written in that tool's
//! own format) imported in-process into a temporary folder and built; the report's
//! findings, the source left untouched, the same bytes on a second import, the folders
//! refused, links never followed, and the command line.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tradekb::import::{import, IfExists, ImportError, ImportOptions, ImportReport, NoteKind, Tool};
use tradekb::Error;

use crate::support::{
    assert_same_tree, build_site, copy_tree, describe, repo_root, tree, unminified, Output,
};

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/import").join(name)
}

fn options(tool: Tool) -> ImportOptions {
    ImportOptions {
        tool,
        if_exists: IfExists::Refuse,
    }
}

/// A fixture imported into `dir/site`.
fn import_into(tool: Tool, src: &Path, dir: &Path) -> (PathBuf, ImportReport) {
    let dest = dir.join("site");
    let report =
        import(src, &dest, &options(tool)).unwrap_or_else(|e| panic!("the import failed: {e}"));
    (dest, report)
}

fn build(root: &Path) -> Output {
    build_site(root, unminified()).unwrap_or_else(|e| panic!("the build failed: {}", describe(&e)))
}

/// The findings of one kind, as `file:line: message`.
fn notes(report: &ImportReport, kind: NoteKind) -> Vec<String> {
    report
        .of_kind(kind)
        .map(|n| format!("{}: {}", n.place(), n.message))
        .collect()
}

fn has_note(report: &ImportReport, kind: NoteKind, place: &str, words: &str) -> bool {
    report
        .of_kind(kind)
        .any(|n| n.place() == place && n.message.contains(words))
}

/// The titles of the articles a tag's page lists.
fn tagged(out: &Output, tag: &str) -> Vec<String> {
    let mut titles = out
        .page(&format!("tags/{tag}/index.html"))
        .texts(".card-title a");
    titles.sort();
    titles
}

#[test]
fn a_hugo_site_builds_with_its_pages_aliases_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let (site, report) = import_into(Tool::Hugo, &fixture("hugo"), dir.path());
    let out = build(&site);
    for page in [
        "posts/changsha-pilot/index.html",
        "posts/hangzhou-zone/index.html",
        "posts/history/index.html",
        "posts/map-bundle/index.html",
        "laws/刑法修正案-三/index.html",
        "notes/plain/index.html",
    ] {
        assert!(out.exists(page), "{page}");
    }
    assert!(
        out.exists("posts/map-bundle/map.png"),
        "the bundle's image is published"
    );
    // A `ref` to a heading by the id Hugo gave it links to the id tradekb gives it.
    let history = out.read("posts/history/index.html");
    assert!(
        history.contains("/posts/changsha-pilot/#%E4%BA%8C-%E4%BC%81%E4%B8%9A%E7%AE%A1%E7%90%86")
            || history.contains("/posts/changsha-pilot/#二-企业管理"),
        "{history}"
    );
    // So does a link to a heading of the same page (which the build would report as dead).
    let changsha = fs::read_to_string(site.join("content/posts/changsha-pilot.md")).unwrap();
    assert!(
        changsha.contains("回到[企业管理](#二-企业管理)一节"),
        "{changsha}"
    );
    // Hugo's `static/` is published at the root as before, but for a file tradekb writes.
    assert!(out.exists("img/logo.png"), "a static file is published");
    assert!(
        report
            .render()
            .contains("tradekb writes its own `/robots.txt`"),
        "{}",
        report.render()
    );
    // Old URLs: `aliases`, `url`, and the URL the dropped Chinese slug gave.
    for alias in [
        "old/changsha/index.html",
        "hangzhou/index.html",
        "laws/刑法修正案三/index.html",
    ] {
        assert!(
            out.read(alias).contains("http-equiv=\"refresh\""),
            "{alias}"
        );
    }
    // `categories` and `tags` are one list: 政策 is a category of one, a tag of the other.
    assert_eq!(
        tagged(&out, "政策"),
        [
            "杭州设立跨境电子商务综合试验区",
            "长沙获批跨境电子商务服务试点"
        ]
    );
    let changsha = out.page("posts/changsha-pilot/index.html");
    let links = changsha.links();
    assert!(
        links.contains(&"/kb/posts/hangzhou-zone/".to_string()),
        "{links:?}"
    );
    assert!(links
        .iter()
        .any(|l| l.contains("youtube.com/watch?v=w7Ft2ymGmfc")));
    assert_eq!(changsha.description(), "海关总署同意长沙开展服务试点。");
    // Undated: written so, and its section says it has undated articles among dated ones.
    assert!(out.exists("notes/undated/index.html"));
    let notes_intro = fs::read_to_string(site.join("content/notes/_index.md")).unwrap();
    assert_eq!(notes_intro, "---\nundated: true\nsort_by: date\n---\n");
    // A sub-section keeps its list at its old URL.
    let sub = out.page("posts/2015/index.html");
    assert_eq!(sub.text("main h1"), "2015 年");
    assert_eq!(
        sub.attrs(".card-title a", "href"),
        ["/kb/posts/hangzhou-zone/"]
    );
    assert_eq!(
        notes(&report, NoteKind::LeftAsWritten),
        ["content/posts/changsha-pilot.md:22: Hugo shortcode `{{< tweet user=\"customs\" id=\"1234\" >}}` left as written"]
    );
    assert!(has_note(
        &report,
        NoteKind::Changed,
        "content/notes/undated.md:1",
        "content/notes/_index.md says `undated: true`"
    ));
    assert!(has_note(
        &report,
        NoteKind::Changed,
        "content/posts/history.md:3",
        "kept the day, 1965-12-31"
    ));
    assert!(has_note(
        &report,
        NoteKind::Dropped,
        "content/laws/刑法修正案（三）.md:4",
        "not a plain ASCII slug"
    ));
    assert_eq!(report.fields["categories → tags"], 2);
}

#[test]
fn hugo_front_matter_and_shortcodes_are_written_as_tradekb_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = import_into(Tool::Hugo, &fixture("hugo"), dir.path());
    let read = |rel: &str| fs::read_to_string(site.join("content").join(rel)).unwrap();
    let changsha = read("posts/changsha-pilot.md");
    assert!(changsha.starts_with(
        "---\ntitle: 长沙获批跨境电子商务服务试点\ndate: 2014-01-02T09:00:00+08:00\nupdated: 2014-03-10\n\
         summary: 海关总署同意长沙开展服务试点。\ntags: [政策, 试点, 海关]\naliases: [\"/old/changsha/\"]\n\
         extra:\n  toc: true\n---\n"
    ), "{changsha}");
    assert!(changsha.contains("<!--more-->"));
    assert!(changsha.contains("![长沙](https://example.org/images/changsha.png \"长沙位置\")"));
    assert!(changsha.contains("```yaml\ncity: 长沙\nbatch: 1\n```"));
    // Inside fenced code, nothing is converted or reported.
    assert!(changsha.contains("```markdown\n{{< tweet user=\"in-code\" id=\"5\" >}}\n```"));
    let hangzhou = read("posts/2015/hangzhou-zone.md");
    assert!(
        hangzhou.contains("date: 2015-03-07T10:31:58.250+08:00\n"),
        "{hangzhou}"
    );
    assert!(hangzhou.contains("[长沙试点](../changsha-pilot.md)"));
    let plain = read("notes/plain.md");
    assert!(
        plain.starts_with("---\ntitle: 没有前置元数据的笔记\ndate: 2014-03-05\n---\n正文第一段。"),
        "{plain}"
    );
    let config = fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(
        config.contains(
            "title: 跨境电商试点观察\ndescription: 跨境电商试点资料的整理\nauthor: 编辑部\nbase_url: https://example.org/kb/\nlanguage: zh-CN\n"
        ),
        "{config}"
    );
    assert!(!config.contains("fields:"), "no article has an author");
}

#[test]
fn importing_again_with_force_says_which_files_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = import_into(Tool::Hugo, &fixture("hugo"), dir.path());
    fs::write(site.join("site.yaml"), "title: 改过的\n").unwrap();
    let options = tradekb::import::ImportOptions {
        tool: Tool::Hugo,
        if_exists: tradekb::import::IfExists::Replace,
    };
    let report = tradekb::import::import(&fixture("hugo"), &site, &options).unwrap();
    assert!(
        report
            .render()
            .contains("site.yaml: replaced the file that was there (--force)"),
        "{}",
        report.render()
    );
}

#[test]
fn a_zola_site_builds_with_dates_from_file_names_and_its_old_paths() {
    let dir = tempfile::tempdir().unwrap();
    let (site, report) = import_into(Tool::Zola, &fixture("zola"), dir.path());
    let out = build(&site);
    // The date came from the file name, and the slug is the one Zola gave.
    assert!(out.exists("policies/changsha/index.html"));
    assert!(out.exists("policies/port-bundle/photo.jpg"));
    assert!(out.exists("法律/刑法修正案-三/index.html"));
    for alias in ["zonghe/hangzhou/index.html", "policies/sub/deep/index.html"] {
        assert!(
            out.read(alias).contains("http-equiv=\"refresh\""),
            "{alias}"
        );
    }
    assert!(out
        .page("policies/changsha/index.html")
        .links()
        .contains(&"/policies/hangzhou/".to_string()));
    assert_eq!(tagged(&out, "试点"), ["杭州综合试验区", "长沙服务试点"]);
    assert_eq!(tagged(&out, "政策"), ["长沙服务试点"]);
    assert_eq!(
        notes(&report, NoteKind::LeftAsWritten),
        [
            "content/policies/2014-01-02-changsha.md:16: Zola shortcode `{{ youtube(id=\"w7Ft2ymGmfc\") }}` left as written",
            "content/policies/2014-01-02-changsha.md:18: Zola shortcode `{% quote(author=\"海关总署\") %}` left as written",
        ]
    );
    assert!(has_note(
        &report,
        NoteKind::Dropped,
        "content/法律/刑法修正案（三）.md",
        "transliteration"
    ));
}

#[test]
fn a_hexo_site_builds_with_its_permalinks_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (site, report) = import_into(Tool::Hexo, &fixture("hexo"), dir.path());
    let out = build(&site);
    for page in [
        "posts/hello-world/index.html",
        "posts/刑法修正案-三/index.html",
        "about/index.html",
    ] {
        assert!(out.exists(page), "{page}");
    }
    assert!(out.exists("images/map.png"));
    // The section made for Hexo's posts has a title readers understand.
    let nav = out.page("index.html").texts(".site-nav a");
    assert!(nav.iter().any(|t| t == "文章"), "{nav:?}");
    for alias in [
        "2017/07/15/hello-world/index.html",
        "2015/01/08/刑法修正案（三）/index.html",
        "archives/old-post.html",
    ] {
        assert!(
            out.read(alias).contains("http-equiv=\"refresh\""),
            "{alias}"
        );
    }
    // Nested category lists are flattened and merged with the tags.
    for tag in ["政策", "海关", "试点", "跨境电商"] {
        assert_eq!(tagged(&out, tag), ["跨境电商试点笔记"], "{tag}");
    }
    assert!(
        !out.exists("posts/unfinished/index.html"),
        "_drafts are Hexo's own"
    );
    assert!(
        notes(&report, NoteKind::NotWritten)
            .iter()
            .any(|n| n.starts_with("source/_drafts")),
        "and the report says they were left out"
    );
    assert_eq!(
        notes(&report, NoteKind::LeftAsWritten),
        ["source/_posts/hello-world.md:17: Hexo tag plugin `{% blockquote 海关总署 %}` left as written"]
    );
    assert!(has_note(
        &report,
        NoteKind::Changed,
        "source/_posts/hello-world.md:3",
        "2017-07-15"
    ));
}

#[test]
fn a_vuepress_site_builds_with_readmes_as_intros() {
    let dir = tempfile::tempdir().unwrap();
    let (site, report) = import_into(Tool::Vuepress, &fixture("vuepress"), dir.path());
    let out = build(&site);
    assert_eq!(out.page("index.html").text("main h1"), "VuePress 政策手册");
    assert!(out.exists("guide/index.html"));
    assert!(out.exists("guide/advanced/index.html"));
    assert!(out
        .read("guide/getting-started.html")
        .contains("http-equiv=\"refresh\""));
    let start = out.page("guide/getting-started/index.html");
    assert!(start.links().contains(&"/guide/advanced/".to_string()));
    assert_eq!(
        notes(&report, NoteKind::LeftAsWritten),
        [
            "docs/guide/getting-started.md:6: Vue component `<Badge>` left as written",
            "docs/guide/getting-started.md:8: container `::: tip 提示` left as written",
        ]
    );
    assert!(has_note(
        &report,
        NoteKind::Dropped,
        "docs/README.md:1",
        "heroText"
    ));
    assert!(!report.converted.iter().any(|f| f.contains("node_modules")));
}

#[test]
fn plain_markdown_gets_titles_and_dates_and_its_dead_link_is_reported_where_written() {
    let dir = tempfile::tempdir().unwrap();
    let (site, report) = import_into(Tool::Markdown, &fixture("markdown"), dir.path());
    let problems = match build_site(&site, unminified()) {
        Err(Error::Site(d)) => d,
        Err(e) => panic!("the build failed otherwise: {e}"),
        Ok(_) => panic!("the dead link was not reported"),
    };
    let errors: Vec<String> = problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let line = d.position.as_ref().map_or(0, |p| p.line);
            format!("{}:{line}: {}", d.path.display(), d.problem)
        })
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/analysis/观察.md:5: link to `不存在.md`"),
        "{errors:?}"
    );
    let read = |rel: &str| fs::read_to_string(site.join("content").join(rel)).unwrap();
    assert!(read("policies/2014-03-05-海关复函.md").starts_with(
        "---\ntitle: 海关总署关于长沙试点的复函\ndate: 2014-03-05\n---\n日期取自文件名"
    ));
    assert!(read("policies/notes-20150307.md").contains("date: 2015-03-07\n"));
    assert!(read("analysis/观察.md").contains("date: 2015-06-01\n"));
    // The line that gave the date is not left in the text, where it was the summary.
    assert!(
        !read("analysis/观察.md").contains("Date:"),
        "{}",
        read("analysis/观察.md")
    );
    assert!(read("analysis/年月日.md").contains("date: 2016-03-05\n"));
    assert!(site.join("content/policies/map.png").is_file());
    // The README is the home page's intro, as on GitHub, and its heading names the site and
    // the intro (it was a stray page at /README/, the site named 我的知识库).
    let home = read("_index.md");
    assert!(
        home.starts_with("---\ntitle: 一个 Markdown 文件夹\n---\n"),
        "{home}"
    );
    assert!(
        !home.contains("# 一个"),
        "the heading is the title, not shown twice: {home}"
    );
    let config = fs::read_to_string(site.join("site.yaml")).unwrap();
    assert!(
        config.contains("\ntitle: 一个 Markdown 文件夹\n"),
        "{config}"
    );
    assert!(
        !report.notes.iter().any(|n| n.file == "README.md"),
        "nothing to say about a root page without a date"
    );
}

#[test]
fn the_source_is_left_as_it_was_and_a_second_import_writes_the_same_bytes() {
    for (tool, name) in [
        (Tool::Hugo, "hugo"),
        (Tool::Hexo, "hexo"),
        (Tool::Zola, "zola"),
    ] {
        let before = tree(&fixture(name));
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (first, report_a) = import_into(tool, &fixture(name), a.path());
        let (second, report_b) = import_into(tool, &fixture(name), b.path());
        assert_same_tree(&tree(&first), &tree(&second));
        assert_eq!(report_a.render(), report_b.render());
        assert_same_tree(&before, &tree(&fixture(name)));
    }
}

#[test]
fn a_new_site_inside_the_source_or_around_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hugo");
    copy_tree(&fixture("hugo"), &src);
    let inside = import(&src, &src.join("content/new"), &options(Tool::Hugo));
    assert!(
        matches!(inside, Err(ImportError::DestInsideSource { .. })),
        "{inside:?}"
    );
    let same = import(&src, &src, &options(Tool::Hugo));
    assert!(
        matches!(same, Err(ImportError::DestInsideSource { .. })),
        "{same:?}"
    );
    let around = import(&src, dir.path(), &options(Tool::Hugo));
    assert!(
        matches!(around, Err(ImportError::SourceInsideDest { .. })),
        "{around:?}"
    );
    assert!(!src.join("content/new").exists());
}

#[test]
fn a_folder_with_files_is_refused_unless_forced_and_then_only_import_files_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("site");
    fs::create_dir_all(dest.join("content/posts")).unwrap();
    fs::write(dest.join("notes.txt"), "mine").unwrap();
    fs::write(dest.join("content/posts/history.md"), "old").unwrap();
    let refused = import(&fixture("hugo"), &dest, &options(Tool::Hugo));
    assert!(
        matches!(refused, Err(ImportError::NotEmpty { .. })),
        "{refused:?}"
    );
    let forced = ImportOptions {
        tool: Tool::Hugo,
        if_exists: IfExists::Replace,
    };
    import(&fixture("hugo"), &dest, &forced).unwrap();
    assert_eq!(fs::read_to_string(dest.join("notes.txt")).unwrap(), "mine");
    let history = fs::read_to_string(dest.join("content/posts/history.md")).unwrap();
    assert!(history.starts_with("---\ntitle: 早年的对外贸易\n"));
}

#[cfg(unix)]
#[test]
fn links_are_never_followed_and_odd_files_are_reported_not_fatal() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hugo");
    copy_tree(&fixture("hugo"), &src);
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(
        outside.join("secret.md"),
        "---\ntitle: 秘密\ndate: 2014-01-01\n---\n秘密\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.join("secret.md"),
        src.join("content/posts/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, src.join("content/linked")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"content/posts/bad-\xff.md");
    fs::write(src.join(odd), "---\ntitle: x\ndate: 2014-01-01\n---\n").unwrap();
    let huge = format!(
        "---\ntitle: 大\ndate: 2014-01-01\nextra: \"{}\"\n---\n",
        "字".repeat(400_000)
    );
    fs::write(src.join("content/posts/huge.md"), huge).unwrap();

    let (site, report) = import_into(Tool::Hugo, &src, dir.path());
    assert!(!site.join("content/posts/secret.md").exists());
    assert!(!site.join("content/linked").exists());
    let not_followed = notes(&report, NoteKind::NotFollowed);
    assert_eq!(not_followed.len(), 2, "{not_followed:?}");
    assert!(
        not_followed[0].starts_with("content/linked: symbolic link"),
        "{not_followed:?}"
    );
    assert!(has_note(
        &report,
        NoteKind::NotWritten,
        "content/posts/bad-\u{fffd}.md",
        "not valid UTF-8"
    ));
    assert!(has_note(
        &report,
        NoteKind::NotWritten,
        "content/posts/huge.md:1",
        "1 MiB"
    ));
    build(&site);
}

// ---------------------------------------------------------------------------------------
// The command line

fn tradekb() -> Command {
    Command::cargo_bin("tradekb").expect("the tradekb binary is built")
}

#[test]
fn the_command_prints_the_report_ending_with_the_build_command_and_exits_by_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("new site");
    let run = tradekb()
        .args(["import", "--from", "hexo"])
        .arg(fixture("hexo"))
        .arg(&dest)
        .assert()
        .code(0);
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.starts_with("Imported a Hexo site: 4 Markdown files converted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("source/_posts/hello-world.md:17: Hexo tag plugin"),
        "{stdout}"
    );
    let last = stdout.lines().last().unwrap();
    assert_eq!(
        last.trim(),
        format!("tradekb build --root '{}'", dest.display())
    );

    let again = tradekb()
        .args(["import", "--from", "hexo"])
        .arg(fixture("hexo"))
        .arg(&dest)
        .assert()
        .code(1);
    let stderr = String::from_utf8(again.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("is not empty") && stderr.contains("--force"),
        "{stderr}"
    );

    tradekb()
        .args(["import", "--from", "jekyll", "a", "b"])
        .assert()
        .code(2);
    tradekb()
        .args(["import", "--from", "hugo"])
        .arg(dir.path().join("missing"))
        .arg(dir.path().join("out"))
        .assert()
        .code(1);
}
