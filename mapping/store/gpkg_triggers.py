"""Versions and history kept by the GeoPackage file itself, for edits made outside the app.

QGIS and ``ogrinfo FILE -sql …`` write the tables through GDAL's SQLite, which
knows none of the app's Python: these triggers are plain SQL (no function the
app registers), so any client keeps the rules the PostGIS map keeps with
``mapping.store.postgis_sql``:

- an UPDATE made outside the app gets the next version, the time and an author
  marked "poza aplikacją", and what it changed goes to ``history`` (the delta
  the app writes, ``mapping.store.deltas``); a write that states a version
  other than the current one or the next is refused;
- an INSERT gets an id (12 hex digits, as the app's), the next version (1, or
  the one after a deleted record's last) and a ``create`` row in history;
- a DELETE leaves the last state in history as an archived version
  (action ``delete``), so ``restore`` / ``undo_last`` bring the record back;
- an id, once given, cannot be changed, and ``history`` itself refuses UPDATE
  and DELETE (QGIS and ogrinfo show the Polish message of the refusal).

New files get the triggers at creation; ``ensure_versioning`` adds them (and
the id column that lets QGIS add a feature with no id) to a file made before,
each time a store opens it — a no-op once the file is current.

The app writes its own history row *before* the row it describes (see
``mapping.store.gpkg_writer``); a trigger sees that row and stays silent, so the
app's writes are never recorded twice.  Rows written here hold deltas and
snapshots in a raw form (list fields as stored text, the geometry as the hex
of its GeoPackage blob under ``geometry_gpkg``) and a ``batch_id`` starting
with :data:`OUTSIDE_BATCH_PREFIX`; ``mapping.store.deltas`` reads both forms.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from mapping.schema import LAYERS, SYSTEM_FIELDS, Layer
from mapping.store.deltas import NO_STATE

__all__ = [
    "HISTORY_DELETE_MESSAGE",
    "HISTORY_UPDATE_MESSAGE",
    "ID_COLUMN",
    "ID_MESSAGE",
    "OUTSIDE_AUTHOR",
    "OUTSIDE_BATCH_PREFIX",
    "STALE_MESSAGE",
    "drop_triggers",
    "ensure_versioning",
    "insert_trigger_name",
    "install_triggers",
    "trigger_statements",
]

GEOM = "geom"
#: The author of a change made outside the app (QGIS, ogrinfo, a script).
OUTSIDE_AUTHOR = "program zewnętrzny (poza aplikacją)"
OUTSIDE_NOTE = "zmiana poza aplikacją"
#: ``batch_id`` of history rows written by these triggers (one per SQL statement).
OUTSIDE_BATCH_PREFIX = "poza-"
#: The ``id`` column.  Not ``NOT NULL``: QGIS and GDAL insert a new feature with no id
#: (GDAL would copy an SQL DEFAULT expression in as text), and the insert trigger
#: then gives it one like the app's.
ID_COLUMN = '"id" TEXT UNIQUE'
_OLD_ID_COLUMN = '"id" TEXT NOT NULL UNIQUE'
_PREFIX = "mapa_"
#: What QGIS or ogrinfo shows when a write is refused.
STALE_MESSAGE = (
    "Wpis został w międzyczasie zmieniony (zapisywana wersja nie jest bieżąca). "
    "Nic nie zapisano — odśwież warstwę i wprowadź zmianę ponownie."
)
HISTORY_UPDATE_MESSAGE = (
    "Historii zmian nie można poprawiać — to zapis tego, co się stało. "
    "Popraw sam wpis w jego warstwie; zmiana trafi do historii."
)
ID_MESSAGE = (
    "Identyfikatora wpisu (id) nie można zmieniać — po nim aplikacja zna historię wpisu "
    "i rozpoznaje go przy imporcie. Nic nie zapisano."
)
HISTORY_DELETE_MESSAGE = (
    "Historii zmian nie można usuwać — dzięki niej każdą zmianę da się cofnąć "
    "i odtworzyć stan mapy na dowolny dzień."
)

# 'now' is the same for every call within one statement, so all rows of one
# outside UPDATE share the time and the batch.
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_BATCH = f"'{OUTSIDE_BATCH_PREFIX}' || replace(strftime('%Y%m%dT%H%M%f', 'now'), '.', '')"
_AUTHOR = f"'{OUTSIDE_AUTHOR}'"
_NOTE = f"'{OUTSIDE_NOTE}'"
_HISTORY_COLUMNS = "layer, record_id, version, action, author, at, batch_id, note, before, after"
#: Pairs per json_object()/json_insert() call: SQLite allows 127 arguments.
_PAIRS_PER_CALL = 40


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _snapshot(layer: Layer, row: str, overrides: dict[str, str] | None = None) -> str:
    """JSON of the record ``row`` (``OLD``, ``NEW`` or a table alias), raw form."""
    overrides = overrides or {}
    pairs = [
        (f.name, overrides.get(f.name, f"{row}.{_quote(f.name)}"))
        for f in (*SYSTEM_FIELDS, *layer.fields)
    ]
    blob = f"nullif(hex({row}.{GEOM}), '')" if layer.geometry else "NULL"
    pairs += [("geometry", "NULL"), ("geometry_gpkg", blob)]
    chunks = [pairs[i : i + _PAIRS_PER_CALL] for i in range(0, len(pairs), _PAIRS_PER_CALL)]
    sql = "json_object(" + ", ".join(f"'{k}', {v}" for k, v in chunks[0]) + ")"
    for chunk in chunks[1:]:  # json_insert, not json_patch: a patch drops null values
        sql = f"json_insert({sql}, " + ", ".join(f"'$.{k}', {v}" for k, v in chunk) + ")"
    return sql


def _delta(layer: Layer) -> str:
    """JSON of what an UPDATE changed, ``{field: [old, new]}`` (``mapping.store.deltas``).

    ``json_patch`` drops the members a CASE left NULL (unchanged fields); a
    changed field's pair is an array, never NULL, so it stays.
    """
    pairs = [
        (name, f"CASE WHEN OLD.{_quote(name)} IS NOT NEW.{_quote(name)} "
               f"THEN json_array(OLD.{_quote(name)}, NEW.{_quote(name)}) END")
        for name in [*layer.field_names, "archived_at"]
    ]  # fmt: skip
    if layer.geometry:  # a blob cannot go into JSON: its hex, as in a deletion's snapshot
        pairs.append((
            "geometry_gpkg",
            f"CASE WHEN OLD.{GEOM} IS NOT NEW.{GEOM} THEN json_array("
            f"nullif(hex(OLD.{GEOM}), ''), nullif(hex(NEW.{GEOM}), '')) END",
        ))  # fmt: skip
    sql = "'{}'"
    for i in range(0, len(pairs), _PAIRS_PER_CALL):
        chunk = pairs[i : i + _PAIRS_PER_CALL]
        sql = f"json_patch({sql}, json_object(" + ", ".join(f"'{k}', {v}" for k, v in chunk) + "))"
    return sql


def _last_entry(layer: Layer, record_id: str) -> str:
    """The fid of the newest history row of a record."""
    return (
        f"(SELECT max(fid) FROM history WHERE layer = {_literal(layer.name)} "
        f"AND record_id = {record_id})"
    )


def _logged(layer: Layer, record_id: str, version: str) -> str:
    """Whether the newest history row of the record is ``version`` (not a deletion):
    the app (or a trigger) has recorded this write already."""
    return (
        f"EXISTS (SELECT 1 FROM history WHERE fid = {_last_entry(layer, record_id)} "
        f"AND version = {version} AND action <> 'delete')"
    )


def _changed(layer: Layer) -> str:
    """Whether an UPDATE changed anything but the system stamps."""
    names = [*layer.field_names, "archived_at", *([GEOM] if layer.geometry else [])]
    return "(" + " OR ".join(f"NEW.{_quote(n)} IS NOT OLD.{_quote(n)}" for n in names) + ")"


def _insert_body(layer: Layer, fid: str) -> list[str]:
    """What an outside INSERT of the row ``fid`` needs: an id, the next version, history."""
    table, name = _quote(layer.name), _literal(layer.name)
    this = f"fid = {fid}"
    earlier = f"(SELECT max(version) FROM history WHERE layer = {name} AND record_id = r.id)"
    known = (
        f"(SELECT json_extract(after, '$.created_at') FROM history "
        f"WHERE fid = {_last_entry(layer, 'r.id')})"
    )
    stamps = {
        "version": f"coalesce({earlier}, 0) + 1",
        # A deleted record typed back in keeps its creation time; a new one starts now.
        "created_at": (
            f"CASE WHEN {earlier} IS NULL THEN {_NOW} "
            f"ELSE coalesce(r.created_at, {known}, {_NOW}) END"
        ),
        "updated_at": _NOW,
        "author": _AUTHOR,
    }
    last = f"(SELECT {{}} FROM history WHERE fid = {_last_entry(layer, table + '.id')})"
    created = last.format("json_extract(after, '$.created_at')")
    return [
        f"UPDATE {table} SET id = lower(hex(randomblob(6))) "
        f"WHERE {this} AND trim(coalesce(id, '')) = ''",
        # History first: the stamp below then counts as recorded for the update triggers.
        f"INSERT INTO history ({_HISTORY_COLUMNS})\n"
        f"  SELECT {name}, r.id, {stamps['version']}, 'create', {_AUTHOR}, {_NOW}, {_BATCH},\n"
        f"    {_NOTE}, NULL, json_object('created_at', {stamps['created_at']})\n"
        f"  FROM {table} AS r WHERE r.{this}",
        f"UPDATE {table} SET version = {last.format('version')},\n"
        f"    updated_at = {last.format('at')}, author = {last.format('author')},\n"
        f"    created_at = {created}\n"
        f"  WHERE {this}",
    ]


def insert_trigger_name(layer: Layer) -> str:
    """The name of the trigger that versions a row inserted outside the app."""
    return f"{_PREFIX}{layer.name}_insert"


def _insert_trigger(layer: Layer) -> str:
    body = "".join(f"  {statement};\n" for statement in _insert_body(layer, "NEW.fid"))
    return f"""
