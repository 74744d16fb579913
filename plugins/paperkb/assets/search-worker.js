/* paperkb search worker: mkdocs-material's search-worker protocol, answered from Pagefind.
 *
 * material's script sends SETUP (its own index, empty here), waits for READY, then sends each
 * query (QUERY) and renders every RESULT it receives. Pagefind loads lazily: its script, WASM
 * and the index chunks a query needs. The index comes in slices, each a Pagefind bundle of its
 * own (pagefind/paperkb-slices.json names them): the first is loaded, the others merged into
 * it (mergeIndex), and every search runs on all of them, results ordered by score and filter
 * counts added up. Besides material's messages, the filter panel
 * (search-panel.js) sends "pkb-warm" (start loading), "pkb-open-filters" (the panel opened: fetch
 * the year's filter chunks), "pkb-filter" (the chosen facet values) and "pkb-more" (the
 * next results); the worker tells it the facet counts of each answer.
 *
 * The index holds Chinese text with a space between jieba's words (Pagefind splits words on
 * spaces on a site that is not in Chinese): a query is cut the same way here (Intl.Segmenter),
 * and the spaces between Han characters are taken out of every title and excerpt shown. */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const PAGE_SIZE = 10;  // material shows ten results before the reader scrolls
// A query waits this long for the next keystroke: each search runs to its end in Pagefind, and
// the first letters of a word ("t", "tr") match most of a large site.
const DEBOUNCE_MS = 120;
const HAN_RUN = /\p{Script=Han}+/gu;
const SPACE_BETWEEN_HAN = /(\p{Script=Han}(?:<\/mark>)?)[ \u00a0]+(?=(?:<mark>)?\p{Script=Han})/gu;
const segmenter = typeof Intl === "object" && typeof Intl.Segmenter === "function"
  ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

let loading = null;
let siteValues = Promise.resolve({});  // every filter value of the site, with its number of pages
let filters = {};
let query = "";
let state = null;  // {id, search, terms, items}
let sequence = 0;

function pagefind() {
  if (!loading) {
    const base = new URL("../../pagefind/", self.location.href);
    // (`serve` re-indexes slices while a reader searches: ask the server whether the list changed)
    loading = fetch(new URL("paperkb-slices.json", base).href, { cache: "no-cache" })
      .then((response) => (response.ok ? response.json() : { slices: [] }))
      .then(async ({ slices }) => {
        if (!slices || !slices.length) return null;  // a site with no page to search
        const module = await import(new URL(`${slices[0]}/pagefind.js`, base).href);
        try {
          await module.options({ excerptLength: 26 });
          // The other slices' entry files and metadata load while the first slice's WASM does
          // (mergeIndex waits for that WASM itself), not after it.
          await Promise.all([module.init(),
            ...slices.slice(1).map((name) => module.mergeIndex(new URL(`${name}/`, base).href))]);
        } catch (error) {
          if (module.destroy) await module.destroy();  // the next try merges the slices afresh
          throw error;
        }
        return module;
      }).catch((error) => {
        loading = null;  // a request that failed (a dropped connection) is tried again by the next query
        throw error;
      });
    // The panel's menus come from the small file paperkb writes, not from Pagefind's filters():
    // that would load every filter chunk, and Pagefind counts each search's results per value of
    // every loaded filter (seconds at 10,000 notes). Pagefind loads a filter when it is chosen.
    siteValues = fetch(new URL("paperkb-filters.json", base).href, { cache: "no-cache" })
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}));
    siteValues.then((values) => self.postMessage({ type: "pkb-filters", data: values }));
  }
  return loading;
}

/* The results of a search, taken ten at a time: ``total``, the facet counts (``filters``) and
 * ``take(count)``, the first ``count`` results in order. */
function ranked(search) {
  return { total: search.results.length, filters: search.filters, take: async (count) => search.results.slice(0, count) };
}

/* Filters and no words: every page that has the values, newest first. Pagefind sorts a search
 * by year within each slice, but merged slices are ordered by score, which a sorted search sets
 * to the page's place in its own slice: so the years are walked here, newest first, one search
 * per year (a year holds enough pages for a screen or more), pages without a year last. */
