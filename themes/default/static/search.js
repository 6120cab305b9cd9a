// Search for the default theme, on Pagefind's JS API (pagefind.js, written by `tradekb build`
// under pagefind/). On every page: `/` focuses the search box. On the search page: results
// as you type, filter chips with counts, the query and filters in the URL, arrow keys to
// move between the box and the results. Without JavaScript the header box still leads to
// the search page (a plain GET form).

const FILTERS = ["kind", "tag", "city", "year", "status"];
const SHOWN = 30;
/// How long a page opened with a query waits for the filters' data before it shows results
/// (milliseconds).
const FILTERS_WAIT = 1500;
// Chips a filter group shows before its "all" button (a chosen value is always shown):
// fewer on a phone, where they would push the results below the screen.
const CHIPS = matchMedia("(max-width: 40rem)").matches ? 4 : 8;

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, textarea, select, [contenteditable]");
  if (event.key !== "/" || typing || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const box = document.querySelector("#tkb-search-q, #tkb-site-q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});

const root = document.getElementById("tkb-search");
if (root) {
  start(root);
}

async function start(root) {
  const t = root.dataset;
  const input = document.getElementById("tkb-search-q");
  const status = document.getElementById("tkb-search-status");
  const list = document.getElementById("tkb-search-results");
  const chips = document.getElementById("tkb-search-filters");
  // A theme made before the filters folded has no fold.
  const fold = document.getElementById("tkb-search-fold");
  const more = document.getElementById("tkb-search-more");
  // The site's own fields that are filters, after the built-in ones, with their labels.
  const fields = [...root.querySelectorAll("template[data-filter-key]")];
  const labels = Object.fromEntries(fields.map((f) => [f.dataset.filterKey, f.dataset.filterLabel]));
  const groups = [...new Set([...FILTERS, ...Object.keys(labels)])];
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const chosen = {};
  for (const key of groups) {
    const values = params.getAll(key);
    if (values.length) chosen[key] = values;
  }
  // Folded on a phone, unless filters are chosen already; open where there is room, also
  // when the screen widens (a phone turned on its side), where the summary is gone.
  const wide = matchMedia("(min-width: 40rem)");
  if (fold && (wide.matches || Object.keys(chosen).length)) fold.open = true;
  wide.addEventListener("change", (e) => {
    if (fold && e.matches) fold.open = true;
  });

  status.textContent = t.tLoading;
  let pagefind;
  try {
    const bundles = t.bundles.split(" ");
    pagefind = await import(bundles[0] + "pagefind.js");
    // Results are indexed by their path from the site's root, which lives at `root`.
    // Words of the excerpt: each Chinese character is one.
    await pagefind.options({ excerptLength: 72, baseUrl: t.root });
    await pagefind.init();
    for (const bundle of bundles.slice(1)) {
      await pagefind.mergeIndex(bundle, { baseUrl: t.root });
    }
  } catch (error) {
    status.textContent = t.tFailed;
    console.warn(error);
    return;
  }
  status.textContent = "";

  let latest = 0;
  let refocus = null;
  async function run() {
    const typed = input.value.trim();
    remember(typed, chosen);
    // Only punctuation or spaces: nothing to look for but the filters.
    const query = /[\p{L}\p{N}]/u.test(typed) ? typed : "";
    const ask = ++latest;
    if (!query && !Object.keys(chosen).length) {
      list.replaceChildren();
      more.hidden = true;
      showChips(false);
      status.textContent = "";
      return;
    }
    const filters = {};
    for (const [key, values] of Object.entries(chosen)) filters[key] = { any: values };
    const found = await find(pagefind, query, filters);
    if (ask !== latest) return;
    // Results and chips appear together: chips arriving later would push the results down
    // under the reader's eyes.
    const [, counts] = await Promise.all([showMore(found, 0, ask, false), found.counts]);
    if (ask !== latest) return;
    const count = found.results.length;
    status.textContent = count ? t.tCount.replace("{n}", count) : t.tNone;
    showFilters(counts);
    more.hidden = count <= SHOWN;
    list.replaceChildren(...pending);
  }

  // The first results of a search, made but not yet shown (see `run`).
  let pending = [];

  /// The next `SHOWN` results `found` from `from`, and a button for the ones after them;
  /// the first ones are left in `pending` for `run` to show when `show` is false.
  async function showMore(found, from, ask, show = true) {
    const { results, words } = found;
    const data = await Promise.all(results.slice(from, from + SHOWN).map((r) => r.data()));
    if (ask !== latest) return;
    const cards = data.map((result) => card(result, words));
    if (!show) {
      pending = cards;
    } else if (from === 0) {
      // The first ones replace the last search's (only once they are here: no flicker).
      list.replaceChildren(...cards);
    } else {
      list.append(...cards);
    }
    if (show) more.hidden = results.length <= from + SHOWN;
    more.onclick = () => {
      const first = list.children.length;
      showMore(found, from + SHOWN, ask).then(() => {
        list.children[first]?.querySelector("a")?.focus();
      });
    };
  }

  // The groups shown in full, and the counts last shown (to redraw when one opens).
  const opened = new Set();
  let counts = {};
  function showFilters(latestCounts) {
    counts = latestCounts;
    chips.replaceChildren();
    for (const key of groups) {
      const values = Object.entries(counts[key] || {}).filter(
        ([value, n]) => n !== 0 || (chosen[key] || []).includes(value),
      );
      if (!values.length) continue;
      const group = el("div", "search-filter");
      group.setAttribute("role", "group");
      const label = el("span", "search-filter-label", labels[key] || t["t" + key[0].toUpperCase() + key.slice(1)]);
      label.id = "tkb-filter-" + key;
      group.setAttribute("aria-labelledby", label.id);
      group.append(label);
      // Years newest first; the other values by how many results they have.
      values.sort((a, b) =>
        key === "year" ? b[0].localeCompare(a[0]) : b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN"),
      );
      const all = opened.has(key);
      const shown = values.filter(([value], i) => all || i < CHIPS || (chosen[key] || []).includes(value));
      for (const [value, n] of shown) {
        const on = (chosen[key] || []).includes(value);
        const chip = el("button", "chip search-chip");
        chip.type = "button";
        chip.setAttribute("aria-pressed", on ? "true" : "false");
        chip.append(document.createTextNode(value));
        // (A count of null: too many results to count by this value; see `find`.)
        if (n !== null) chip.append(" ", el("span", "count", String(n)));
        chip.dataset.filter = key + "=" + value;
        chip.addEventListener("click", () => {
          const now = (chosen[key] || []).filter((v) => v !== value);
          if (!on) now.push(value);
          if (now.length) chosen[key] = now;
          else delete chosen[key];
          refocus = chip.dataset.filter;
          run();
        });
        group.append(chip);
      }
      if (values.length > CHIPS) group.append(toggle(key, all, values.length));
      chips.append(group);
    }
    if (Object.keys(chosen).length) {
      const clear = el("button", "search-clear", t.tClear);
      clear.type = "button";
      clear.addEventListener("click", () => {
        for (const key of Object.keys(chosen)) delete chosen[key];
        run();
      });
      chips.append(clear);
    }
    showChips(chips.childElementCount > 0);
    // The chip just toggled keeps the focus across the redraw.
    if (refocus) {
      const again = [...chips.querySelectorAll("button")].find((c) => c.dataset.filter === refocus);
      (again || input).focus();
      refocus = null;
    }
  }

  /// Shows the filter chips (and their fold), or hides them.
  function showChips(shown) {
    chips.hidden = !shown;
    if (fold) fold.hidden = !shown;
  }

  /// The button that shows a group's every value, or only its first ones again.
  function toggle(key, all, total) {
    const button = el("button", "chip search-chip-all", all ? t.tFewer : t.tAll.replace("{n}", total));
    button.type = "button";
    button.setAttribute("aria-expanded", all ? "true" : "false");
    button.dataset.filter = key + "*";
    button.addEventListener("click", () => {
      if (all) opened.delete(key);
      else opened.add(key);
      refocus = button.dataset.filter;
      showFilters(counts);
    });
    return button;
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.closest("form").addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  // Down from the box to the results, up and down between them, up from the first back.
  root.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = [...list.querySelectorAll(".card-title a")];
    const at = links.indexOf(document.activeElement);
    if (document.activeElement === input && event.key === "ArrowDown" && links.length) {
      links[0].focus();
    } else if (at >= 0) {
      const next = at + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? input : links[Math.min(next, links.length - 1)]).focus();
    } else {
      return;
    }
    event.preventDefault();
  });
  input.focus();
  // The filters' data (each search counts its results by them, for the chips; on a large
  // site hundreds of files): a page of results (a shared link, a search from the header)
  // waits for it, up to FILTERS_WAIT, so that results and chips appear once, counted by
  // every filter (chips coming later would push the results down); an empty page, or one
  // whose filters come later, searches again once they are here.
  const filters = pagefind.filters().then(() => true, () => false);
  const asked = /[\p{L}\p{N}]/u.test(input.value) || Object.keys(chosen).length > 0;
  const wait = new Promise((done) => setTimeout(() => done(false), FILTERS_WAIT));
  const ready = asked && (await Promise.race([filters, wait]));
  await run();
  if (!ready && (await filters)) run();
}


