/*
 * What the filter panel keeps: the rules of mapping/filters.py, in the browser.
 *
 * Pure functions (no DOM, no Leaflet): in a page they are window.MAPA_FILTERS,
 * used by panel.js; in node, require("static/mapa/filters.js") (see
 * static/tests/filters.test.js).  Plain ES5.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.MAPA_FILTERS = api; }
}(this, function () {
  "use strict";
  var has = Object.prototype.hasOwnProperty;

  // As mapping.validation.fold: trimmed, lower case, no diacritics, "ł" as "l"
  // (it has no Unicode decomposition).
  function fold(text) {
    var t = String(text).trim().toLowerCase().replace(/\u0142/g, "l");
    if (t.normalize) { t = t.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
    return t;
  }
  // The folded text a row is searched in: its values joined by spaces, as
  // mapping.filters joins the title, address and subtype.
  function searchText(values) {
    return fold(values.map(function (v) {
      return v === null || v === undefined ? "" : String(v);
    }).join(" "));
  }
  // An empty needle matches everything.
  function textMatches(text, needle) {
    return !needle || text.indexOf(needle) !== -1;
  }
  // The key of a category checkbox: the code, "" for none.
  function categoryKey(value) {
    return value === null || value === undefined ? "" : String(value);
  }
  // Shown unless its category's box is unchecked (``off`` maps keys to true).
  function categoryShown(value, off) {
    var key = categoryKey(value);
    return !(has.call(off, key) && off[key]);
  }
  // A value among the wanted ones; nothing wanted keeps every value.
  function isWanted(value, wanted) {
    return !wanted || !wanted.length || wanted.indexOf(value) !== -1;
  }
  // A record serving any wanted group; the "everyone" group serves them all.
  function servesGroup(groups, wanted, everyone) {
    if (!wanted || !wanted.length) { return true; }
    var list = groups || [];
    for (var k = 0; k < list.length; k++) {
      if (list[k] === everyone || wanted.indexOf(list[k]) !== -1) { return true; }
    }
    return false;
  }
  // Which of ``n`` rows pass every part of ``choice``.
  //   rows: {category, targetGroups, status, texts}, each the values by row
  //     (texts: searchText of each row); a column left out (or null) is not
  //     filtered on, as for a layer without that column in mapping.filters
  //   choice: {off, needle, targetGroups, statuses, everyone}; needle folded
  function keepRows(n, rows, choice) {
    var keep = new Array(n), off = choice.off || {};
    for (var i = 0; i < n; i++) {
      keep[i] = (!rows.category || categoryShown(rows.category[i], off)) &&
        (!rows.status || isWanted(rows.status[i], choice.statuses)) &&
        (!rows.targetGroups ||
          servesGroup(rows.targetGroups[i], choice.targetGroups, choice.everyone)) &&
        (!rows.texts || textMatches(rows.texts[i], choice.needle));
    }
    return keep;
  }

  return {
    fold: fold,
    searchText: searchText,
    textMatches: textMatches,
    categoryKey: categoryKey,
    categoryShown: categoryShown,
    isWanted: isWanted,
    servesGroup: servesGroup,
    keepRows: keepRows
  };
}));