CREATE TRIGGER {_quote(insert_trigger_name(layer))} AFTER INSERT ON {_quote(layer.name)}
FOR EACH ROW WHEN NOT {_logged(layer, "NEW.id", "NEW.version")}
BEGIN
{body}END"""


def _update_guard(layer: Layer) -> str:
    table = _quote(layer.name)
    return f"""
CREATE TRIGGER {_quote(_PREFIX + layer.name + "_stale")} BEFORE UPDATE ON {table}
FOR EACH ROW WHEN NEW.version IS NOT OLD.version AND NEW.version IS NOT OLD.version + 1
  AND NOT {_logged(layer, "NEW.id", "NEW.version")}
BEGIN
  SELECT RAISE(ABORT, {_literal(STALE_MESSAGE)});
END"""


def _id_guard(layer: Layer) -> str:
    # Only an insert without id (NULL or blank) gets one; a set id stays.
    return f"""
CREATE TRIGGER {_quote(_PREFIX + layer.name + "_id")} BEFORE UPDATE OF id ON {_quote(layer.name)}
FOR EACH ROW WHEN NEW.id IS NOT OLD.id AND trim(coalesce(OLD.id, '')) <> ''
BEGIN
  SELECT RAISE(ABORT, {_literal(ID_MESSAGE)});