/// The articles that hold every word of `query` (see `words`) as written,
/// with `filters`: `{results, counts, words}`, the results best first, for each filter the
/// number of results with each value (a promise: for several words they take longer), and the
/// words looked for. `null` for no query lists the articles by the filters alone.
///
/// The index keeps every Chinese character as a word of its own (`tradekb build` sets them
/// apart), so Pagefind's exact search for a word spelled the same way (`"跨 境 电 商"`) finds it
/// wherever its characters stand in a row, and never an article without it. Its other search,
/// which matches any article with most of the characters anywhere, only ranks: the more of
/// them an article has, in its title above all, the higher it comes.
export async function find(pagefind, query, filters) {
  if (!query) {
    // (No sort by date here: Pagefind would leave out undated articles.)
    const search = await pagefind.search(null, { filters });
    return { results: search.results, counts: search.filters, words: [] };
  }
  const asked = words(query);
  const [ranked, ...exact] = await Promise.all([
    pagefind.search(asked.map(spell).join(" "), { filters }),
    ...asked.map((word) => pagefind.search('"' + spell(word) + '"', { filters })),
  ]);
  const score = new Map(ranked.results.map((r) => [r.id, r.score]));
  // Each word narrows the results of the one found in fewest articles.
  exact.sort((a, b) => a.results.length - b.results.length);
  const [fewest, ...others] = exact;
  const holding = others.map((s) => new Set(s.results.map((r) => r.id)));
  const results = fewest.results.filter((r) => holding.every((ids) => ids.has(r.id)));
  results.sort((a, b) => (score.get(b.id) || 0) - (score.get(a.id) || 0));
  const counts = results.length === fewest.results.length ? fewest.filters : countsOf(results, fewest.filters);
  return { results, counts, words: asked };
}

