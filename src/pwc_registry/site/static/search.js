// Papers With Code 2: search, in the browser, over the site's Pagefind index (pagefind/).
// It fetches only files of this site: Pagefind's script and WebAssembly, then the index chunks
// of the words typed and the fragments of the results shown; and, from search/, the one file of
// names and (when nothing is found) of words that begin as the query does (site/search.py). Every string from the index is
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

  // --- names and words looked up in search/ ---------------------------------------------
  var LOOKUP = "search/";
  var lookups = {};

  function fetchJson(path, fallback) {
    if (!(path in lookups)) {
      lookups[path] = fetch(new URL(root + LOOKUP + path, document.baseURI).href)
        .then(function (r) { return r.ok ? r.json() : fallback; })
        .catch(function () { return fallback; });
    }
    return lookups[path];
  }

  // The prefix of ``text`` (folded) whose file holds the names or words beginning as it does,
  // found by walking shards.json: each prefix split into longer ones ("" for the first
  // letters) says whether a file holds the entries that are the prefix itself, and which
  // letters follow it. ``file``: that prefix's letters, or null when nothing begins so (no
  // file to ask for); ``split``: whether ``text`` itself is split (many entries begin so).
  function prefixOf(folder, text) {
    return fetchJson("shards.json", {}).then(function (shards) {
      var tree = shards && typeof shards[folder] === "object" && shards[folder] ? shards[folder]
        : {};
      var has = Object.prototype.hasOwnProperty;
      var letters = Array.from(text), prefix = "", n = 0;
      for (;;) {
        if (!has.call(tree, prefix)) return { file: letters.slice(0, n), split: false };
        var node = Array.isArray(tree[prefix]) ? tree[prefix] : [0, ""];
        if (n === letters.length) {
          return { file: node[0] ? letters.slice(0, n) : null, split: true };
        }
        if (Array.from(String(node[1])).indexOf(letters[n]) === -1) {
          return { file: null, split: false };
        }
        prefix += letters[n];
        n++;
      }
    });
  }

  // The entries of that file, named by its letters' code points ("qu" → 71-75.json).
  function shard(folder, text) {
    return prefixOf(folder, text).then(function (prefix) {
      if (!prefix.file || !prefix.file.length) return { entries: [], split: prefix.split };
      var file = prefix.file.map(function (c) { return c.codePointAt(0).toString(16); });
      return fetchJson(folder + "/" + file.join("-") + ".json", []).then(function (entries) {
        return { entries: Array.isArray(entries) ? entries : [], split: prefix.split };
      });
    });
  }

  // The tasks, datasets, methods and leaderboards one of whose names (a metric's, for the
  // leaderboards it ranks) begins with the query, as Pagefind's results look. An entry is
  // [kind, page, title, detail, weight, the alias or metric name filed, or "" for the title].
  function named(query, kind) {
    var q = fold(query);
    if (Array.from(q).length < 2) return Promise.resolve([]);
    return shard("names", q).then(function (found) {
      return found.entries.filter(function (e) {
        return Array.isArray(e) && fold(String(e[5] || e[2])).indexOf(q) === 0 &&
          (!kind || e[0] === kind);
      }).map(function (e) {
        return { url: "/" + String(e[1]), excerpt: "", weight: Number(e[4]) || 0,
                 meta: { kind: String(e[0]), title: String(e[2]), detail: String(e[3] || ""),
                         names: String(e[5] || "") } };
      });
    });
  }

  // Edits (a letter added, dropped, changed, or two swapped) from a to b; limit + 1 if more.
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var before = null, row = [], i, j;
    for (j = 0; j <= b.length; j++) row.push(j);
    for (i = 1; i <= a.length; i++) {
      var next = [i], least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + cost);
        if (before && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, before[j - 2] + 1);
        }
        next.push(d);
        least = Math.min(least, d);
      }
      if (least > limit) return limit + 1;
      before = row;
      row = next;
    }
    return row[b.length];
  }

  // Longer typed words are not corrected, and at most so many words are held against one
  // (the commonest first): a word file made of thousands of long look-alikes stays cheap.
  var LONGEST = 24, COMPARED = 10000;

  // The query with each word of four letters or more (no digit) that no record of the index
  // holds, nor begins (Pagefind matches words by their beginning), replaced by the commonest
  // word within one edit (two from eight letters); the last word may be unfinished, so it is
  // also held against words' beginnings. Null if no word is replaced. The words files list
  // every word Pagefind indexed, so a word is known without asking Pagefind, which would
  // answer a word it does not know with its stem elsewhere ("transfomer": "TransferTransfo")
  // or leave it out and answer the others ("qestion answering": every page saying "answer").
  function corrected(query) {
    var typed = fold(query).split(" ");
    return Promise.all(typed.map(function (w, at) {
      if (w.length < 4 || w.length > LONGEST || /\p{N}/u.test(w)) return w;
      var last = at === typed.length - 1;
      return shard("words", w).then(function (found) {
        var vocabulary = found.entries.slice(0, COMPARED);
        var known = found.split || found.entries.some(function (v) {
          return typeof v === "string" && v.indexOf(w) === 0;
        });
        if (known) return w;
        var limit = w.length >= 8 ? 2 : 1, best = w, least = limit + 1;
        vocabulary.forEach(function (v) {
          if (typeof v !== "string" || v.length > LONGEST + limit) return;
          var d = distance(w, v, limit);
          if (last) {
            for (var n = w.length - 1; n <= w.length + 1; n++) {
              if (n < v.length) d = Math.min(d, distance(w, v.slice(0, n), limit));
            }
          }
          if (d < least) { best = v; least = d; }  // the commonest of the nearest
        });
        return best;
      });
    })).then(function (words) {
      var fixed = words.join(" ");
      return fixed !== typed.join(" ") ? fixed : null;
    });
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

  // Best first; on a tie, a name with more leaderboards or results (looked up in search/), then
  // Pagefind's order. ``shown`` (urls) are left out, and each url is shown once.
  function rerank(query, datas, shown) {
    return datas.map(function (d, i) {
      return { data: d, key: [closeness(query, d), KIND_ORDER[d.meta.kind] || 9,
                              -(d.weight || 0), i] };
    }).sort(function (a, b) {
      for (var k = 0; k < a.key.length; k++) {
        if (a.key[k] !== b.key[k]) return a.key[k] - b.key[k];
      }
      return 0;
    }).map(function (r) { return r.data; }).filter(function (d) {
      if (shown[d.url]) return false;
      shown[d.url] = true;
      return true;
    });
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
    // A window into a list of names ("… · Accuracy · F1") starts or ends at a separator.
    var first = span.firstChild, last = span.lastChild;
    if (first && first.nodeType === 3) first.textContent = first.textContent.replace(/^[\s·]+/, "");
    if (last && last.nodeType === 3) last.textContent = last.textContent.replace(/[\s·]+$/, "");
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

  // Run a search; ``show(found, total, searched)`` gets the first BATCH results re-ranked (the
  // names that begin as the query does among them), and can call ``found.more()`` for the next
  // batch. ``searched`` is what was searched instead of the query as typed: its spelling
  // corrected, or, when it found nothing, long words' last letters dropped. A later query
  // makes an earlier one stale.
  var latest = 0;
  // An arXiv page's address, pasted with or without its scheme: its id is what the index
  // holds ("arxiv.org/abs/2211.05344" found 349 results, LERT not among the first).
  var ARXIV_PAGE = /^(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/([^?#\s]+?)(?:v[0-9]+)?(?:\.pdf)?\/?(?:[?#]\S*)?$/i;
  function run(query, filters, show, onError) {
    var ticket = ++latest;
    var page = ARXIV_PAGE.exec(query.trim());
    if (page) query = page[1];
    function attempt(text) {
      return pagefind().then(function (pf) {
        return Promise.all([pf.search(text, { filters: filters || {} }),
                            named(text, filters && filters.kind)]);
      }).then(function (both) {
        var found = both[0].results.length || both[1].length;
        return found ? { text: text, answer: both[0], names: both[1] } : null;
      });
    }
    function shortened() {
      // Pagefind matches words by their beginning: a slip in the last letters of a long word
      // (an author, a model no list of words holds) is forgiven by dropping them.
      if (!/\S{5,}/.test(query)) return null;
      return attempt(query.replace(/\S{5,}/g, function (w) {
        return w.slice(0, Math.max(4, w.length - 2));
      }));
    }
    Promise.all([attempt(query), corrected(query)]).then(function (both) {
      var found = both[0], fixed = both[1];
      return (fixed ? attempt(fixed) : Promise.resolve(null)).then(function (better) {
        return better || found || shortened();
      });
    }).then(function (found) {
      if (ticket !== latest) return;
      var answer = found ? found.answer : { results: [] };
      var text = found ? found.text : query;
      var shown = {};
      var at = 0;
      function batch(extra) {
        var slice = answer.results.slice(at, at + BATCH);
        at += slice.length;
        return Promise.all(slice.map(function (r) { return r.data(); })).then(function (datas) {
          return ticket === latest ? rerank(text, (extra || []).concat(datas), shown) : null;
        });
      }
      // The best names; any others are among Pagefind's later results.
      var names = found ? rerank(text, found.names, {}).slice(0, BATCH) : [];
      batch(names).then(function (datas) {
        if (!datas) return;
        show({ first: datas,
               more: at < answer.results.length ? function () { return batch(); } : null,
               hasMore: function () { return at < answer.results.length; } },
             Math.max(answer.results.length, names.length), text === query ? null : text);
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
      run(query, null, function (found, total, searched) {
        results.textContent = "";
        found.first.forEach(function (d) { results.appendChild(item(d, true)); });
        status.textContent = total + " result" + (total === 1 ? "" : "s") + " for “" +
          (searched || query) + "”" + (searched ? " (searched instead of “" + query + "”)." : ".");
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
