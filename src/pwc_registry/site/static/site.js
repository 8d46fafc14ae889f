// Papers With Code 2: filtering tables and searching the site, in the browser.
// Everything works without this script; it fetches nothing. Search is search.js.
"use strict";

function text(node) { return (node.textContent || "").toLowerCase(); }

// <button data-copy="#id"> copies the element's text (BibTeX) to the clipboard.
function setUpCopy() {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    // Shown only where it works: it is hidden in the page, for a browser without script.
    if (!source || !navigator.clipboard) { button.hidden = true; return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
      }, function () {
        // Refused (no permission, no user gesture): the text is selected to copy by hand.
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        button.textContent = "Selected: copy it";
      });
    });
  });
}

// <input data-filter="#table-id"> hides the table's rows that do not contain every word typed.
function setUpFilters() {
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var table = document.querySelector(input.getAttribute("data-filter"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      rows.forEach(function (row) {
        var hay = text(row);
        row.hidden = !words.every(function (w) { return hay.indexOf(w) !== -1; });
      });
    });
  });
}

// --- Leaderboards ---------------------------------------------------------------------------
// The table arrives in ranked order; header buttons re-sort it by a metric (best first in the
// metric's direction, then the other way), by rank or by date (newest first). Empty cells
// always go last. The view without extra training data is a CSS checkbox: #no-extra links it.

function sortKey(cell, kind) {
  var first = cell.firstChild;
  var raw = (kind === "date" ? cell.textContent : (first && first.nodeType === 3 ? first.nodeValue : "")).trim();
  if (kind === "date") return raw || null;
  var value = parseFloat(raw);
  return isNaN(value) ? null : value;
}

function setUpLeaderboard(table) {
  var body = table.tBodies[0];
  var original = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var keys = {};  // column → each original row's key, read once
  heads.forEach(function (th, column) {
    var kind = th.getAttribute("data-sort");
    if (!kind) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var current = th.getAttribute("aria-sort");
      // Best first: ranks and lower-is-better metrics ascend; other metrics and dates descend.
      var best = kind === "rank" || th.getAttribute("data-direction") === "lower" ? "ascending" : "descending";
      var order = current ? (current === "ascending" ? "descending" : "ascending") : best;
      if (!keys[column]) keys[column] = original.map(function (row) { return sortKey(row.cells[column], kind); });
      var values = keys[column];
      var sign = order === "ascending" ? 1 : -1;
      var indexes = original.map(function (_, i) { return i; });
      indexes.sort(function (a, b) {
        var x = values[a], y = values[b];
        if (x === null || y === null) return (x === null) - (y === null) || a - b;
        return (x < y ? -sign : x > y ? sign : 0) || a - b;
      });
      var fragment = document.createDocumentFragment();
      indexes.forEach(function (i) { fragment.appendChild(original[i]); });
      body.appendChild(fragment);
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", order);
      if (kind === "rank") {  // both Rank headers (one per view) describe the same order
        heads.forEach(function (other) {
          if (other.getAttribute("data-sort") === "rank") other.setAttribute("aria-sort", order);
        });
      }
    });
  });
}

function setUpLeaderboards() {
  document.querySelectorAll("table.leaderboard").forEach(setUpLeaderboard);
  var box = document.getElementById("no-extra");
  if (!box) return;
  // The link ticks the box through the code below: without it the link would do nothing.
  var link = document.getElementById("no-extra-link");
  if (link) link.hidden = false;
  // Only #no-extra ticks the box: another fragment (the skip link's #main) leaves it as it is.
  function fromHash() { if (window.location.hash === "#no-extra") box.checked = true; }
  fromHash();
  window.addEventListener("hashchange", function () { fromHash(); setUpCharts(); });
  box.addEventListener("change", function () {
    history.replaceState(null, "", box.checked ? "#no-extra"
      : window.location.pathname + window.location.search);
    setUpCharts();  // the view's own chart was hidden, so not scrolled, until now
  });
}

// The footer's link to Downloads ("as of its last commit") shows the registry's date, which
// built.js holds: in that one file rather than in every page, so a new commit rewrites no page.
function setUpBuilt() {
  var link = document.getElementById("built");
  var date = window.pwcBuilt;
  if (!link || typeof date !== "string") return;
  var time = document.createElement("time");
  time.dateTime = date;
  time.textContent = date;
  link.textContent = "";
  link.appendChild(time);
}

// A chart wider than the screen (a phone) opens at its newest end, where the best is: scrolled
// from the left it showed only its oldest results, with nothing saying it scrolls. A hidden
// chart (the other view's) is scrolled when it is shown.
var scrolledCharts = [];
function setUpCharts() {
  document.querySelectorAll(".chart-scroll").forEach(function (box) {
    if (scrolledCharts.indexOf(box) !== -1 || box.scrollWidth <= box.clientWidth) return;
    box.scrollLeft = box.scrollWidth;
    scrolledCharts.push(box);
  });
}

document.addEventListener("DOMContentLoaded", function () {
  setUpBuilt();
  setUpFilters();
  setUpCopy();
  setUpLeaderboards();
  setUpCharts();  // after the view a link asks for (#no-extra) is shown
});