/// A query's words: its runs of letters and digits (Chinese characters are letters), with the
/// marks inside a Latin word or number that Pagefind keeps it whole across (12.5, 1,000,
/// China's, U.S.); next to a Chinese character a mark parts words.
function words(query) {
  const runs = query.toLowerCase().match(/[\p{L}\p{N}\p{M}]+(?:[.,:'’][\p{L}\p{N}\p{M}]+)*/gu) || [];
  return runs.flatMap((run) => run.split(MARK_BY_IDEOGRAPH));
}

/// A word spelled as the index keeps it: each Chinese or Japanese character (with any mark
/// that belongs to it) set apart, and the marks inside a Latin word or number left out, as
/// Pagefind leaves them out of its words (`"u.s"` would not find U.S., where `"us"` does).
function spell(word) {
  const bare = word.replace(/[.,:'’]/g, "");
  const graphemes = [...GRAPHEMES.segment(bare)];
  const spelled = graphemes.map(({ segment }) => (IDEOGRAPH.test(segment) ? ` ${segment} ` : segment));
  return spelled.join("").replace(/\s+/g, " ").trim();
}

/// The characters `tradekb build` sets apart in the index: `text::apart::IDEOGRAPHS` (a test
/// compares the two).
const IDEOGRAPHS = "\\u3041-\\u30FF\\u31F0-\\u31FF\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\uFF66-\\uFF9F\\u{20000}-\\u{323AF}";
/// A string with one of them in it.
const IDEOGRAPH = new RegExp(`[${IDEOGRAPHS}]`, "u");
/// A mark of a Latin word or number beside one of them, where it parts words.
const MARK_BY_IDEOGRAPH = new RegExp(`(?<=${IDEOGRAPH.source})[.,:'’]|[.,:'’](?=${IDEOGRAPH.source})`, "u");
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/// Results of more than one word counted by filter value from their own data, as Pagefind
/// counts only the results of one search. Past `COUNTED` results that would load too much:
/// the values are those of the word found in fewest articles, without counts.
const COUNTED = 300;
async function countsOf(results, fewest) {
  if (results.length > COUNTED) {
    const values = (group) => Object.fromEntries(Object.entries(group).map(([v, n]) => [v, n && null]));
    return Object.fromEntries(Object.entries(fewest).map(([key, group]) => [key, values(group)]));
  }
  const counts = {};
  for (const [key, group] of Object.entries(fewest)) {
    counts[key] = Object.fromEntries(Object.keys(group).map((value) => [value, 0]));
  }
  for (const data of await Promise.all(results.map((r) => r.data()))) {
    for (const [key, values] of Object.entries(data.filters || {})) {
      for (const value of values) {
        counts[key] ??= {};
        counts[key][value] = (counts[key][value] || 0) + 1;
      }
    }
  }
  return counts;
}

/// The query and filters in the URL, so that a search can be shared; a page of results is
/// no page for search engines to keep (the search page itself is).
function remember(query, chosen) {
  if ((query || Object.keys(chosen).length) && !document.querySelector('meta[name="robots"]')) {
    const robots = document.createElement("meta");
    robots.name = "robots";
    robots.content = "noindex";
    document.head.append(robots);
  }
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, values] of Object.entries(chosen)) {
    for (const v of values) params.append(key, v);
  }
  const search = params.toString();
  history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
}

function card(result, words) {
  const m = result.meta || {};
  const item = document.createElement("li");
  const article = el("article", "card");
  const title = el("h2", "card-title");
  const link = el("a", "", m.title || result.url);
  link.href = result.url;
  title.append(link);
  const meta = el("p", "card-meta");
  const kindClass = (m.kind_key || "").replace(/\s/g, "");
  if (m.kind) meta.append(el("span", "badge kind" + (kindClass ? " kind-" + kindClass : ""), m.kind));
  if (m.date) meta.append(el("span", "card-date", m.date));
  const excerpt = el("p", "card-summary");
  excerpt.append(...excerptOf(result, words));
  article.append(title, meta, excerpt);
  item.append(article);
  return item;
}

/// A result's excerpt: the text around its first match, with every word of the query in it
/// highlighted (Pagefind marks those of one), and nothing else of any HTML in it (parsed
/// inertly, then rebuilt from text, so no markup or script of an article runs here). The
/// title, which leads the indexed text, is left out (the card shows it above), and "…" marks
/// where the excerpt cuts the article's text.
function excerptOf(result, words) {
  const m = result.meta || {};
  if (!result.excerpt) return [document.createTextNode(m.summary || "")];
  const plain = (text) => text.replace(/[\s\u200B]/g, "");
  let chars = parsed(result.excerpt);
  let content = plain(result.content || "");
  const title = plain(m.title || "");
  if (title && content.startsWith(title)) {
    content = content.slice(title.length).replace(/^\./, "");
    if (plain(chars.map((x) => x.c).join("")).startsWith(title)) chars = withoutTitle(chars, title);
  }
  const shown = plain(chars.map((x) => x.c).join(""));
  if (!shown) return [document.createTextNode(m.summary || "")];
  const edge = Math.min(shown.length, 12);
  if (!content.startsWith(shown.slice(0, edge))) chars.unshift({ c: "…", mark: false });
  if (!content.endsWith(shown.slice(-edge))) chars.push({ c: "…", mark: false });
  return nodes(highlighted(readable(chars), words));
}

/// `chars` with every occurrence of each of `words` highlighted.
function highlighted(chars, words) {
  const text = chars.map((x) => x.c.toLowerCase()).join("");
  // (Lower case keeps a character one code unit here, as it does in Pagefind's words.)
  if (text.length !== chars.length) return chars;
  for (const word of words) {
    for (let at = text.indexOf(word); word && at >= 0; at = text.indexOf(word, at + word.length)) {
      for (let i = at; i < at + word.length; i++) chars[i] = { ...chars[i], mark: true };
    }
  }
  return chars;
}

/// The characters of Pagefind's excerpt HTML, each with whether it is highlighted.
function parsed(html) {
  const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
  const chars = [];
  for (const node of doc.body.childNodes) {
    const mark = node.nodeName === "MARK";
    for (const c of node.textContent.replace(/\u200B/g, "")) chars.push({ c, mark });
  }
  return chars;
}

/// `chars` without a leading `title` (spaces aside) and the ". " Pagefind puts after it.
function withoutTitle(chars, title) {
  let left = [...title].length;
  let i = 0;
  for (; i < chars.length && left > 0; i++) if (!/\s/.test(chars[i].c)) left--;
  if (left > 0) return chars;
  while (i < chars.length && /[\s.]/.test(chars[i].c)) i++;
  return chars.slice(i);
}

/// The characters read as Chinese: no space is left next to a Chinese character or
/// punctuation mark (the index keeps the characters apart, from each other and from Latin
/// words and numbers: 2014 年; and Pagefind puts a space after every block), and a Chinese full
/// stop takes the ". " Pagefind puts after every heading or cell without punctuation.
function readable(chars) {
  const kept = [];
  chars.forEach(({ c, mark }, i) => {
    const last = kept[kept.length - 1];
    const next = chars.slice(i + 1).find((n) => !/\s/.test(n.c));
    if (/\s/.test(c)) {
      if (last && next && !/\s/.test(last.c) && !CHINESE.test(last.c) && !CHINESE.test(next.c)) {
        kept.push({ c: " ", mark: mark && last.mark && next.mark });
      }
    } else if (c === "." && (!next || /\s/.test(chars[i + 1]?.c ?? " ")) && (!last || CLOSING.test(last.c))) {
      if (last) kept.push({ c: "。", mark: false });
    } else {
      kept.push({ c, mark });
    }
  });
  return kept;
}

/// Text and highlight nodes of `chars`: the characters of a matched word side by side are one
/// highlight (跨境电商, not 跨 境 电 商).
function nodes(chars) {
  const out = [];
  for (const { c, mark } of chars) {
    const last = out[out.length - 1];
    if (last && (last.nodeName === "MARK") === mark) last.textContent += c;
    else out.push(mark ? el("mark", "", c) : document.createTextNode(c));
  }
  return out;
}

/// Chinese characters and punctuation (no space next to them); those a Pagefind ". " after
/// them turns into a full stop.
const CHINESE = new RegExp(`[${IDEOGRAPHS}\\u3000-\\u303F\\uFF00-\\uFFEF“”‘’]`, "u");
const CLOSING = /[\p{Script=Han}」』）】》”]/u;

function el(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
