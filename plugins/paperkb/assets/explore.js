/* paperkb Explore page: every note in one table, filtered by facets and free text and sorted by
 * column, drawn from the compact site data (assets/paperkb/notes.json, render/site_data.py).
 *
 * The page already holds a static table of the newest notes; this script replaces its rows with
 * the filtered and sorted ones, PAGE rows at a time ("Show more"), and keeps the choices in the
 * address (?q=...&field=...&sort=...) so a view can be shared. Every value goes into the page as
 * text (textContent), never as HTML. */
(function () {
  "use strict";
  const PAGE = 200;
  const SINGLE = new Set(["venue", "type", "level"]);
  const DESCENDING_FIRST = new Set(["year", "cited_by"]);
  // One collator for every comparison: String.localeCompare with options builds one per call
  // (a title sort of 10,000 notes took a second).
  const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

  function labels(note, data, name) {
    if (name === "year") return note.year == null ? [] : [String(note.year)];
    const value = note[name];
    if (value == null) return [];
    return (SINGLE.has(name) ? [value] : value).map((i) => data.facets[name][i]);
  }

  function start(root, data, dataUrl) {
    const siteRoot = new URL("../../", dataUrl);
    const form = root.querySelector(".pkb-explore__controls");
    const text = form.querySelector("input[name=q]");
    const selects = [...form.querySelectorAll("select[data-facet]")];
    const tbody = root.querySelector("tbody");
    const status = root.querySelector(".pkb-explore__status");
    const more = root.querySelector(".pkb-explore__more");
    const capped = root.querySelector(".pkb-explore__capped");
    const headers = [...root.querySelectorAll("th[data-sort]")];
    const names = selects.map((s) => s.dataset.facet);
    const rows = data.notes.map((note, order) => {
      const values = Object.fromEntries(names.map((name) => [name, labels(note, data, name)]));
      const haystack = [note.title, note.authors, note.key, note.problem, ...Object.values(values).flat()]
        .filter(Boolean).join(" ").toLowerCase();
      return { note, values, haystack, order };
    });
    let limit = PAGE;
    let sort = null;  // {key, dir}

    // Options: every value with its number of notes.
    for (const select of selects) {
      const name = select.dataset.facet;
      const counts = new Map();
      for (const row of rows) for (const v of row.values[name]) counts.set(v, (counts.get(v) || 0) + 1);
      const values = [...counts.keys()];
      if (name === "year") values.sort((a, b) => Number(b) - Number(a));
      else values.sort(collator.compare);
      for (const v of values) {
        const option = document.createElement("option");
        option.value = v;
        option.textContent = `${v} (${counts.get(v)})`;
        select.append(option);
      }
      select.closest("label").hidden = values.length === 0;
    }
    for (const th of headers) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pkb-explore__sort";
      button.textContent = th.textContent;
      th.replaceChildren(button);
      button.addEventListener("click", () => {
        const key = th.dataset.sort;
        const first = DESCENDING_FIRST.has(key) ? "desc" : "asc";
        sort = sort && sort.key === key ? { key, dir: sort.dir === "asc" ? "desc" : "asc" } : { key, dir: first };
        limit = PAGE;
        update(true);
      });
    }

    // The address holds the view: ?q=...&field=...&sort=year-desc
    const params = new URLSearchParams(location.search);
    text.value = params.get("q") || "";
    for (const select of selects) select.value = params.get(select.dataset.facet) || "";
    const sortParam = (params.get("sort") || "").match(/^(\w+)-(asc|desc)$/);
    if (sortParam && headers.some((th) => th.dataset.sort === sortParam[1])) sort = { key: sortParam[1], dir: sortParam[2] };

    function compare(a, b) {
      if (!sort) return a.order - b.order;
      const { key, dir } = sort;
      const sign = dir === "asc" ? 1 : -1;
      let x, y;
      if (key === "title") { x = a.note.title; y = b.note.title; }
      else if (key === "venue") { x = a.values.venue[0]; y = b.values.venue[0]; }
      else if (key === "year") { x = a.note.year; y = b.note.year; }
      else { x = a.note[key] || 0; y = b.note[key] || 0; }
      if (x == null && y == null) return a.order - b.order;
      if (x == null) return 1;  // notes without a value go last either way
      if (y == null) return -1;
      const c = typeof x === "number" ? x - y : collator.compare(String(x), String(y));
      return c ? sign * c : a.order - b.order;
    }

    function cell(name, content) {
      const td = document.createElement("td");
      td.dataset.col = name;
      if (typeof content === "string") td.textContent = content;
      else td.append(...content);
      return td;
    }

    function row({ note, values }) {
      const tr = document.createElement("tr");
      tr.dataset.pkbKey = note.key;
      const link = document.createElement("a");
      link.href = new URL(note.url, siteRoot).href;
      link.textContent = note.title;
      const title = [link];
      if (note.authors) {
        const span = document.createElement("span");
        span.className = "pkb-explore__authors";
        span.textContent = note.authors;
        title.push(span);
      }
      tr.append(cell("year", note.year == null ? "" : String(note.year)), cell("title", title),
        cell("venue", values.venue.join(", ")), cell("field", values.field.join(", ")),
        cell("type", values.type.join(", ")), cell("level", values.level.join(", ")),
        cell("cited_by", String(note.cited_by || 0)));
      return tr;
    }

    function update(writeAddress) {
      const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      const chosen = selects.filter((s) => s.value).map((s) => [s.dataset.facet, s.value]);
      const found = rows.filter((r) => words.every((w) => r.haystack.includes(w)) &&
        chosen.every(([name, value]) => r.values[name].includes(value)));
      found.sort(compare);
      const fragment = document.createDocumentFragment();
      for (const r of found.slice(0, limit)) fragment.append(row(r));
      tbody.replaceChildren(fragment);
      const shown = Math.min(limit, found.length);
      status.textContent = found.length === rows.length
        ? `${rows.length.toLocaleString()} notes` + (shown < found.length ? `, showing ${shown.toLocaleString()}` : "")
        : `${found.length.toLocaleString()} of ${rows.length.toLocaleString()} notes` +
          (shown < found.length ? `, showing ${shown.toLocaleString()}` : "");
      more.hidden = shown >= found.length;
      more.textContent = `Show ${Math.min(PAGE, found.length - shown).toLocaleString()} more`;
      if (capped) capped.hidden = true;
      for (const th of headers) {
        th.setAttribute("aria-sort", sort && sort.key === th.dataset.sort
          ? (sort.dir === "asc" ? "ascending" : "descending") : "none");
      }
      if (writeAddress) {
        const next = new URLSearchParams();
        if (text.value.trim()) next.set("q", text.value.trim());
        for (const [name, value] of chosen) next.set(name, value);
        if (sort) next.set("sort", `${sort.key}-${sort.dir}`);
        const query = next.toString();
        history.replaceState(history.state, "", query ? `?${query}` : location.pathname);
      }
    }

    form.addEventListener("submit", (event) => event.preventDefault());
    text.addEventListener("input", () => { limit = PAGE; update(true); });
    for (const select of selects) select.addEventListener("change", () => { limit = PAGE; update(true); });
    more.addEventListener("click", () => { limit += PAGE; update(false); });
    form.hidden = false;
    root.classList.add("pkb-explore--live");
    update(false);
  }

  function init() {
    const root = document.querySelector("[data-pkb-explore]");
    if (!root || root.dataset.pkbReady) return;
    root.dataset.pkbReady = "1";
    const dataUrl = new URL(root.dataset.src, location.href);
    fetch(dataUrl)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(response.statusText))))
      .then((data) => start(root, data, dataUrl))
      .catch((error) => console.warn("paperkb explore: the static table stays", error));
  }

  // mkdocs-material's instant navigation swaps pages without a load event: its document$ tells.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