END"""


def _update_trigger(layer: Layer) -> str:
    table, name = _quote(layer.name), _literal(layer.name)
    version = "coalesce(OLD.version, 0) + 1"
    action = (
        "CASE WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL THEN 'archive' "
        "WHEN OLD.archived_at IS NOT NULL AND NEW.archived_at IS NULL THEN 'unarchive' "
        "ELSE 'update' END"
    )
    # A write already in history (the app's, or a trigger's own stamp) changes the
    # version to the one it logged; anything else is an outside edit.
    recorded = f"(NEW.version IS NOT OLD.version AND {_logged(layer, 'NEW.id', 'NEW.version')})"
    return f"""
CREATE TRIGGER {_quote(_PREFIX + layer.name + "_update")} AFTER UPDATE ON {table}
FOR EACH ROW WHEN NOT {recorded} AND ({_changed(layer)} OR NEW.version IS NOT OLD.version)
BEGIN
  INSERT INTO history ({_HISTORY_COLUMNS})
  VALUES ({name}, OLD.id, {version}, {action}, {_AUTHOR}, {_NOW}, {_BATCH}, {_NOTE},
          {_delta(layer)}, '{NO_STATE}');
  UPDATE {table} SET version = {version}, created_at = OLD.created_at,
    updated_at = {_NOW}, author = {_AUTHOR}
  WHERE fid = NEW.fid;
END"""


def _delete_trigger(layer: Layer) -> str:
    table, name = _quote(layer.name), _literal(layer.name)
    version = "coalesce(OLD.version, 0) + 1"
    stamps = {
        "version": version,
        "updated_at": _NOW,
        "author": _AUTHOR,
        "archived_at": f"coalesce(OLD.archived_at, {_NOW})",
    }
    return f"""
