/* paperkb: citation graphs in the browser.
   - Static diagrams (inline SVG): fit their column; a toolbar zooms them (the canvas then
     scrolls, centred on the note the diagram is about) and, on a note page, switches to an
     interactive local graph read from the SVG itself (positions from the build's Graphviz layout).
   - Graph pages: the explorer. sigma.js (WebGL) draws the build's graph JSON, laid out at build
     time (render/graph_layout.py): pan, zoom, fit; filters by field, year, type, citation role;
     hover highlights neighbours; click opens the note; a box finds a note by title or key.
   sigma.js and graphology are vendored beside this file and loaded only when a graph is shown.
   Every value from a note reaches the page through textContent or a checked URL, never as HTML. */
(function () {
  "use strict";

  var here = document.currentScript && document.currentScript.src;
  var ASSETS = here ? here.replace(/[^/]*$/, "") : "";
  var PALETTE = 12;
  var vendor = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(tag);
    });
  }

  function loadSigma() {
    if (window.Sigma && window.graphology) return Promise.resolve();
    if (!vendor) {
      vendor = loadScript(ASSETS + "graphology/graphology.umd.min.js")
        .then(function () { return loadScript(ASSETS + "sigma/sigma.min.js"); });
    }
    return vendor;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // -- colours: CSS variables (light and dark scheme) made into what WebGL takes -------------
  var paint = null;
  function toRgb(colour) {
    paint = paint || document.createElement("canvas").getContext("2d");
    paint.fillStyle = "#888888";
    paint.fillStyle = colour;
    return paint.fillStyle;
  }
  function cssVar(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return toRgb(value || fallback);
  }
  function theme() {
    var body = document.body;
    var colours = [];
    for (var i = 0; i < PALETTE; i++) colours.push(cssVar(body, "--pkb-g" + i, "#5c7cfa"));
    return {
      fields: colours,
      none: cssVar(body, "--pkb-g-none", "#8c939d"),
      edge: cssVar(body, "--pkb-graph-edge", "#b0b7c3"),
      dim: cssVar(body, "--pkb-graph-dim", "#e0e3e8"),
      label: cssVar(body, "--md-default-fg-color", "#222222"),
      accent: cssVar(body, "--md-accent-fg-color", "#526cfe")
    };
  }
  function onSchemeChange(callback) {
    new MutationObserver(callback).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  }

  function safeHref(url, base) {
    try {
      var resolved = new URL(url, base || window.location.href);
      return /^(https?|file):$/.test(resolved.protocol) ? resolved.href : null;
    } catch (e) { return null; }
  }

  // -- one sigma view with hover, tooltip, click: shared by the explorer and local graphs -----
  function GraphView(stage, graph, options) {
    var self = this;
    this.graph = graph;
    this.options = options;
    this.focus = null; // the hovered or selected node: it and its neighbours stand out
    this.selected = null;
    this.neighbours = new Set();
    this.visible = options.visible || function () { return true; };
    this.edgeVisible = options.edgeVisible || function () { return true; };
    this.colours = theme();
    var large = graph.size > 20000;
    // sigma draws into a plane inside the stage: a large graph's pan moves the plane (bitmapPan)
    this.plane = el("div", { "class": "pkb-graph-plane" });
    stage.appendChild(this.plane);
    this.renderer = new window.Sigma(graph, this.plane, {
      allowInvalidContainer: true,
      defaultEdgeType: large ? "line" : "arrow",
      hideEdgesOnMove: large, // at 10,000 notes the edges cost most of a frame while panning
      labelColor: { color: this.colours.label },
      labelFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      labelRenderedSizeThreshold: options.labelThreshold !== undefined ? options.labelThreshold : 7,
      labelDensity: options.labelDensity || 0.07,
      labelGridCellSize: options.labelGridCellSize || 100,
      zIndex: true,
      minCameraRatio: 0.01,
      maxCameraRatio: 4,
      nodeReducer: function (node, data) { return self.nodeStyle(node, data); },
      edgeReducer: function (edge, data) { return self.edgeStyle(edge, data); }
    });
    this.tooltip = el("div", { "class": "pkb-graph-tip", role: "tooltip", hidden: "" });
    stage.appendChild(this.tooltip);
    var r = this.renderer;
    r.on("enterNode", function (e) { if (!self.selected) self.setFocus(e.node); self.showTip(e.node, false); stage.style.cursor = "pointer"; });
    r.on("leaveNode", function () { if (!self.selected) { self.setFocus(null); self.hideTip(); } stage.style.cursor = ""; });
    r.on("clickNode", function (e) {
      if (self.dragged) return;
      var original = e.event && e.event.original;
      var touch = original && (original.type || "").indexOf("touch") === 0;
      if (touch && self.selected !== e.node) { self.select(e.node); return; } // a tap shows, a second opens
      self.open(e.node);
    });
    r.on("clickStage", function () { self.select(null); });
    onSchemeChange(function () { self.recolour(); });
  }

  GraphView.prototype.nodeStyle = function (node, data) {
    if (!this.visible(node, data)) return Object.assign({}, data, { hidden: true });
    if (this.focus === null) return data;
    if (node === this.focus) return Object.assign({}, data, { highlighted: true, forceLabel: true, zIndex: 2 });
    if (this.neighbours.has(node)) return Object.assign({}, data, { forceLabel: true, zIndex: 1 });
    return Object.assign({}, data, { color: this.colours.dim, label: "", zIndex: 0 });
  };

  GraphView.prototype.edgeStyle = function (edge, data) {
    var ends = this.graph.extremities(edge);
    if (!this.edgeVisible(edge, data) || !this.visible(ends[0], this.graph.getNodeAttributes(ends[0])) ||
        !this.visible(ends[1], this.graph.getNodeAttributes(ends[1]))) {
      return Object.assign({}, data, { hidden: true });
    }
    if (this.focus === null) return data;
    if (ends[0] === this.focus || ends[1] === this.focus) return Object.assign({}, data, { size: (data.size || 1) * 1.6, zIndex: 1 });
    return Object.assign({}, data, { hidden: true });
  };

  GraphView.prototype.setFocus = function (node) {
    this.focus = node;
    this.neighbours = new Set(node === null ? [] : this.graph.neighbors(node));
    this.renderer.refresh({ skipIndexation: true });
  };

  GraphView.prototype.select = function (node) {
    this.selected = node;
    this.setFocus(node);
    if (node === null) this.hideTip(); else this.showTip(node, true);
  };

  GraphView.prototype.open = function (node) {
    var href = safeHref(this.graph.getNodeAttribute(node, "href"));
    if (href) window.location.href = href;
  };

  GraphView.prototype.showTip = function (node, withLink) {
    var data = this.graph.getNodeAttributes(node);
    var tip = this.tooltip;
    tip.textContent = "";
    tip.appendChild(el("strong", { "class": "pkb-graph-tip__title" }, data.fullTitle || data.label));
    var meta = [data.year, data.venue].filter(function (v) { return v !== null && v !== undefined && v !== ""; }).join(" · ");
    if (meta) tip.appendChild(el("span", { "class": "pkb-graph-tip__meta" }, meta));
    if (data.citedBy !== undefined) {
      tip.appendChild(el("span", { "class": "pkb-graph-tip__meta" },
        "cited by " + data.citedBy + (data.citedBy === 1 ? " note" : " notes") + " here"));
    }
    var href = safeHref(data.href);
    if (withLink && href) {
      var link = el("a", { "class": "pkb-graph-tip__open", href: href }, "Open note →");
      tip.appendChild(link);
    }
    tip.hidden = false;
    var display = this.renderer.getNodeDisplayData(node);
    if (!display) return;
    var at = this.renderer.framedGraphToViewport(display);
    var box = this.renderer.getContainer();
    var left = Math.min(Math.max(at.x + 12, 4), Math.max(4, box.clientWidth - tip.offsetWidth - 4));
    var top = at.y + 12 + tip.offsetHeight > box.clientHeight ? at.y - tip.offsetHeight - 12 : at.y + 12;
    tip.style.left = left + "px";
    tip.style.top = Math.max(4, top) + "px";
  };

  GraphView.prototype.hideTip = function () { this.tooltip.hidden = true; };

  GraphView.prototype.recolour = function () {
    this.colours = theme();
    if (this.options.recolour) this.options.recolour(this.colours);
    this.renderer.setSetting("labelColor", { color: this.colours.label });
    this.renderer.refresh();
  };

  // Camera onto some nodes (all visible ones when none are given), with a margin.
  GraphView.prototype.fit = function (nodes) {
    var r = this.renderer;
    var xs = [], ys = [];
    (nodes || this.graph.nodes()).forEach(function (node) {
      var d = r.getNodeDisplayData(node);
      if (d && !d.hidden) { xs.push(d.x); ys.push(d.y); }
    });
    if (!xs.length) { r.getCamera().animatedReset({ duration: 300 }); return; }
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var ratio = Math.min(1.2, Math.max(0.05, Math.max(maxX - minX, maxY - minY) * 1.25));
    r.getCamera().animate({ x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio: ratio, angle: 0 }, { duration: 300 });
  };

  GraphView.prototype.centreOn = function (node) {
    var d = this.renderer.getNodeDisplayData(node);
    if (d) this.renderer.getCamera().animate({ x: d.x, y: d.y, ratio: Math.min(this.renderer.getCamera().ratio, 0.25) }, { duration: 400 });
  };

  // Panning a large graph moves the drawn picture (a CSS transform of sigma's canvases, which the
  // compositor does every frame) and lets sigma draw again only a few times a second and when the
  // drag ends: without a GPU (software WebGL), drawing 10,000 notes takes far longer than a frame.
  var REDRAW_MS = Infinity; // measured: one redraw of 10,000 notes stalls the page ~1 s here
  function bitmapPan(view) {
    var r = view.renderer, stage = r.getContainer();
    r.setSetting("enableCameraPanning", false); // sigma's own drag; the camera still pans for us
    var pointers = new Set(), drag = null;
    // Layers that are empty while dragging cost compositing time in every frame: out of the way.
    var idle = Array.prototype.slice.call(stage.querySelectorAll("canvas.sigma-edgeLabels, canvas.sigma-hovers, canvas.sigma-hoverNodes"));
    function shift(dx, dy) {
      var moving = !!(dx || dy);
      stage.style.transform = moving ? "translate3d(" + dx + "px," + dy + "px,0)" : "";
      idle.forEach(function (c) { c.style.display = moving ? "none" : ""; });
    }
    function commit() {
      if (!drag) return;
      var dx = drag.x - drag.baseX, dy = drag.y - drag.baseY;
      drag.last = performance.now();
      if (!dx && !dy) return;
      var camera = r.getCamera(), state = camera.getState();
      var a = r.viewportToFramedGraph({ x: 0, y: 0 }), b = r.viewportToFramedGraph({ x: dx, y: dy });
      drag.baseX = drag.x; drag.baseY = drag.y;
      camera.enabledPanning = true; // (a camera that may not pan ignores a new x, y)
      camera.setState({ x: state.x - (b.x - a.x), y: state.y - (b.y - a.y) });
      camera.enabledPanning = false;
      // sigma draws in the next animation frame; the shift left over goes with it
      requestAnimationFrame(function () { shift(drag ? drag.x - drag.baseX : 0, drag ? drag.y - drag.baseY : 0); });
    }
    stage.addEventListener("pointerdown", function (event) {
      pointers.add(event.pointerId);
      if (pointers.size > 1) { commit(); drag = null; shift(0, 0); return; } // two fingers: sigma's pinch zoom
      if (event.button !== 0) return;
      drag = { id: event.pointerId, startX: event.clientX, startY: event.clientY, x: 0, y: 0, baseX: 0, baseY: 0, last: performance.now(), moved: false };
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag || event.pointerId !== drag.id) return;
      drag.x = event.clientX - drag.startX;
      drag.y = event.clientY - drag.startY;
      if (Math.abs(drag.x) + Math.abs(drag.y) > 3) drag.moved = true;
      if (!drag.moved) return;
      view.hideTip();
      shift(drag.x - drag.baseX, drag.y - drag.baseY);
      if (performance.now() - drag.last > REDRAW_MS) commit();
    });
    function end(event) {
      pointers.delete(event.pointerId);
      if (!drag || event.pointerId !== drag.id) return;
      if (drag.moved) {
        commit();
        view.dragged = true; // the click that ends a drag opens no note
        setTimeout(function () { view.dragged = false; }, 50);
      }
      drag = null;
    }
    window.addEventListener("pointerup", end);
    window.addEventListener("pointercancel", end);
  }

  function zoomButtons(view, bar) {
    var camera = function () { return view.renderer.getCamera(); };
    [["+", "Zoom in", function () { camera().animatedZoom({ duration: 200 }); }],
     ["−", "Zoom out", function () { camera().animatedUnzoom({ duration: 200 }); }],
     ["Fit", "Fit the graph to the view", function () { view.fit(); }]].forEach(function (b) {
      var button = el("button", { type: "button", "class": "pkb-graph-button", title: b[1], "aria-label": b[1] }, b[0]);
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
  }

  // -- the explorer (graph pages) --------------------------------------------------------------
  function Explorer(mount) {
    this.mount = mount;
    this.root = mount.getAttribute("data-root") || "./";
    this.preset = mount.getAttribute("data-field");
  }

  Explorer.prototype.start = function () {
    var self = this;
    var mount = this.mount;
    mount.hidden = false;
    var staticGraph = mount.nextElementSibling;
    if (staticGraph && staticGraph.classList.contains("pkb-static-graph")) staticGraph.classList.add("pkb-static-graph--behind");
    this.status = el("p", { "class": "pkb-explorer__status", "aria-live": "polite" }, "Loading the citation graph…");
    mount.appendChild(this.status);
    var src = mount.getAttribute("data-src");
    Promise.all([loadSigma(), fetch(src).then(function (r) {
      if (!r.ok) throw new Error(src + ": HTTP " + r.status);
      return r.json();
    })]).then(function (results) { self.build(results[1]); }).catch(function (error) {
      if (window.console) console.error("paperkb explorer:", error);
      self.status.textContent = "The interactive graph could not be loaded (" + error.message + "); the diagram below shows the most-cited notes.";
      if (staticGraph) staticGraph.classList.remove("pkb-static-graph--behind");
    });
  };

  Explorer.prototype.build = function (data) {
    var self = this;
    var graph = new window.graphology.Graph({ type: "directed", multi: false, allowSelfLoops: false });
    var colours = theme();
    var nodes = data.nodes || [];
    var years = [];
    this.data = data;
    nodes.forEach(function (n) {
      var fields = n[4] || [];
      if (n[2] !== null && n[2] !== undefined) years.push(n[2]);
      graph.addNode(n[0], {
        x: +n[8] || 0, y: +n[9] || 0, label: n[1].length > 60 ? n[1].slice(0, 59) + "…" : n[1], fullTitle: n[1],
        year: n[2], venue: n[3], fields: fields, paperType: n[5], // (not `type`: sigma reads that as its drawing program)
        href: new URL(self.root + n[6], window.location.href).href,
        citedBy: n[7], size: 2.5 + 1.8 * Math.sqrt(n[7] || 0),
        color: fields.length ? colours.fields[data.colours[fields[0]] % PALETTE] : colours.none
      });
    });
    (data.edges || []).forEach(function (e) {
      var source = nodes[e[0]], target = nodes[e[1]];
      if (source && target && !graph.hasEdge(source[0], target[0])) {
        graph.addEdge(source[0], target[0], { role: e[2], size: 1, color: colours.edge });
      }
    });
    this.minYear = years.length ? Math.min.apply(null, years) : null;
    this.maxYear = years.length ? Math.max.apply(null, years) : null;
    this.filter = { field: -1, type: -1, from: null, to: null, roles: new Set(data.roles.map(function (_r, i) { return i; })) };
    if (this.preset !== null) this.filter.field = data.fields.indexOf(this.preset);

    this.status.remove();
    this.controls();
    var stage = el("div", { "class": "pkb-explorer__stage" });
    this.mount.appendChild(stage);
    this.mount.appendChild(this.status);
    this.view = new GraphView(stage, graph, {
      visible: function (node, attrs) { return self.visible(attrs || graph.getNodeAttributes(node)); },
      edgeVisible: function (edge, attrs) { return self.filter.roles.has(attrs.role); },
      labelThreshold: nodes.length > 2000 ? 9 : 6,
      recolour: function (c) {
        graph.updateEachNodeAttributes(function (_n, a) {
          a.color = a.fields.length ? c.fields[data.colours[a.fields[0]] % PALETTE] : c.none;
          return a;
        });
        graph.updateEachEdgeAttributes(function (_e, a) { a.color = c.edge; return a; });
        self.legend();
      }
    });
    if (graph.order >= 1500) bitmapPan(this.view);
    zoomButtons(this.view, this.buttons);
    this.legend();
    this.apply(true);
    this.mount.setAttribute("data-pkb-ready", "");
    window.paperkbExplorer = this; // for tests and benchmarks
  };

  Explorer.prototype.visible = function (a) {
    var f = this.filter;
    if (f.field >= 0 && a.fields.indexOf(f.field) < 0) return false;
    if (f.type >= 0 && a.paperType !== f.type) return false;
    if (f.from !== null && (a.year === null || a.year < f.from)) return false;
    if (f.to !== null && (a.year === null || a.year > f.to)) return false;
    return true;
  };

  Explorer.prototype.controls = function () {
    var self = this, data = this.data;
    var bar = el("div", { "class": "pkb-explorer__controls" });
    // Find a note
    var find = el("div", { "class": "pkb-explorer__find" });
    var box = el("input", { type: "search", "class": "pkb-explorer__search", placeholder: "Find a note by title or key",
      "aria-label": "Find a note by title or key", autocomplete: "off" });
    var list = el("ul", { "class": "pkb-explorer__matches", role: "listbox", hidden: "" });
    find.appendChild(box);
    find.appendChild(list);
    bar.appendChild(find);
    box.addEventListener("input", function () { self.suggest(box.value, list); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = list.querySelector("li");
        if (first) first.click();
      } else if (event.key === "Escape") { list.hidden = true; }
    });

    // On a phone the filters fold away under a summary, so the graph fits the screen.
    var more = el("details", { "class": "pkb-explorer__more" });
    more.appendChild(el("summary", {}, "Filters"));
    more.open = !window.matchMedia || window.matchMedia("(min-width: 600px)").matches;
    var filters = el("div", { "class": "pkb-explorer__filters" });
    var field = el("select", { "class": "pkb-explorer__field", "aria-label": "Field" });
    field.appendChild(el("option", { value: "-1" }, "All fields"));
    data.fields.forEach(function (name, i) { field.appendChild(el("option", { value: String(i) }, name)); });
    field.value = String(this.filter.field);
    field.addEventListener("change", function () { self.filter.field = +field.value; self.apply(true); });
    filters.appendChild(field);

    var type = el("select", { "class": "pkb-explorer__type", "aria-label": "Type" });
    type.appendChild(el("option", { value: "-1" }, "All types"));
    data.types.forEach(function (name, i) { type.appendChild(el("option", { value: String(i) }, name.charAt(0).toUpperCase() + name.slice(1))); });
    type.addEventListener("change", function () { self.filter.type = +type.value; self.apply(true); });
    filters.appendChild(type);

    var years = el("span", { "class": "pkb-explorer__years" });
    var from = el("input", { type: "number", "class": "pkb-explorer__from", "aria-label": "From year", placeholder: this.minYear === null ? "from" : String(this.minYear), step: "1" });
    var to = el("input", { type: "number", "class": "pkb-explorer__to", "aria-label": "To year", placeholder: this.maxYear === null ? "to" : String(this.maxYear), step: "1" });
    [from, to].forEach(function (input) {
      if (self.minYear !== null) { input.min = String(self.minYear); input.max = String(self.maxYear); }
      input.addEventListener("change", function () {
        self.filter.from = from.value === "" ? null : +from.value;
        self.filter.to = to.value === "" ? null : +to.value;
        self.apply(true);
      });
    });
    years.appendChild(el("span", {}, "Years"));
    years.appendChild(from);
    years.appendChild(el("span", {}, "–"));
    years.appendChild(to);
    filters.appendChild(years);

    var roles = el("fieldset", { "class": "pkb-explorer__roles" });
    roles.appendChild(el("legend", {}, "Citations"));
    data.roles.forEach(function (name, i) {
      var label = el("label", { "class": "pkb-explorer__role pkb-role--" + name.replace(/[^a-z-]/g, "") });
      var check = el("input", { type: "checkbox", value: String(i) });
      check.checked = true;
      check.addEventListener("change", function () {
        if (check.checked) self.filter.roles.add(i); else self.filter.roles.delete(i);
        self.apply(false);
      });
      label.appendChild(check);
      label.appendChild(document.createTextNode(" " + (name === "in-text" ? "in the text" : name.replace("-", " "))));
      roles.appendChild(label);
    });
    filters.appendChild(roles);
    more.appendChild(filters);
    bar.appendChild(more);
    this.buttons = el("div", { "class": "pkb-explorer__buttons" });
    bar.appendChild(this.buttons);
    this.mount.appendChild(bar);
    this.legendBox = el("p", { "class": "pkb-explorer__legend" });
    this.mount.appendChild(this.legendBox);
  };

  Explorer.prototype.legend = function () {
    var box = this.legendBox, data = this.data, colours = theme();
    if (!box) return;
    box.textContent = "";
    data.fields.slice(0, PALETTE).forEach(function (name, i) {
      var item = el("span", { "class": "pkb-explorer__legend-item" });
      var swatch = el("span", { "class": "pkb-explorer__swatch" });
      swatch.style.background = colours.fields[data.colours[i] % PALETTE];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(name));
      box.appendChild(item);
    });
    box.appendChild(el("span", { "class": "pkb-explorer__how" },
      "Size: citations within this collection. Hover a note for its neighbours; click to open it."));
  };

  Explorer.prototype.suggest = function (query, list) {
    var self = this;
    query = query.trim().toLowerCase();
    list.textContent = "";
    if (!query) { list.hidden = true; return; }
    var found = [];
    this.view.graph.forEachNode(function (node, a) {
      if (node.toLowerCase().indexOf(query) >= 0 || a.fullTitle.toLowerCase().indexOf(query) >= 0) found.push([node, a]);
    });
    found.sort(function (x, y) { return y[1].citedBy - x[1].citedBy; });
    found.slice(0, 8).forEach(function (hit) {
      var item = el("li", { role: "option", tabindex: "-1", "data-key": hit[0] });
      item.appendChild(el("span", {}, hit[1].fullTitle));
      item.appendChild(el("span", { "class": "pkb-explorer__match-meta" }, [hit[1].year, hit[0]].filter(Boolean).join(" · ")));
      item.addEventListener("click", function () {
        list.hidden = true;
        if (!self.visible(hit[1])) { self.clearFilters(); }
        self.view.select(hit[0]);
        self.view.centreOn(hit[0]);
      });
      list.appendChild(item);
    });
    if (!found.length) list.appendChild(el("li", { "class": "pkb-explorer__none" }, "No note matches"));
    list.hidden = false;
  };

  Explorer.prototype.clearFilters = function () {
    this.filter.field = -1; this.filter.type = -1; this.filter.from = null; this.filter.to = null;
    var m = this.mount;
    m.querySelector(".pkb-explorer__field").value = "-1";
    m.querySelector(".pkb-explorer__type").value = "-1";
    m.querySelector(".pkb-explorer__from").value = "";
    m.querySelector(".pkb-explorer__to").value = "";
    this.apply(false);
  };

  Explorer.prototype.apply = function (refit) {
    var self = this, graph = this.view.graph, shown = [], edges = 0;
    graph.forEachNode(function (node, a) { if (self.visible(a)) shown.push(node); });
    var visible = new Set(shown);
    graph.forEachEdge(function (_e, a, s, t) { if (visible.has(s) && visible.has(t) && self.filter.roles.has(a.role)) edges++; });
    this.view.renderer.refresh();
    this.status.textContent = shown.length + " of " + graph.order + " notes, " + edges + (edges === 1 ? " citation" : " citations") + " shown";
    this.mount.setAttribute("data-shown", String(shown.length));
    if (refit) this.view.fit(shown.length === graph.order ? null : shown);
  };

  // -- static diagrams: zoom control, local interactive graph -----------------------------------
  function centreOnFocus(canvas) {
    if (canvas.scrollWidth <= canvas.clientWidth && canvas.scrollHeight <= canvas.clientHeight) return;
    var focus = canvas.querySelector(".pkb-node--focus");
    if (!focus) return;
    var node = focus.getBoundingClientRect();
    var view = canvas.getBoundingClientRect();
    canvas.scrollLeft += node.left + node.width / 2 - (view.left + view.width / 2);
  }

  function enhanceFigure(figure) {
    if (figure.hasAttribute("data-pkb-enhanced")) return;
    var canvas = figure.querySelector(".pkb-graph__canvas");
    var svg = canvas && canvas.querySelector("svg.pkb-graph__svg");
    if (!svg) return;
    figure.setAttribute("data-pkb-enhanced", "");
    var natural = parseFloat(svg.getAttribute("data-pkb-width") || "0") * 4 / 3; // pt -> px
    var bar = el("div", { "class": "pkb-graph__toolbar", role: "toolbar", "aria-label": "Diagram view" });
    var zoom = 1; // of the width that fits the column
    function setZoom(factor) {
      var fit = canvas.clientWidth;
      zoom = Math.max(1, Math.min(factor, natural > 0 ? Math.max(1, 2.5 * natural / fit) : 4));
      if (zoom === 1) { svg.style.width = ""; svg.style.maxWidth = ""; } else {
        svg.style.width = Math.round(fit * zoom) + "px";
        svg.style.maxWidth = "none";
      }
      canvas.classList.toggle("pkb-graph__canvas--zoomed", zoom > 1);
      centreOnFocus(canvas);
    }
    [["+", "Zoom in", function () { setZoom(zoom * 1.5); }],
     ["−", "Zoom out", function () { setZoom(zoom / 1.5); }],
     ["Fit", "Fit the diagram to the column", function () { setZoom(1); }]].forEach(function (b) {
      var button = el("button", { type: "button", "class": "pkb-graph-button", title: b[1], "aria-label": b[1] }, b[0]);
      button.addEventListener("click", b[2]);
      bar.appendChild(button);
    });
    if (figure.classList.contains("pkb-graph--note")) {
      var toggle = el("button", { type: "button", "class": "pkb-graph-button pkb-graph__toggle", "aria-pressed": "false" }, "Interactive");
      toggle.addEventListener("click", function () { toggleLocal(figure, canvas, svg, toggle, bar); });
      bar.appendChild(toggle);
    }
    figure.insertBefore(bar, canvas);
    // A diagram wider than the window at natural size opens fitted; a small one stays natural.
    centreOnFocus(canvas);
  }

  function toggleLocal(figure, canvas, svg, toggle, bar) {
    var on = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Diagram" : "Interactive";
    bar.querySelectorAll("button:not(.pkb-graph__toggle)").forEach(function (b) { b.hidden = on; });
    var stage = figure.querySelector(".pkb-graph__stage");
    if (!on) {
      if (stage) stage.hidden = true;
      canvas.hidden = false;
      return;
    }
    var height = Math.max(320, Math.min(canvas.getBoundingClientRect().height, window.innerHeight * 0.7));
    if (stage) { stage.hidden = false; canvas.hidden = true; return; }
    stage = el("div", { "class": "pkb-graph__stage" });
    stage.style.height = Math.round(height) + "px";
    canvas.hidden = true;
    figure.insertBefore(stage, canvas.nextSibling);
    loadSigma().then(function () {
      var graph = localGraph(svg);
      var view = new GraphView(stage, graph, {
        labelThreshold: 0, labelDensity: 0.5, labelGridCellSize: 140,
        recolour: function () { colourLocal(graph, svg); }
      });
      // Labels run to the right of their dots: leave room for the rightmost ones.
      view.renderer.getCamera().setState({ x: 0.58, y: 0.5, ratio: 1.25 });
      var tools = el("div", { "class": "pkb-graph__stage-tools" });
      zoomButtons(view, tools);
      stage.appendChild(tools);
      stage.setAttribute("data-pkb-ready", "");
      stage.paperkbView = view; // for tests
    }).catch(function () {
      stage.remove();
      canvas.hidden = false;
      toggle.disabled = true;
    });
  }

  // The local graph as the SVG draws it: Graphviz positions, the diagram's own colours.
  function localGraph(svg) {
    var graph = new window.graphology.Graph({ type: "directed", multi: false });
    svg.querySelectorAll("g.pkb-node[data-pkb-key]").forEach(function (g) {
      var rect = g.querySelector("rect");
      var link = g.querySelector("a");
      var title = g.querySelector("title");
      var key = g.getAttribute("data-pkb-key");
      if (!rect || graph.hasNode(key)) return;
      var x = +rect.getAttribute("x") + rect.getAttribute("width") / 2;
      var y = +rect.getAttribute("y") + rect.getAttribute("height") / 2;
      var text = title ? title.textContent : key;
      var year = /\((\d{3,4})\)$/.exec(text);
      var focus = g.classList.contains("pkb-node--focus");
      var title = year ? text.slice(0, year.index).trim() : text;
      graph.addNode(key, {
        x: x, y: -y, size: focus ? 12 : 7, fullTitle: title, label: title.length > 26 ? title.slice(0, 25) + "…" : title,
        year: year ? year[1] : null, href: link ? (link.getAttribute("href") || link.getAttributeNS("http://www.w3.org/1999/xlink", "href")) : null,
        forceLabel: focus // the others show where there is room (sigma's label grid), all on hover
      });
    });
    svg.querySelectorAll("g.pkb-edge[data-pkb-from][data-pkb-to]").forEach(function (g) {
      var from = g.getAttribute("data-pkb-from"), to = g.getAttribute("data-pkb-to");
      if (graph.hasNode(from) && graph.hasNode(to) && !graph.hasEdge(from, to)) graph.addEdge(from, to, { size: 1, group: g });
    });
    colourLocal(graph, svg);
    return graph;
  }

  function colourLocal(graph, svg) {
    graph.forEachNode(function (key, a) {
      var g = svg.querySelector('g.pkb-node[data-pkb-key="' + CSS.escape(key) + '"]');
      a.color = g ? cssVar(g, "--pkb-strong", "#5c7cfa") : "#5c7cfa";
    });
    graph.forEachEdge(function (_e, a) {
      var path = a.group && a.group.querySelector("path");
      a.color = path ? toRgb(getComputedStyle(path).stroke) : "#999999";
    });
  }

  function enhance(root) {
    root.querySelectorAll("figure.pkb-graph").forEach(enhanceFigure);
    root.querySelectorAll("[data-pkb-explorer]:not([data-pkb-started])").forEach(function (mount) {
      mount.setAttribute("data-pkb-started", "");
      new Explorer(mount).start();
    });
  }

  // A diagram in a closed <details> has no width yet: centre it when it opens.
  document.addEventListener("toggle", function (event) {
    if (event.target.querySelectorAll) event.target.querySelectorAll(".pkb-graph__canvas").forEach(centreOnFocus);
  }, true);

  // mkdocs-material's document$ fires on every page, instant navigation included.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { enhance(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
