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

  window.paperkbTypeset = typeset; // for HTML added later (note previews)

  // mkdocs-material emits document$ on every page load (also with instant navigation).
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { typeset(document.body); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  } else {
    typeset(document.body);
  }
})();
