/* paperkb: a citation diagram wider than its column scrolls sideways; it opens with the note
   it is about (the focus node) in the middle of the view rather than at its left edge. */
(function () {
  "use strict";

  function centreOnFocus(root) {
    root.querySelectorAll(".pkb-graph__canvas").forEach(function (canvas) {
      if (canvas.hasAttribute("data-pkb-centred") || canvas.scrollWidth <= canvas.clientWidth) return;
      var focus = canvas.querySelector(".pkb-node--focus");
      if (!focus) return;
      canvas.setAttribute("data-pkb-centred", "");
      var node = focus.getBoundingClientRect();
      var view = canvas.getBoundingClientRect();
      canvas.scrollLeft += node.left + node.width / 2 - (view.left + view.width / 2);
    });
  }

  // A diagram in a closed <details> has no width yet: centre it when it opens.
  document.addEventListener("toggle", function (event) { centreOnFocus(event.target); }, true);

  // mkdocs-material's document$ fires on every page, instant navigation included.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { centreOnFocus(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { centreOnFocus(document); });
  } else {
    centreOnFocus(document);
  }
})();