async function newestFirst(module, filters) {
  let years = filters.year;
  // The years that have results: one search with any year loads and counts them, at the same
  // time as the search of every page (each slice fetches its own chunks: one wait, not two).
  const known = years ? [] : Object.keys((await siteValues).year || {});
  const [all, dated] = await Promise.all([module.search(null, { filters }),
    known.length ? module.search(null, { filters: { ...filters, year: { any: known } } }) : null]);
  const counts = { ...all.filters };
  if (!years) {
    if (dated && dated.filters.year) counts.year = dated.filters.year;
    years = Object.entries(counts.year || {}).filter(([, count]) => count > 0).map(([year]) => year);
  }
  years = [...years].sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  const ordered = [];
  const seen = new Set();
  const add = (results) => results.forEach((result) => {
    if (!seen.has(result.id)) { seen.add(result.id); ordered.push(result); }
  });
  let rest = false;
  if (filters.year && years.length === 1) {  // one year chosen: `all` is its search already
    add(all.results);
    years = [];
    rest = true;
  }
  return {
    total: all.results.length,
    filters: counts,
    async take(count) {
      while (ordered.length < count && !rest) {
        if (years.length) add((await module.search(null, { filters: { ...filters, year: [years.shift()] } })).results);
        else { rest = true; add(all.results); }
      }
      return ordered.slice(0, count);
    },
  };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function unspace(html) {
  return String(html).replace(/\u200b/g, "").replace(SPACE_BETWEEN_HAN, "$1");
}

function segment(text, pairs) {
  return text.replace(HAN_RUN, (run) => {
    let words = segmenter ? Array.from(segmenter.segment(run), (s) => s.segment) : [run];
    if (pairs) {  // a second try: long words cut into pairs of characters
      words = words.flatMap((w) => (w.length > 2 ? w.match(/.{1,2}/gu) : [w]));
    }
    return ` ${words.join(" ")} `;
  }).replace(/\s+/g, " ").trim();
}

function highlight(text, terms) {
  /* ``text`` as HTML, each query term in it marked (split first, escaped piece by piece). */
  const words = terms.filter((t) => t.length > 0).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length) return escapeHtml(text);
  return String(text).split(new RegExp(`(${words.join("|")})`, "iu"))
    .map((part, i) => (i % 2 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part))).join("");
}

function sitePath(url) {
  return String(url || "").replace(/^\/+/, "");
}

function toGroup(data, rank, terms) {
  const meta = data.meta || {};
  const termMap = Object.fromEntries(terms.map((t) => [t, true]));
  const score = 1000 - rank;
  const facts = [meta.kind, meta.year, meta.venue].filter(Boolean).map(escapeHtml).join(" · ");
  const text = `<p>${unspace(data.excerpt || "")}</p>` +
    (facts ? `<p class="pkb-search-facts">${facts}</p>` : "");
  const page = {
    location: sitePath(data.url), title: unspace(highlight(meta.title || data.url, terms)),
    text, score, terms: termMap,
  };
  const sections = (data.sub_results || [])
    .filter((sub) => String(sub.url).includes("#") && sub.title && sub.title !== meta.title)
    .slice(0, 5)
    .map((sub) => ({
      location: sitePath(sub.url), title: unspace(highlight(sub.title, terms)),
      text: `<p>${unspace(sub.excerpt || "")}</p>`, score: score - 0.5, terms: termMap,
    }));
  return [page, ...sections];
}

function activeFilters() {
  return Object.fromEntries(Object.entries(filters).filter(([, values]) => values.length));
}

/* Answer the box's text with the chosen filters. ``typed``: a keystroke, which waits DEBOUNCE_MS
 * for the next one (no chunks are fetched ahead for it: preloading every prefix of a word as it is
 * typed, as Pagefind's debouncedSearch does, fetched ~200 kB more in 11 slices for "transformer");
 * a filter chosen or removed is searched at once. */
