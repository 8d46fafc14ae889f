// Papers With Code 2: search, in the browser, over the site's Pagefind index (pagefind/).
// It fetches only files of this site: Pagefind's script and WebAssembly, then the index chunks
// of the words typed and the fragments of the results shown. Every string from the index is
// put into the page as text (a title such as "<img src=x onerror=…>" shows as written).
"use strict";

(function () {
  var KINDS = { paper: "Paper", task: "Task", dataset: "Dataset", method: "Method",
                benchmark: "Leaderboard", source: "Source" };
  // On a tie of how well the names match, leaderboards first: they are what people come for.
  var KIND_ORDER = { benchmark: 0, dataset: 1, task: 2, method: 3, paper: 4, source: 5 };
  // Pagefind's best results, re-ranked by name and shown; "More" shows the next ones.
  var BATCH = 40;
  var DELAY = 200;  // ms after the last key before searching

  var root = document.body.getAttribute("data-root") || "";
  var engine = null;

  var OPTIONS = { excerptLength: 24 };

  // Pagefind's index, with the further parts a large registry's is written in (listed in
  // pagefind/parts.json) merged into it.
  function pagefind() {
    if (!engine) {
      var base = new URL(root + "pagefind/", document.baseURI).href;
      engine = import(base + "pagefind.js").then(function (pf) {
        return pf.options(OPTIONS).then(function () {
          // No list (an index written before parts, a host that failed): the first part alone.
          return fetch(base + "parts.json").then(function (r) { return r.ok ? r.json() : []; })
            .catch(function () { return []; });
        }).then(function (parts) {
          // One after another: the parts' order is the order their results are merged in.
          var named = Array.isArray(parts) ? parts : [];
          return named.filter(function (p) { return /^part-[0-9]+\/$/.test(p); })
            .reduce(function (done, p) {
              return done.then(function () { return pf.mergeIndex(base + p, OPTIONS); });
            }, Promise.resolve());
        }).then(function () { return pf; });
      });
    }
    return engine;
  }

  // Lower case, accents kept, anything but letters and digits a single space.
  function fold(text) {
    return (text || "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  // How well a result's names answer the query, best first: 0 the title is the query, 1 another
  // name (alias, a leaderboard's dataset or metric) is; 2 the title starts with it, 3 another
  // name does; 4 every word typed starts a word of the title or names; 5 every word typed is a
  // word of the detail line (an author, an arXiv id: a merged part that lacks the word may offer
  // its near misses first); 6 found in the text.
  function closeness(query, data) {
    var q = fold(query);
    var title = fold(data.meta.title);
    var names = (data.meta.names || "").split(" · ").map(fold).filter(Boolean);
    // A title "BERT: Pre-training of …" names its subject before the colon.
    var colon = (data.meta.title || "").indexOf(":");
    if (colon > 0) names.push(fold(data.meta.title.slice(0, colon)));
    if (!q) return 6;
    if (title === q) return 0;
    if (names.indexOf(q) !== -1) return 1;
    if (title.indexOf(q) === 0) return 2;
    if (names.some(function (n) { return n.indexOf(q) === 0; })) return 3;
    var words = (title + " " + names.join(" ")).split(" ");
    var typed = q.split(" ");
    if (typed.every(function (t) { return words.some(function (w) { return w.indexOf(t) === 0; }); })) {
      return 4;
    }
    var detail = fold(data.meta.detail).split(" ");
    if (typed.every(function (t) { return detail.indexOf(t) !== -1; })) return 5;
    return 6;
  }

  function rerank(query, datas) {
    return datas.map(function (d, i) {
      return { data: d, key: [closeness(query, d), KIND_ORDER[d.meta.kind] || 9, i] };
    }).sort(function (a, b) {
      for (var k = 0; k < a.key.length; k++) {
        if (a.key[k] !== b.key[k]) return a.key[k] - b.key[k];
      }
      return 0;
    }).map(function (r) { return r.data; });
  }

  // Pagefind's excerpt is HTML (its text escaped, the words found in <mark>). It is parsed in an
  // inert document and only its text and <mark>s are copied, so nothing in it can become markup.
  function excerpt(html) {
    var span = document.createElement("span");
    span.className = "excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        span.appendChild(mark);
      } else {
        span.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return span;
  }

  function href(data) { return root + data.url.replace(/^\//, ""); }

  function badges(data) {
    var p = document.createElement("span");
    p.className = "badges";
    var list = [];
    try { list = JSON.parse(data.meta.badges || "[]"); } catch (e) { list = []; }
    list.forEach(function (b) {
      var a = document.createElement("a");
      a.className = "badge";
      a.href = root + "benchmarks/" + encodeURIComponent(b[1]) + ".html";
      a.textContent = "#" + b[0] + " on " + b[2];
      p.appendChild(a);
      p.appendChild(document.createTextNode(" "));
    });
    return list.length ? p : null;
  }

  function item(data, full) {
    var li = document.createElement("li");
    if (full) {
      var kind = document.createElement("span");
      kind.className = "tag";
      kind.textContent = KINDS[data.meta.kind] || data.meta.kind;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
    }
    var a = document.createElement("a");
    a.href = href(data);
    a.textContent = data.meta.title;
    li.appendChild(a);
    if (data.meta.detail) {
      var detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = " " + data.meta.detail;
      li.appendChild(detail);
    }
    if (full) {
      var marks = badges(data);
      if (marks) { li.appendChild(document.createElement("br")); li.appendChild(marks); }
      if (data.excerpt) { li.appendChild(document.createElement("br")); li.appendChild(excerpt(data.excerpt)); }
    }
    return li;
  }

  // Run a search; ``show(found, total)`` gets the first BATCH results re-ranked, and can call
  // ``found.more()`` for the next batch. A later query makes an earlier one's answer stale.
  var latest = 0;
  function run(query, filters, show, onError) {
    var ticket = ++latest;
    pagefind().then(function (pf) {
      return pf.search(query, { filters: filters || {} }).then(function (answer) {
        if (answer.results.length || !/\S{5,}/.test(query)) return answer;
        // Nothing found: forgive a slip in the last letters of a long word (Pagefind matches
        // words by their beginning, never by spelling distance).
        var shorter = query.replace(/\S{5,}/g, function (w) { return w.slice(0, Math.max(4, w.length - 2)); });
        return pf.search(shorter, { filters: filters || {} });
      });
    }).then(function (answer) {
      if (ticket !== latest) return;
      var at = 0;
      function batch() {
        var slice = answer.results.slice(at, at + BATCH);
        at += slice.length;
        return Promise.all(slice.map(function (r) { return r.data(); })).then(function (datas) {
          return ticket === latest ? rerank(query, datas) : null;
        });
      }
      batch().then(function (datas) {
        if (!datas) return;
        show({ first: datas, more: at < answer.results.length ? batch : null,
               hasMore: function () { return at < answer.results.length; } },
             answer.results.length);
      });
    }).catch(function () { if (ticket === latest && onError) onError(); });
  }

  function debounce(fn) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, DELAY); };
  }

  // The search page: results as you type, the query kept in the address (?q=).
  function searchPage() {
    var results = document.getElementById("search-results");
    if (!results) return;
    var status = document.getElementById("search-status");
    var box = document.getElementById("search-q");
    var more = document.getElementById("search-more");
    box.value = new URLSearchParams(window.location.search).get("q") || "";

    function update() {
      var query = box.value.trim();
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.href);
      more.hidden = true;
      if (!query) {
        results.textContent = "";
        status.textContent = "Type a title, an author, a task, a dataset, a metric, a model or an arXiv id.";
        return;
      }
      status.textContent = "Searching…";
      run(query, null, function (found, total) {
        results.textContent = "";
        found.first.forEach(function (d) { results.appendChild(item(d, true)); });
        status.textContent = total + " result" + (total === 1 ? "" : "s") + " for “" + query + "”.";
        more.hidden = !found.hasMore();
        more.onclick = function () {
          found.more().then(function (datas) {
            if (!datas) return;
            datas.forEach(function (d) { results.appendChild(item(d, true)); });
            more.hidden = !found.hasMore();
          });
        };
      }, function () { status.textContent = "The search index could not be loaded."; });
    }

    box.form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    box.addEventListener("input", debounce(update));
    update();
  }

  // <input data-search-kind="benchmark" data-results="#list">: live results of one kind.
  function kindSearch() {
    document.querySelectorAll("input[data-search-kind]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-results"));
      var kind = input.getAttribute("data-search-kind");
      input.addEventListener("input", debounce(function () {
        var query = input.value.trim();
        if (!query) { list.textContent = ""; return; }
        run(query, { kind: kind }, function (found) {
          list.textContent = "";
          found.first.forEach(function (d) { list.appendChild(item(d, false)); });
        });
      }));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    searchPage();
    kindSearch();
  });
})();
