/*
 * The filter panel of the one-file HTML export: category checkboxes and a
 * name (and address) search over the map's point layers, with "pokazano N z M"
 * per layer; a search leaving a few records lists them, one is shown at once
 * (zoomed to, its popup open).  What a row must pass is decided by filters.js (MAPA_FILTERS);
 * the layers are the ones runtime.js registered (map.mapaLayers).  All text
 * comes from PanelSettings (mapping/webmap/settings.py).  Plain ES5.
 */
(function () {
  "use strict";
  if (window.MAPA_PANEL) { return; }
  var el = MAPA.el, F = window.MAPA_FILTERS;
  // One formatter: toLocaleString builds a new one on every call.
  var numbers = window.Intl ? new Intl.NumberFormat("pl-PL") : null;
  function number(n) { return numbers ? numbers.format(n) : String(n); }

  function Filter(map, spec) {
    this.spec = spec;
    this.query = "";  // as typed, the needle folded
    this.needle = "";
    this.off = {};
    this.datasets = (map.mapaLayers || []).filter(function (t) {
      return t.mapa.cfg.kind === "points";
    });
    this.datasets.forEach(function (t) {
      t.mapaCategories = t.mapa.column("category");
      t.mapaTexts = null;
    });
  }
  // Folded title, address and subtype of every row; built on the first search.
  Filter.prototype.texts = function (t) {
    if (!t.mapaTexts) {
      var cols = [t.mapa.cfg.title].concat(this.spec.search).map(t.mapa.column);
      t.mapaTexts = new Array(t.mapa.n);
      for (var i = 0; i < t.mapa.n; i++) {
        t.mapaTexts[i] = F.searchText(cols.map(function (c) { return c[i]; }));
      }
    }
    return t.mapaTexts;
  };
  // Apply the current choices; returns [label, shown, total] per dataset.
  Filter.prototype.apply = function () {
    var self = this;
    return this.datasets.map(function (t) {
      var cats = t.mapaCategories;
      var keep = F.keepRows(cats.length,
        { category: cats, texts: self.needle ? self.texts(t) : null },
        { off: self.off, needle: self.needle });
      return [t.mapa.cfg.label, MAPA.show(t, keep), cats.length];
    });
  };

  // The rows the search leaves, at most ``max`` + 1 of them (enough to know
  // there are more): {target, row, title} each.
  Filter.prototype.hits = function (max) {
    var found = [];
    if (!this.needle) { return found; }
    this.datasets.some(function (t) {
      var titles = t.mapaTitles || (t.mapaTitles = t.mapa.column(t.mapa.cfg.title));
      for (var i = 0; i < t.mapa.shown.length && found.length <= max; i++) {
        if (t.mapa.shown[i]) {
          found.push({ target: t, row: i, title: titles[i] || t.mapa.cfg.label });
        }
      }
      return found.length > max;
    });
    return found;
  };

  // A search leaving a few rows lists them, a click shows one; a search
  // leaving exactly one shows it at once (MAPA.focus: zoomed to, popup open).
  var HITS = 8;
  function hitList(map, filter, spec) {
    var box = el("div", "mapa-panel-hits");
    return {
      node: box,
      update: function (searched) {
        box.textContent = "";
        var hits = filter.hits(HITS);
        if (!hits.length || hits.length > HITS) { return; }
        box.appendChild(el("div", "mapa-panel-hits-title", spec.hitsTitle));
        hits.forEach(function (hit) {
          var button = box.appendChild(el("button", null, hit.title));
          button.type = "button";
          L.DomEvent.on(button, "click", function () { MAPA.focus(map, hit.target, hit.row); });
        });
        if (searched && hits.length === 1) { MAPA.focus(map, hits[0].target, hits[0].row); }
      }
    };
  }

  function categoryList(filter, spec, update) {
    var box = el("fieldset", "mapa-panel-categories"), boxes = [];
    box.appendChild(el("legend", null, spec.categoriesTitle));
    var actions = box.appendChild(el("div", "mapa-panel-actions"));
    [[spec.allLabel, true], [spec.noneLabel, false]].forEach(function (a) {
      var button = actions.appendChild(el("button", null, a[0]));
      button.type = "button";
      L.DomEvent.on(button, "click", function () {
        boxes.forEach(function (b) { b.checked = a[1]; filter.off[b.value] = !a[1]; });
        update();
      });
    });
    spec.categories.forEach(function (c) {
      var label = box.appendChild(el("label", "mapa-panel-check"));
      var input = label.appendChild(el("input"));
      input.type = "checkbox"; input.checked = true; input.value = c.key;
      var swatch = label.appendChild(el("span", "mapa-swatch"));
      swatch.style.background = c.color;
      label.appendChild(el("span", null, c.label));
      L.DomEvent.on(input, "change", function () { filter.off[c.key] = !input.checked; update(); });
      boxes.push(input);
    });
    return box;
  }
  function searchBox(filter, spec, update) {
    var label = el("label", "mapa-panel-search");
    label.appendChild(el("span", null, spec.searchLabel));
    var input = label.appendChild(el("input"));
    input.type = "search"; input.placeholder = spec.searchHint; input.autocomplete = "off";
    var timer = null;
    // A short pause after typing: 50,000 rows are filtered once, not per key.
    L.DomEvent.on(input, "input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        filter.query = input.value;
        filter.needle = F.fold(input.value);
        update(true);
      }, 120);
    });
    return label;
  }
  function about(spec) {
    var box = el("details", "mapa-panel-about");
    box.appendChild(el("summary", null, spec.sourcesTitle));
    var list = box.appendChild(el("ul"));
    spec.sources.forEach(function (s) { list.appendChild(el("li", null, s)); });
    if (spec.sample) { box.appendChild(el("p", "mapa-panel-sample", spec.sample)); }
    return box;
  }

  window.MAPA_PANEL = function (map, spec) {
    var filter = new Filter(map, spec), control = L.control({ position: spec.position });
    control.onAdd = function () {
      var box = el("div", "mapa-panel");
      box.appendChild(el("div", "mapa-panel-day", spec.day));
      var body = box.appendChild(el("details"));
      body.open = map.getSize().y >= 500;
      body.appendChild(el("summary", null, spec.title));
      var counts = el("ul", "mapa-panel-counts"), hits = hitList(map, filter, spec);
      counts.setAttribute("aria-live", "polite");
      function update(searched) {
        counts.textContent = "";
        counts.setAttribute("data-query", filter.query);
        filter.apply().forEach(function (r) {
          var li = counts.appendChild(el("li", null,
            r[0] + ": " + spec.shown + " " + number(r[1]) + " " + spec.of + " " + number(r[2])));
          li.setAttribute("data-shown", String(r[1]));
          li.setAttribute("data-total", String(r[2]));
        });
        hits.update(searched === true);
      }
      body.appendChild(searchBox(filter, spec, update));
      body.appendChild(hits.node);
      if (spec.categories.length) { body.appendChild(categoryList(filter, spec, update)); }
      body.appendChild(counts);
      if (spec.sources.length || spec.sample) { box.appendChild(about(spec)); }
      update();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
    // The legend looks for a free corner again (runtime.js).
    map.fire("mapacontrol");
    return filter;
  };
})();