async function run(text, typed) {
  const id = ++sequence;
  const filtered = Object.keys(activeFilters()).length > 0;
  let term = segment(text, false);
  if (term.length === 1 && !/\p{Script=Han}/u.test(term)) term = "";  // one Latin letter finds everything
  if (!term && !filtered) {
    state = null;
    self.postMessage({ type: RESULT, data: { items: [] } });
    self.postMessage({ type: "pkb-facets", data: { query: text, total: 0, shown: 0, filters: null } });
    return;
  }
  if (typed) {
    await new Promise((resolve) => setTimeout(resolve, DEBOUNCE_MS));
    if (id !== sequence) return;  // another keystroke came
  }
  const module = await pagefind();
  if (id !== sequence) return;
  if (!module) {
    state = null;
    self.postMessage({ type: RESULT, data: { items: [] } });
    self.postMessage({ type: "pkb-facets", data: { query: text, total: 0, shown: 0, filters: null } });
    return;
  }
  const options = { filters: activeFilters() };
  let results;
  if (!term) {
    results = await newestFirst(module, options.filters);
  } else {
    let search = await module.search(term, options);
    if (id !== sequence) return;
    if (search && !search.results.length && /\p{Script=Han}{3,}/u.test(term)) {
      term = segment(text, true);
      search = await module.search(term, options);
    }
    results = ranked(search);
  }
  if (id !== sequence) return;
  const terms = term ? term.toLowerCase().split(" ") : [];
  state = { id, results, terms, items: [] };
  await more(id);
}

/* The year's filter chunk of every slice, fetched when the reader opens the Filters panel: choosing
 * a year then waits for no slice's chunk. Only the year's (a page has one year: its chunks are
 * small, ~40 kB over 11 slices at 10,000 notes): Pagefind counts the values of every loaded filter
 * in each later search, and the chunks of tags or venues are large. (A search with no words
 * fetches no index chunk: core/pagefind_script.py mends Pagefind's script for it.) */
async function prefetchYears() {
  const module = await pagefind();
  const years = Object.keys((await siteValues).year || {});
  if (module && years.length) await module.preload(null, { filters: { year: { any: years } } });
}

function more(id) {
  // One page of results after the other: a second click on "More results" waits for the first.
  if (!state || state.id !== id) return Promise.resolve();
  state.loading = (state.loading || Promise.resolve()).then(() => nextPage(id));
  return state.loading;
}

async function nextPage(id) {
  if (!state || state.id !== id) return;
  const { results, terms, items } = state;
  const next = (await results.take(items.length + PAGE_SIZE)).slice(items.length);
  if (!state || state.id !== id || id !== sequence) return;
  const loaded = await Promise.all(next.map((result) => result.data()));
  if (!state || state.id !== id || id !== sequence) return;
  loaded.forEach((data) => items.push(toGroup(data, items.length, terms)));
  self.postMessage({ type: RESULT, data: { items: items.slice() } });
  self.postMessage({
    type: "pkb-facets",
    data: { query, total: results.total, shown: items.length, filters: results.filters },
  });
}

async function handle(message) {
  switch (message && message.type) {
    case SETUP:
      return { type: READY };
    case QUERY:
      query = String(message.data || "");
      await run(query, true);
      return null;
    case "pkb-warm":
      pagefind();
      return null;
    case "pkb-open-filters":
      prefetchYears().catch(() => {});
      return null;
    case "pkb-filter":
      filters = message.data || {};
      await run(query, false);
      return null;
    case "pkb-more":
      if (state) await more(state.id);
      return null;
    default:
      return null;
  }
}

self.addEventListener("message", (event) => {
  handle(event.data).then((reply) => {
    if (reply) self.postMessage(reply);
  }).catch((error) => {
    console.warn("paperkb search:", error);
    self.postMessage({ type: RESULT, data: { items: [] } });
    self.postMessage({ type: "pkb-facets", data: { query, total: 0, shown: 0, filters: null, failed: true } });
  });
});
