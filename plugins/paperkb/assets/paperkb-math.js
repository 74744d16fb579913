/* paperkb: typeset pymdownx.arithmatex output (generic mode) with the site's own KaTeX.
   Inline math arrives as <span class="arithmatex">\(...\)</span>, display math as
   <div class="arithmatex">\[...\]</div> (or a bare \begin{env}...\end{env}). */
(function () {
  "use strict";

  function texOf(el) {
    var tex = el.textContent.trim();
    var open = tex.slice(0, 2);
    if ((open === "\\(" && tex.slice(-2) === "\\)") || (open === "\\[" && tex.slice(-2) === "\\]")) {
      tex = tex.slice(2, -2);
    }
    return tex;
  }

  function typeset(root) {
    if (typeof katex === "undefined") return;
    var nodes = root.querySelectorAll(".arithmatex:not([data-pkb-math])");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var tex = texOf(el);
      el.setAttribute("data-pkb-math", "");
      el.setAttribute("data-tex", tex);  // the source stays available (copying, debugging)
      katex.render(tex, el, {
        displayMode: el.tagName !== "SPAN",
        throwOnError: false,  // a typo shows the source in red instead of breaking the page
        strict: "ignore",
        trust: false
      });
    }
  }

  // KaTeX breaks inline math only after a top-level relation or operator, so a long formula
  // (a tuple, a bracketed sum) is wider than a phone's column and widens the whole page. Such a
  // formula gets a line of its own that scrolls sideways, like display math; measured again
  // when the window's width changes.
  function fitWide(root) {
    var nodes = root.querySelectorAll("span.arithmatex[data-pkb-math]");
    for (var i = 0; i < nodes.length; i++) nodes[i].classList.remove("pkb-math--wide");
    for (var j = 0; j < nodes.length; j++) {
      var el = nodes[j];
      var box = el.parentElement;
      while (box && box.parentElement && getComputedStyle(box).display === "inline") box = box.parentElement;
      if (!box) continue;
      if (el.getBoundingClientRect().right > box.getBoundingClientRect().right + 1) {
        el.classList.add("pkb-math--wide");
      }
    }
  }

  function render(root) {
    typeset(root);
    fitWide(root);
  }

  var lastWidth = window.innerWidth, pending = null;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    clearTimeout(pending);
    pending = setTimeout(function () { fitWide(document.body); }, 150);
  });

  window.paperkbTypeset = typeset; // for HTML added later (note previews)

  // mkdocs-material emits document$ on every page load (also with instant navigation).
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { render(document.body); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document.body); });
  } else {
    render(document.body);
  }
})();
