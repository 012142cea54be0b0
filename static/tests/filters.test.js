// What the export's filter panel keeps (static/mapa/filters.js): the rules of
// mapping/filters.py.  tests/test_static_js.py checks the same rules against
// the Python side itself.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const F = require(path.join(__dirname, "..", "mapa", "filters.js"));

test("fold lowers, trims and drops Polish diacritics, ł included", () => {
  assert.equal(F.fold("  Zażółć GĘŚLĄ Jaźń "), "zazolc gesla jazn");
  assert.equal(F.fold("ŁÓDŹ"), "lodz");
  assert.equal(F.fold("Świętokrzyska"), "swietokrzyska");
  assert.equal(F.fold(""), "");
});

test("a search finds a name or address typed without diacritics, in any case", () => {
  const text = F.searchText(["Biblioteka Łąkowa", "ul. Źródlana 5", null]);
  assert.equal(text, "biblioteka lakowa ul. zrodlana 5");
  for (const typed of ["łąkowa", "LAKOWA", "zrodlana", "Źródlana 5", "  teka "]) {
    assert.ok(F.textMatches(text, F.fold(typed)), typed);
  }
  assert.ok(!F.textMatches(text, F.fold("oliwa")));
  assert.ok(F.textMatches(text, ""), "an empty search keeps every row");
});

test("a category is kept unless its box is unchecked; no category is the '' box", () => {
  const off = { kultura: true, sport: false };
  assert.ok(!F.categoryShown("kultura", off));
  assert.ok(F.categoryShown("sport", off));
  assert.ok(F.categoryShown("zdrowie", off));
  assert.ok(F.categoryShown(null, off));
  assert.ok(!F.categoryShown(null, { "": true }));
  assert.ok(F.categoryShown("constructor", {}), "keys are data, not object members");
});

test("a status filter keeps the wanted statuses; none wanted keeps all", () => {
  assert.ok(F.isWanted("aktywny", ["aktywny", "planowany"]));
  assert.ok(!F.isWanted("zamkniety", ["aktywny"]));
  assert.ok(!F.isWanted(null, ["aktywny"]));
  assert.ok(F.isWanted("zamkniety", []));
});

test("a target-group filter keeps records serving a wanted group or everyone", () => {
  const everyone = "wszyscy";
  assert.ok(F.servesGroup(["dzieci", "seniorzy"], ["seniorzy"], everyone));
  assert.ok(F.servesGroup(["wszyscy"], ["mlodziez"], everyone));
  assert.ok(!F.servesGroup(["dzieci"], ["seniorzy"], everyone));
  assert.ok(!F.servesGroup(null, ["seniorzy"], everyone));
  assert.ok(F.servesGroup(null, [], everyone));
});

test("keepRows combines every part and skips columns a layer lacks", () => {
  const texts = ["Biblioteka", "Klub Seniora", "Boisko", "Świetlica"].map((t) => F.searchText([t]));
  const rows = {
    category: ["kultura", "kultura", "sport", null],
    status: ["aktywny", "zamkniety", "aktywny", "aktywny"],
    targetGroups: [["dzieci"], ["seniorzy"], ["wszyscy"], ["dzieci"]],
    texts: texts,
  };
  const all = F.keepRows(4, rows, { off: {}, needle: "" });
  assert.deepEqual(all, [true, true, true, true]);
  assert.deepEqual(
    F.keepRows(4, rows, { off: { sport: true }, statuses: ["aktywny"], needle: "" }),
    [true, false, false, true]);
  assert.deepEqual(
    F.keepRows(4, rows, { targetGroups: ["seniorzy"], everyone: "wszyscy", needle: "" }),
    [false, true, true, false]);
  assert.deepEqual(
    F.keepRows(4, rows, { off: {}, needle: F.fold("swietl") }), [false, false, false, true]);
  // A layer without statuses or groups is not filtered on them.
  assert.deepEqual(
    F.keepRows(2, { category: ["kultura", null] }, { statuses: ["aktywny"], targetGroups: ["x"] }),
    [true, true]);
});
