// tradekb serve: keeps this page up to date while its sources are edited. Served pages
// only; `tradekb build` never writes it.
(function () {
  var cfg = window.__tradekb;
  var here = decodeURIComponent(location.pathname).replace(/index\.html$/, "");
  var scrollKey = "tradekb-scroll:" + here;
  // The scroll position to go back to after a reload, until it is restored: a reload that
  // comes before the page has loaded keeps it rather than saving the top of the page.
  var pending = sessionStorage.getItem(scrollKey);
  if (pending !== null) {
    sessionStorage.removeItem(scrollKey);
    history.scrollRestoration = "manual";
    window.addEventListener("load", function () {
      window.scrollTo(0, Number(pending));
      pending = null;
    });
  }

  function reload() {
    var y = pending !== null ? pending : window.scrollY;
    sessionStorage.setItem(scrollKey, String(y));
    location.reload();
  }

  function swapStyles(urls) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var path = decodeURIComponent(new URL(link.href).pathname);
      if (urls.indexOf(path) >= 0) {
        var fresh = link.cloneNode();
        fresh.href = path + "?v=" + Date.now();
        fresh.onload = function () { link.remove(); };
        link.after(fresh);
      }
    });
  }

  function showOverlay(report) {
    var box = document.getElementById("tkb-serve-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "tkb-serve-overlay";
      box.setAttribute("role", "alertdialog");
      // In the page's language where it is Chinese; the report itself is the terminal's.
      var zh = /^zh\b/i.test(document.documentElement.lang);
      box.setAttribute("aria-label", zh ? "tradekb：网站无法构建" : "tradekb: the site does not build");
      // Every property the site's own styles might set is set here, so the overlay reads the
      // same on any theme, light or dark.
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;" +
        "background:#18181b;color:#f4f4f5;padding:1.5rem;text-align:left;" +
        "font:14px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,'Noto Sans Mono CJK SC',monospace";
      var title = document.createElement("p");
      title.textContent = zh
        ? "tradekb serve：最近一次修改使网站无法构建。仍在提供上一个完好的版本；改好文件后，此提示会自动消失。"
        : "tradekb serve: the last change broke the site. The last good version " +
          "is still served; fix the file and this goes away.";
      title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;padding:1rem;white-space:pre;overflow:auto;" +
        "background:#09090b;color:#f4f4f5;border:1px solid #3f3f46;border-radius:6px;" +
        "font:inherit;max-width:none;box-shadow:none";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = report;
  }

  function hideOverlay() {
    var box = document.getElementById("tkb-serve-overlay");
    if (box) box.remove();
  }

  var events = new EventSource(cfg.events);
  events.onmessage = function (e) {
    var news = JSON.parse(e.data);
    if (news.kind === "reload") {
      reload();
    } else if (news.kind === "broken") {
      showOverlay(news.report);
    } else if (news.kind === "fixed") {
      hideOverlay();
    } else if (news.kind === "indexed") {
      // A page that searches (it loaded a file of the index) searches the new index.
      var searched = performance.getEntriesByType("resource").some(function (r) {
        return decodeURIComponent(new URL(r.name).pathname).indexOf(news.folder) === 0;
      });
      if (searched) reload();
    } else if (news.kind === "changed") {
      if (news.styles_only) {
        swapStyles(news.urls);
      } else if (news.urls.some(function (u) { return u === here || !/(\/|\.(html|xml|txt|json))$/.test(u); })) {
        reload();
      }
    }
  };
})();