CREATE TRIGGER {_quote(_PREFIX + layer.name + "_delete")} AFTER DELETE ON {table}
FOR EACH ROW
BEGIN
  INSERT INTO history ({_HISTORY_COLUMNS})
  VALUES ({name}, OLD.id, {version}, 'delete', {_AUTHOR}, {_NOW}, {_BATCH}, {_NOTE},
          {_snapshot(layer, "OLD")}, {_snapshot(layer, "OLD", stamps)});
END"""


_HISTORY_GUARDS = {
    f"{_PREFIX}history_no_update": f"""
CREATE TRIGGER "mapa_history_no_update" BEFORE UPDATE ON history
BEGIN
  SELECT RAISE(ABORT, {_literal(HISTORY_UPDATE_MESSAGE)});
END""",
    f"{_PREFIX}history_no_delete": f"""
CREATE TRIGGER "mapa_history_no_delete" BEFORE DELETE ON history
BEGIN
  SELECT RAISE(ABORT, {_literal(HISTORY_DELETE_MESSAGE)});
END""",
}


def trigger_statements() -> dict[str, str]:
    """Every trigger of a map, by name: its ``CREATE TRIGGER`` statement."""
    return dict(_statements())


@cache  # the schema is fixed: built once (a bulk write asks for one of them)
def _statements() -> dict[str, str]:
    statements = {name: sql.strip() for name, sql in _HISTORY_GUARDS.items()}
    for layer in LAYERS.values():
        for suffix, build in (
            ("insert", _insert_trigger),
            ("id", _id_guard),
            ("stale", _update_guard),
            ("update", _update_trigger),
            ("delete", _delete_trigger),
        ):
            statements[f"{_PREFIX}{layer.name}_{suffix}"] = build(layer).strip()
    return statements


def install_triggers(conn: sqlite3.Connection) -> None:
    """Create every trigger (inside the caller's transaction)."""
    for sql in trigger_statements().values():
        conn.execute(sql)


def drop_triggers(conn: sqlite3.Connection) -> None:
    """Drop every trigger of ours (e.g. to copy rows and history exactly as given)."""
    for name in trigger_statements():
        conn.execute(f"DROP TRIGGER IF EXISTS {_quote(name)}")


def ensure_versioning(conn: sqlite3.Connection) -> bool:
    """Bring an existing file up to date: id column, stamps, triggers; idempotent.

    Reads the schema only; writes (under ``BEGIN IMMEDIATE``) only when something
    is missing or outdated.  Returns whether the file was changed.
    """
    if not _needs_update(conn):
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _needs_update(conn):  # another process may have migrated it meanwhile
            drop_triggers(conn)
            for layer in LAYERS.values():
                _give_id_a_default(conn, layer)
            install_triggers(conn)
            for layer in LAYERS.values():
                _stamp_unversioned(conn, layer)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True


def _needs_update(conn: sqlite3.Connection) -> bool:
    present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    if any(present.get(name) != sql for name, sql in trigger_statements().items()):
        return True
    tables = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    return any(_OLD_ID_COLUMN in (tables.get(name) or "") for name in LAYERS)


def _give_id_a_default(conn: sqlite3.Connection, layer: Layer) -> None:
    """Rebuild a table created before ids had a default (SQLite cannot alter a column).

    The table keeps its name, rows, fids and its other indexes and triggers
    (a spatial index QGIS may have added), so GeoPackage metadata stays valid.
    """
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (layer.name,)
    ).fetchone()
    if _OLD_ID_COLUMN not in sql:
        return
    table, scratch = _quote(layer.name), _quote(layer.name + "__mapa_przebudowa")
    extras = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL",
            (layer.name,),
        )
    ]
    body = sql[sql.index("(") :].replace(_OLD_ID_COLUMN, ID_COLUMN, 1)
    conn.execute(f"CREATE TABLE {scratch} {body}")
    conn.execute(f"INSERT INTO {scratch} SELECT * FROM {table}")
    # AUTOINCREMENT: fids of rows deleted earlier are never handed out again.
    sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (layer.name,))
    seq = (sequence.fetchone() or (0,))[0]
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {scratch} RENAME TO {table}")
    conn.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, layer.name))
    for statement in extras:
        conn.execute(statement)


def _stamp_unversioned(conn: sqlite3.Connection, layer: Layer) -> None:
    """Rows added outside the app before the triggers existed (no version, maybe no id)
    get what the insert trigger gives now: an id, a version and a history row."""
    fids = conn.execute(
        f"SELECT fid FROM {_quote(layer.name)} WHERE version IS NULL ORDER BY fid"
    ).fetchall()
    for (fid,) in fids:
        for statement in _insert_body(layer, ":fid"):
            conn.execute(statement, {"fid": fid})
