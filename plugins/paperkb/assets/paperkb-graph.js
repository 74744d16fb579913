/* paperkb: a citation diagram wider than its column scrolls sideways; it opens with the note
   it is about (the focus node) in the middle of the view rather than at its left edge, and a
   project's diagram with the project's own papers in view. */
(function () {
  "use strict";

  function centreOnFocus(root) {
    root.querySelectorAll(".pkb-graph__canvas").forEach(function (canvas) {
      if (canvas.hasAttribute("data-pkb-centred") || canvas.scrollWidth <= canvas.clientWidth) return;
      var focus = canvas.querySelector(".pkb-node--focus");
      var view = canvas.getBoundingClientRect();
      if (focus) {
        canvas.setAttribute("data-pkb-centred", "");
        var node = focus.getBoundingClientRect();
        canvas.scrollLeft += node.left + node.width / 2 - (view.left + view.width / 2);
        return;
      }
      // A project's diagram has no focus note: it opens on the project's own papers (drawn
      // "near"; the pale ones are outside the project), centred when they fit the view, else
      // with the newest of them (the rightmost year column) in view.
      var near = canvas.querySelectorAll(".pkb-node--near");
      if (!near.length || view.width === 0) return;
      canvas.setAttribute("data-pkb-centred", "");
      var left = Infinity, right = -Infinity;
      near.forEach(function (el) {
        var box = el.getBoundingClientRect();
        left = Math.min(left, box.left);
        right = Math.max(right, box.right);
      });
      var margin = 16;
      canvas.scrollLeft += right - left + 2 * margin <= view.width
        ? (left + right) / 2 - (view.left + view.width / 2)
        : right + margin - view.right;
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
