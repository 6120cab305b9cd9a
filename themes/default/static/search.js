// Search for the default theme, on Pagefind's JS API (pagefind.js, written by `tradekb build`
// under pagefind/). On every page: `/` focuses the search box. On the search page: results
// as you type, filter chips with counts, the query and filters in the URL, arrow keys to
// move between the box and the results. Without JavaScript the header box still leads to
// the search page (a plain GET form).

const FILTERS = ["kind", "tag", "city", "year", "status"];
const SHOWN = 30;
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

  status.textContent = t.tLoading;
  let pagefind;
  try {
    const bundles = t.bundles.split(" ");
    pagefind = await import(bundles[0] + "pagefind.js");
    // Results are indexed by their path from the site's root, which lives at `root`.
    await pagefind.options({ excerptLength: 40, baseUrl: t.root });
    await pagefind.init();
    for (const bundle of bundles.slice(1)) {
      await pagefind.mergeIndex(bundle, { baseUrl: t.root });
    }
    // The filters' data (each search counts its results by them, for the chips) waits for
    // the first results unless the URL chose filters: on a large site it is hundreds of files.
    if (Object.keys(chosen).length) await pagefind.filters();
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
      chips.hidden = true;
      status.textContent = "";
      return;
    }
    const filters = {};
    for (const [key, values] of Object.entries(chosen)) filters[key] = { any: values };
    // (No sort by date for a filter-only search: Pagefind would leave out undated articles.)
    const search = await pagefind.search(query || null, { filters });
    if (ask !== latest || !search) return;
    await showMore(search.results, 0, ask);
    if (ask !== latest) return;
    const count = search.results.length;
    status.textContent = count ? t.tCount.replace("{n}", count) : t.tNone;
    showFilters(search.filters);
  }

  /// The next `SHOWN` results from `from`, and a button for the ones after them.
  async function showMore(results, from, ask) {
    const data = await Promise.all(results.slice(from, from + SHOWN).map((r) => r.data()));
    if (ask !== latest) return;
    // The first ones replace the last search's (only once they are here: no flicker).
    if (from === 0) list.replaceChildren(...data.map(card));
    else list.append(...data.map(card));
    more.hidden = results.length <= from + SHOWN;
    more.onclick = () => {
      const first = list.children.length;
      showMore(results, from + SHOWN, ask).then(() => {
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
        ([value, n]) => n > 0 || (chosen[key] || []).includes(value),
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
        chip.append(document.createTextNode(value + " "), el("span", "count", String(n)));
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
    chips.hidden = !chips.childElementCount;
    // The chip just toggled keeps the focus across the redraw.
    if (refocus) {
      const again = [...chips.querySelectorAll("button")].find((c) => c.dataset.filter === refocus);
      (again || input).focus();
      refocus = null;
    }
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
  await run();
  if (!Object.keys(chosen).length) {
    await pagefind.filters();
    run();
  }
}

/// The query and filters in the URL, so that a search can be shared.
function remember(query, chosen) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [key, values] of Object.entries(chosen)) {
    for (const v of values) params.append(key, v);
  }
  const search = params.toString();
  history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
}

function card(result) {
  const m = result.meta || {};
  const item = document.createElement("li");
  const article = el("article", "card");
  const title = el("h2", "card-title");
  const link = el("a", "", m.title || result.url);
  link.href = result.url;
  title.append(link);
  const meta = el("p", "card-meta");
  if (m.kind) meta.append(el("span", "badge kind", m.kind));
  if (m.date) meta.append(el("span", "card-date", m.date));
  const excerpt = el("p", "card-summary");
  excerpt.append(...marked(chinesePunctuation(result.excerpt || m.summary || "")));
  article.append(title, meta, excerpt);
  item.append(article);
  return item;
}

/// Pagefind ends every heading and other block without punctuation with ". " and puts a space
/// after every block: between Chinese words that reads as a stray full stop and a gap. Here a
/// Chinese full stop takes the ". " (none at the start), and no space is left between Chinese
/// characters and punctuation (《》“” included).
function chinesePunctuation(html) {
  const cjk = "[\\p{Script=Han}\\u3000-\\u303F\\uFF00-\\uFFEF“”‘’]";
  return html
    .replace(/^\. /, "")
    .replace(/(\p{Script=Han}|[」』）】》”])(<\/mark>)?\. /gu, "$1$2。")
    .replace(new RegExp(`(${cjk})(</mark>)?\\s+(?=(<mark>)?${cjk})`, "gu"), "$1$2");
}

/// The excerpt's text with its `<mark>`s (those side by side made one), and nothing else of
/// any HTML in it: parsed inertly, then rebuilt from text nodes, so no markup or script of an
/// article runs here.
function marked(html) {
  const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
  const out = [];
  for (const node of doc.body.childNodes) {
    const last = out[out.length - 1];
    // Pagefind marks each word it matched: the words of a Chinese term (跨 境 电 商) are
    // one highlight, not a row of them.
    if (node.nodeName === "MARK" && last?.nodeName === "MARK") last.textContent += node.textContent;
    else if (node.nodeName === "MARK") out.push(el("mark", "", node.textContent));
    else out.push(document.createTextNode(node.textContent));
  }
  return out;
}

function el(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
