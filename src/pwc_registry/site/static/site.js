// Papers With Code 2: filtering tables and searching the site, in the browser.
// Everything works without this script; it fetches nothing. Search is search.js.
"use strict";

function text(node) { return (node.textContent || "").toLowerCase(); }

// <button data-copy="#id"> copies the element's text (BibTeX) to the clipboard.
function setUpCopy() {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
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

document.addEventListener("DOMContentLoaded", function () {
  setUpFilters();
  setUpCopy();
});
