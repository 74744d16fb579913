/* paperkb: hover previews of notes, and notes tables that sort, filter and stack on phones.

   Previews. Hovering (or focusing) a link to a note — a [[wikilink]], a Cites / Cited by entry,
   an [@key] citation, a title in an index table, or anywhere on that table's row — shows the
   note's card and its Problem, read from the note's own page (fetched once, same site only).
   mkdocs-material's instant previews (navigation.instant.preview) show only the heading a link
   points to and the text under it up to the next heading: a note page's card sits under its
   <h1> inside the card box and Problem under the next <h2>, and table rows are no links; hence
   this small script. The link's `title` (title, year, venue) is what readers without scripts see.

   Tables. Every notes table (data-pkb-table="notes") gets a filter box and header buttons that
   sort by the column (numbers as numbers, text in the reader's collation). */
(function () {
  "use strict";

  var DELAY = 250; // ms of hovering before a preview shows
  var pages = new Map(); // URL without hash -> Promise of {card, problem} or null (no note there)
  var tip = null, timer = null, current = null;

  function notePreview(url) {
    if (!pages.has(url)) {
      pages.set(url, fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) return null;
        return response.text().then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          var card = doc.querySelector("article .pkb-card");
          if (!card) return null;
          var problem = doc.getElementById("problem");
          var paragraph = problem && problem.nextElementSibling;
          return { card: card, problem: paragraph && paragraph.tagName === "P" ? paragraph : null, base: url };
        });
      }).catch(function () { return null; }));
    }
    return pages.get(url);
  }

  // Links inside fetched HTML point from the previewed page: make them absolute.
  function rebase(node, base) {
    node.querySelectorAll("[href]").forEach(function (a) {
      try { a.setAttribute("href", new URL(a.getAttribute("href"), base).href); } catch (e) { a.removeAttribute("href"); }
    });
    node.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    return node;
  }

  function noteUrl(link) {
    if (!link || !link.href || link.target === "_blank") return null;
    var url;
    try { url = new URL(link.href, window.location.href); } catch (e) { return null; }
    if (url.origin !== window.location.origin || !/^https?:$/.test(url.protocol)) return null;
    url.hash = "";
    if (url.href === window.location.href.split("#")[0]) return null;
    if (/\.(xml|json|bib|pdf|png|jpe?g|svg|zip)$/i.test(url.pathname)) return null;
    return url.href;
  }

  function target(event) {
    var node = event.target;
    if (!node || !node.closest) return null;
    if (node.closest(".pkb-preview, .md-header, .md-nav, .md-footer, .md-search, .md-tabs, .pkb-card__links")) return null;
    var link = node.closest("article a[href]");
    var row = node.closest("table[data-pkb-table] tr[data-pkb-key]");
    if (!link && row) link = row.querySelector("a[href]");
    if (!link || link.closest(".headerlink, .md-tag, .pkb-card__byline, .pkb-card__badges")) return null;
    if (link.classList.contains("footnote-ref") || link.classList.contains("footnote-backref")) return null;
    return { link: link, anchor: row || link };
  }

  function hide() {
    clearTimeout(timer);
    current = null;
    if (tip) tip.hidden = true;
  }

  function place(anchor) {
    var box = anchor.getBoundingClientRect();
    var width = Math.min(420, document.documentElement.clientWidth - 16);
    tip.style.width = width + "px";
    var left = Math.min(Math.max(8, box.left), document.documentElement.clientWidth - width - 8);
    var below = box.bottom + 8;
    tip.style.left = left + window.scrollX + "px";
    var height = tip.offsetHeight;
    var top = below + height > window.innerHeight && box.top - height - 8 > 0 ? box.top - height - 8 : below;
    tip.style.top = top + window.scrollY + "px";
  }

  function show(found) {
    var url = noteUrl(found.link);
    if (!url) return;
    current = found.anchor;
    notePreview(url).then(function (preview) {
      if (!preview || current !== found.anchor) return;
      if (!tip) {
        tip = document.createElement("div");
        tip.className = "pkb-preview md-typeset";
        tip.setAttribute("role", "tooltip");
        tip.addEventListener("mouseleave", hide);
        document.body.appendChild(tip);
      }
      tip.textContent = "";
      tip.appendChild(rebase(preview.card.cloneNode(true), preview.base));
      if (preview.problem) {
        var section = document.createElement("div");
        section.className = "pkb-preview__problem";
        var label = document.createElement("strong");
        label.textContent = "Problem. ";
        var text = rebase(preview.problem.cloneNode(true), preview.base);
        text.insertBefore(label, text.firstChild);
        section.appendChild(text);
        tip.appendChild(section);
      }
      // The browser's own tooltip (the link's title) would cover the preview.
      if (found.link.hasAttribute("title")) {
        found.link.setAttribute("data-pkb-title", found.link.getAttribute("title"));
        found.link.removeAttribute("title");
      }
      tip.hidden = false;
      place(found.anchor);
      if (window.paperkbTypeset) window.paperkbTypeset(tip);
    });
  }

  document.addEventListener("mouseover", function (event) {
    var found = target(event);
    if (!found) {
      if (tip && !tip.hidden && !(event.target.closest && event.target.closest(".pkb-preview"))) hide();
      return;
    }
    if (found.anchor === current) return;
    clearTimeout(timer);
    timer = setTimeout(function () { show(found); }, DELAY);
  });
  document.addEventListener("focusin", function (event) {
    var found = target(event);
    if (found) { clearTimeout(timer); timer = setTimeout(function () { show(found); }, DELAY); }
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
  window.addEventListener("scroll", function () { if (tip && !tip.hidden && current) place(current); }, { passive: true });

  // -- notes tables: sort and filter ------------------------------------------------------------
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function sortBy(table, index, button) {
    var body = table.tBodies[0];
    var header = button.closest("th");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) { var v = cellValue(r, index); return v === "" || !isNaN(+v); });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x === "" || y === "") return x === y ? 0 : (x === "" ? 1 : -1); // empty cells last
      var order = numeric ? (+x) - (+y) : collator.compare(x, y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function enhanceTable(table) {
    if (table.hasAttribute("data-pkb-enhanced") || !table.tHead || !table.tBodies[0]) return;
    table.setAttribute("data-pkb-enhanced", "");
    table.querySelectorAll("thead th").forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pkb-sort";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent.toLowerCase();
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
    var rows = table.tBodies[0].rows;
    if (rows.length < 2) return;
    var wrap = table.closest(".pkb-table") || table;
    var bar = document.createElement("div");
    bar.className = "pkb-table-filter";
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = "Filter " + rows.length + " notes";
    box.setAttribute("aria-label", "Filter the notes in this table");
    var count = document.createElement("span");
    count.className = "pkb-table-filter__count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(box);
    bar.appendChild(count);
    wrap.parentNode.insertBefore(bar, wrap);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !match;
        if (match) shown++;
      });
      count.textContent = words.length ? shown + " of " + rows.length : "";
    });
  }

  function enhance() {
    document.querySelectorAll('table[data-pkb-table="notes"]').forEach(enhanceTable);
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(enhance);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
