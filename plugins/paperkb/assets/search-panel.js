/* paperkb search panel: points mkdocs-material's search at paperkb's Pagefind worker and adds
 * facet filters (field, year, type, ...) to the theme's search dialog.
 *
 * material creates its search worker from the URL in its page config; this script (loaded
 * before the theme mounts its components) hands it search-worker.js instead and keeps the
 * worker to talk to: the filters chosen here go to the worker, which answers through material's
 * own result list, and tells this panel how many results each filter value would give. */
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || typeof window.Worker !== "function") return;
  const workerUrl = new URL("search-worker.js", script.src).href;
  const NativeWorker = window.Worker;
  const LABELS = {
    field: "Field", year: "Year", type: "Type", level: "Level", venue: "Venue",
    tag: "Tag", dataset: "Dataset", metric: "Metric", kind: "Kind",
  };
  let worker = null;
  const chosen = {};  // facet -> value
  let all = null;  // facet -> {value: count} over the whole site
  let counts = null;  // the same for the current query and filters
  let totals = { total: 0, shown: 0 };
  let panel = null;
  let filtersOpened = false;

  class RoutedWorker extends NativeWorker {
    constructor(url, options) {
      const isSearch = /\/workers\/search\.[\w.]*js(?:$|\?)/.test(String(url));
      super(isSearch ? workerUrl : url, options);
      if (isSearch) connect(this);
    }
  }
  window.Worker = RoutedWorker;

  function connect(w) {
    worker = w;
    w.addEventListener("message", (event) => {
      const message = event.data || {};
      if (message.type === "pkb-filters") {
        all = message.data || {};
        render();
      } else if (message.type === "pkb-facets") {
        counts = message.data.filters;
        totals = { total: message.data.total, shown: message.data.shown };
        setTimeout(() => {  // after material rendered the list
          render();
          showTotal();
          // Which query the list now answers (and whether the search failed): for scripts and
          // tests that wait for an answer rather than for a time.
          const result = document.querySelector("[data-md-component=search-result]");
          if (result) {
            result.setAttribute("data-pkb-answered", message.data.query);
            result.toggleAttribute("data-pkb-failed", Boolean(message.data.failed));
          }
        }, 0);
      }
    });
    // material creates the worker while the page's DOMContentLoaded runs: a listener added now
    // would not be called for it.
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setTimeout(mount, 0));
    else setTimeout(mount, 0);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function mount() {
    const result = document.querySelector("[data-md-component=search-result]");
    const input = document.querySelector("[data-md-component=search-query]");
    if (!result || !input || panel) return;
    input.addEventListener("focus", () => worker.postMessage({ type: "pkb-warm" }), { once: true });
    panel = el("div", { class: "pkb-search-filters", "data-pkb-search-filters": "" });
    // material's keyboard handling (arrows move through results, letters refocus the box)
    // would take the keys a <select> needs; Escape still closes the search.
    panel.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" && event.target.tagName !== "SUMMARY") event.stopPropagation();
    });
    const list = result.lastElementChild;
    result.insertBefore(panel, list);  // between material's count line and its list
    const more = el("button", { type: "button", class: "md-button pkb-search-more", hidden: "" }, "More results");
    more.addEventListener("click", () => worker.postMessage({ type: "pkb-more" }));
    result.after(more);
    render();
  }

  function send() {
    const data = {};
    for (const [facet, value] of Object.entries(chosen)) if (value) data[facet] = [value];
    worker.postMessage({ type: "pkb-filter", data });
  }

  function options(facet) {
    const values = Object.keys((all && all[facet]) || {});
    if (facet === "year") values.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    else values.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
    return values;
  }

  function render() {
    if (!panel) return;
    const active = Object.values(chosen).filter(Boolean).length;
    const open = panel.querySelector("details")?.open || false;
    const grid = el("div", { class: "pkb-search-filters__grid" });
    for (const facet of Object.keys(LABELS)) {
      const values = options(facet);
      if (!values.length) continue;
      const select = el("select", { "data-facet": facet, "aria-label": `Filter by ${LABELS[facet].toLowerCase()}` },
        el("option", { value: "" }, `Any ${LABELS[facet].toLowerCase()}`));
      for (const value of values) {
        const known = counts && counts[facet];  // this search's counts, once Pagefind has them
        const count = known ? known[value] || 0 : all[facet][value];
        const option = el("option", { value }, `${value} (${count})`);
        if (chosen[facet] === value) option.selected = true;
        else if (known && !count) option.disabled = true;
        select.append(option);
      }
      select.addEventListener("change", () => { chosen[facet] = select.value; send(); render(); });
      grid.append(el("label", { class: "pkb-search-filters__facet" },
        el("span", {}, LABELS[facet]), select));
    }
    const summary = el("summary", {}, active ? `Filters (${active})` : "Filters");
    const details = el("details", {}, summary, grid);
    details.open = open;
    details.addEventListener("toggle", () => {
      if (details.open && !filtersOpened) {  // the first time: the worker fetches the filters' chunks
        filtersOpened = true;
        worker.postMessage({ type: "pkb-open-filters" });
      }
    });
    const chips = el("div", { class: "pkb-search-filters__active" });
    for (const [facet, value] of Object.entries(chosen)) {
      if (!value) continue;
      const chip = el("button", { type: "button", class: "md-tag pkb-search-chip", title: "Remove this filter" },
        `${LABELS[facet]}: ${value} ✕`);
      chip.addEventListener("click", () => { chosen[facet] = ""; send(); render(); });
      chips.append(chip);
    }
    panel.replaceChildren(details, chips);
    panel.hidden = !all;
  }

  function showTotal() {
    const result = document.querySelector("[data-md-component=search-result]");
    const meta = result && result.firstElementChild;
    const more = document.querySelector(".pkb-search-more");
    if (more) more.hidden = !(totals.total > totals.shown);
    if (meta && totals.total > totals.shown) {
      meta.textContent = `${totals.shown} of ${totals.total.toLocaleString()} matching documents`;
    }
  }
})();
