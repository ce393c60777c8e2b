// The book's own fixes to the theme, loaded on every page (no dependencies, works from file://).
(function () {
  "use strict";
  document.documentElement.classList.add("reglab-js");

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // The theme attaches its click handlers to the FIRST .primary-toggle / .secondary-toggle on the page, which is a
  // copy hidden in the header; the visible buttons in the article header do nothing. Forward their clicks.
  function forwardToggles() {
    ["primary-toggle", "secondary-toggle"].forEach(function (name) {
      var buttons = document.querySelectorAll("." + name);
      if (buttons.length < 2) return;
      var owner = buttons[0];
      Array.prototype.slice.call(buttons, 1).forEach(function (button) {
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopImmediatePropagation();
          owner.click();
        }, true);
      });
    });
  }

  // Search results: snippets come from the text the build wrote (solutions left out), not from fetching each page,
  // which fails from file:// and would show solution text.
  function localSnippets() {
    if (!window.fetch) return;
    var fetchPage = window.fetch.bind(window);
    window.fetch = function (url, options) {
      var text = window.REGLAB_SEARCH_TEXT || {};  // set by _static/reglab-search-text.js on the search page
      var path = String(url).split("#")[0].split("?")[0];
      var names = Object.keys(text);
      for (var i = 0; i < names.length; i++) {
        var file = names[i] + ".html";
        if (path === file || path.slice(-(file.length + 1)) === "/" + file) {
          var main = document.createElement("div");
          main.textContent = text[names[i]];
          var html = '<div role="main">' + main.innerHTML + "</div>";
          return Promise.resolve(new Response(html, {headers: {"Content-Type": "text/html"}}));
        }
      }
      return fetchPage(url, options);
    };
  }

  // A box that scrolls sideways (wide code, output, equation) must be reachable with the keyboard.
  function focusableScrollers() {
    var boxes = document.querySelectorAll("article pre, article .cell_output, article .output, article table, " +
                                          "article mjx-container[display='true'], article .reglab-scrubber");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }

  function whenTypeset(fn) {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(fn);
    else fn();
  }

  localSnippets();
  ready(forwardToggles);
  window.addEventListener("load", function () {
    whenTypeset(function () {
      focusableScrollers();
      if (document.fonts) document.fonts.ready.then(focusableScrollers);  // math fonts can widen equations later
      if (window.ResizeObserver) {
        var pending = null;
        new ResizeObserver(function () {
          clearTimeout(pending);
          pending = setTimeout(focusableScrollers, 100);
        }).observe(document.querySelector("article") || document.body);
      }
    });
  });
})();
