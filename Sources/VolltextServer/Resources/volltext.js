/*
 * Volltext search box: search as you type, highlighted snippets, tag facets
 * as filters, pagination, and the query kept in the URL.
 *
 * On the search page of `volltext serve` it runs as is. On a Jekyll page:
 *   <script src="https://search.example.org/volltext.js" defer></script>
 *   <link rel="stylesheet" href="https://search.example.org/volltext.css">
 *   <div id="volltext"></div>
 * The API is the origin the script came from (or data-api="…" on the div),
 * searches are limited to the page's <html lang> unless the div has data-all-languages,
 * and `volltext serve --cors-origin https://blog.example.org` must allow the page.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 250;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatDate(day) {
    var parts = day.split("-");
    return parts.length === 3 ? parts[2] + "." + parts[1] + "." + parts[0] : day;
  }

  function mount(root) {
    var api = root.getAttribute("data-api") || scriptOrigin;
    var ownPage = root.hasAttribute("data-volltext-page");
    var state = { q: "", tags: [], offset: 0 };
    var timer = null;
    var generation = 0;

    root.classList.add("volltext");
    var form = element("form", "volltext-form");
    form.setAttribute("role", "search");
    var input = element("input", "volltext-input");
    input.type = "search";
    input.name = "q";
    input.placeholder = "Suchen …";
    input.setAttribute("aria-label", "Suchbegriff");
    input.autocomplete = "off";
    form.appendChild(input);
    var status = element("p", "volltext-status");
    status.setAttribute("role", "status");
    var filters = element("div", "volltext-filters");
    var results = element("ol", "volltext-results");
    var pages = element("nav", "volltext-pages");
    pages.setAttribute("aria-label", "Seiten");
    var previous = element("button", null, "← Zurück");
    var next = element("button", null, "Weiter →");
    previous.type = next.type = "button";
    pages.appendChild(previous);
    pages.appendChild(next);
    var facetsTitle = element("p", "volltext-meta", "");
    var facets = element("div", "volltext-facets");
    [form, filters, status, results, pages, facetsTitle, facets].forEach(function (node) { root.appendChild(node); });

    function readURL() {
      var params = new URLSearchParams(location.search);
      state.q = params.get("q") || "";
      state.tags = params.getAll("tag");
      state.offset = parseInt(params.get("offset") || "0", 10) || 0;
      input.value = state.q;
    }

    function writeURL() {
      if (!ownPage && !state.q && !state.tags.length) return;
      var params = new URLSearchParams(location.search);
      params.delete("q"); params.delete("tag"); params.delete("offset");
      if (state.q) params.set("q", state.q);
      state.tags.forEach(function (tag) { params.append("tag", tag); });
      if (state.offset) params.set("offset", String(state.offset));
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    function clear() {
      results.textContent = "";
      facets.textContent = "";
      facetsTitle.textContent = "";
      previous.disabled = next.disabled = true;
    }

    function renderFilters() {
      filters.textContent = "";
      state.tags.forEach(function (tag) {
        var chip = element("button", "volltext-filter", tag + " ×");
        chip.type = "button";
        chip.title = "Filter „" + tag + "“ entfernen";
        chip.addEventListener("click", function () {
          state.tags = state.tags.filter(function (t) { return t !== tag; });
          state.offset = 0;
          search();
        });
        filters.appendChild(chip);
      });
    }

    function render(data) {
      clear();
      if (data.total === 0) {
        status.className = "volltext-status";
        status.textContent = "Keine Treffer für „" + data.query + "“.";
        if (data.suggestion) {
          status.appendChild(document.createTextNode(" Meinten Sie "));
          var suggestion = element("button", "volltext-suggestion", data.suggestion);
          suggestion.type = "button";
          suggestion.addEventListener("click", function () {
            input.value = state.q = data.suggestion;
            state.offset = 0;
            search();
          });
          status.appendChild(suggestion);
          status.appendChild(document.createTextNode("?"));
        }
        return;
      }
      var first = data.offset + 1, last = data.offset + data.hits.length;
      status.className = "volltext-status";
      status.textContent = "";
      if (data.corrected) {
        // A word no post has was searched as the closest one: say which.
        var corrected = element("span", "volltext-corrected");
        corrected.appendChild(document.createTextNode("Ergebnisse für "));
        corrected.appendChild(element("em", null, data.corrected));
        corrected.appendChild(document.createTextNode(": "));
        status.appendChild(corrected);
      }
      status.appendChild(document.createTextNode((data.total === 1 ? "1 Beitrag" : data.total + " Beiträge") +
        (data.total > data.hits.length ? ", " + first + "–" + last : "") +
        (data.relaxed ? " (keiner enthält alle Wörter; hier die mit den meisten)" : "")));
      data.hits.forEach(function (hit) {
        var item = element("li", "volltext-hit");
        var link = element("a", null, hit.title);
        link.href = hit.url;
        item.appendChild(link);
        var meta = [formatDate(hit.date)];
        if (hit.authors.length) meta.push(hit.authors.join(", "));
        if (hit.tags.length) meta.push(hit.tags.join(", "));
        item.appendChild(element("div", "volltext-meta", meta.join(" · ")));
        var snippet = element("p", "volltext-snippet");
        snippet.innerHTML = hit.snippet; // HTML-escaped by the server; only <mark> is markup
        item.appendChild(snippet);
        results.appendChild(item);
      });
      previous.disabled = data.offset === 0;
      next.disabled = last >= data.total;
      var shown = data.facets.tags.filter(function (f) { return state.tags.indexOf(f.tag) < 0; });
      if (shown.length) facetsTitle.textContent = "Schlagworte:";
      shown.forEach(function (facet) {
        var button = element("button", "volltext-facet", facet.tag + " (" + facet.count + ")");
        button.type = "button";
        button.title = "Nur Beiträge mit „" + facet.tag + "“";
        button.addEventListener("click", function () {
          state.tags.push(facet.tag);
          state.offset = 0;
          search();
        });
        facets.appendChild(button);
      });
    }

    function search() {
      renderFilters();
      writeURL();
      if (!state.q.trim() && !state.tags.length) {
        clear();
        status.className = "volltext-status";
        status.textContent = "";
        return;
      }
      var params = new URLSearchParams();
      params.set("q", state.q);
      state.tags.forEach(function (tag) { params.append("tag", tag); });
      params.set("limit", String(PAGE_SIZE));
      params.set("offset", String(state.offset));
      // On a site's page, the page's language picks posts in it (and posts of no
      // known language); data-all-languages on the div turns that off.
      var lang = document.documentElement.getAttribute("lang");
      if (lang && !ownPage && !root.hasAttribute("data-all-languages")) params.set("lang", lang);
      var mine = ++generation;
      status.className = "volltext-status";
      status.textContent = "Suche …";
      fetch(api + "/api/search?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (mine !== generation) return; // a newer search is under way
          if (!answer.ok) throw new Error(answer.body && answer.body.error || "Die Suche ist gerade nicht erreichbar.");
          render(answer.body);
        })
        .catch(function (error) {
          if (mine !== generation) return;
          clear();
          status.className = "volltext-status volltext-error";
          status.textContent = "Fehler: " + (error.message || "Die Suche ist gerade nicht erreichbar.");
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        state.q = input.value;
        state.offset = 0;
        search();
      }, DEBOUNCE_MS);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      state.q = input.value;
      state.offset = 0;
      search();
    });
    previous.addEventListener("click", function () {
      state.offset = Math.max(0, state.offset - PAGE_SIZE);
      search();
    });
    next.addEventListener("click", function () {
      state.offset += PAGE_SIZE;
      search();
    });

    readURL();
    if (state.q || state.tags.length) search();
    if (ownPage) input.focus();
  }

  function start() {
    var roots = document.querySelectorAll("#volltext, [data-volltext]");
    Array.prototype.forEach.call(roots, mount);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
