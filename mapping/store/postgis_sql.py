"""The PostGIS map's tables, functions and triggers, derived from ``mapping.schema``.

The rules of the protocol (``mapping.store.base``) live in the database, so a
client connected straight to the server (QGIS, psql, a script) keeps them too:

- ``mapa_stamp`` (BEFORE INSERT OR UPDATE) gives a new record its id, version 1
  and times, and every real change the next version, the time and the author;
- ``mapa_log_<layer>`` (AFTER INSERT, UPDATE OR DELETE) appends the change to
  ``history`` as the GeoPackage keeps it (``mapping.store.deltas``): an UPDATE
  with what changed (``mapa_delta``), an INSERT with no state (the row holds
  it); a DELETE is logged with the whole old row, so the record can be restored;
- a deferred trigger on ``history`` counts committed changes in ``mapa_changes``
  (``data_version``), in commit order, holding its row lock only while committing.

The app says who changes what through transaction-local settings
(``mapa.author``, ``mapa.batch_id``, ``mapa.note``, ``mapa.now``,
``mapa.action``); without them the change is recorded as made outside the app,
under the session's ``application_name``.  ``mapa.copying = on`` (used only by
``python -m mapping copy``) stores rows and history exactly as given — into a
map without history only, so no client can switch the history off.
"""

from __future__ import annotations

from mapping.schema import LAYERS, SYSTEM_FIELDS, Field, FieldType, Layer

__all__ = [
    "GEOM",
    "TIMESTAMP_FIELDS",
    "create_statements",
    "quote",
    "select_columns",
    "upgrade_statements",
]

GEOM = "geom"
SRID = 4326
TIMESTAMP_FIELDS = ("created_at", "updated_at", "archived_at")
_GEOMETRY_TYPES = {"POINT": "Point", "MULTIPOLYGON": "MultiPolygon", "GEOMETRY": "Geometry"}
_SQL_TYPES = {
    FieldType.INTEGER: "bigint",
    FieldType.REAL: "double precision",
    FieldType.DATE: "date",
}


def quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(f: Field) -> str:
    if f.name in TIMESTAMP_FIELDS:
        return "timestamptz"
    if f.name == "version":
        return "integer"
    return _SQL_TYPES.get(f.type, "text")


def _read_expression(f: Field, prefix: str = "") -> str:
    """How a column is read so that it comes out in the record-frame form."""
    column = prefix + quote(f.name)
    if f.name in TIMESTAMP_FIELDS:
        return f"mapa_iso({column})"
    if f.type == FieldType.DATE:
        return f"to_char({column}, 'YYYY-MM-DD')"
    return column


def select_columns(layer: Layer) -> str:
    """The SELECT list of a record: system fields, fields, then the geometry as WKB."""
    parts = [_read_expression(f) for f in (*SYSTEM_FIELDS, *layer.fields)]
    parts.append(f"ST_AsBinary({GEOM})" if layer.geometry else "NULL")
    return ", ".join(parts)


_COMMON = """
CREATE TABLE mapa_changes (id integer PRIMARY KEY CHECK (id = 1), changes bigint NOT NULL);
INSERT INTO mapa_changes VALUES (1, 0);
CREATE TABLE history (
  fid bigserial PRIMARY KEY, layer text NOT NULL, record_id text NOT NULL,
  version integer NOT NULL, action text NOT NULL, author text NOT NULL,
  at timestamptz NOT NULL, batch_id text, note text, before jsonb, after jsonb NOT NULL);
CREATE INDEX history_record ON history (layer, record_id);
CREATE INDEX history_batch ON history (batch_id);
CREATE INDEX history_at ON history (layer, at);
COMMENT ON TABLE history IS 'Historia zmian (zapisywana przez wyzwalacze)';

CREATE FUNCTION mapa_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE FUNCTION mapa_list(t text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(btrim(x) ORDER BY n) FILTER (WHERE btrim(x) <> ''), '[]'::jsonb)
  FROM unnest(string_to_array(t, ';')) WITH ORDINALITY AS u(x, n) $$;

CREATE FUNCTION mapa_in_app() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('mapa.author', true), '') <> '' $$;

CREATE FUNCTION mapa_now() RETURNS timestamptz LANGUAGE sql VOLATILE AS $$
  SELECT coalesce(nullif(current_setting('mapa.now', true), '')::timestamptz,
                  date_trunc('milliseconds', clock_timestamp())) $$;

-- An edit made outside the app is signed with the client's name, marked as such.
CREATE FUNCTION mapa_author() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN mapa_in_app() THEN current_setting('mapa.author')
    ELSE coalesce(nullif(current_setting('application_name'), ''), 'klient bazy danych')
         || ' (poza aplikacją, ' || session_user || ')' END $$;

CREATE FUNCTION mapa_batch() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN mapa_in_app() THEN current_setting('mapa.batch_id', true)
    ELSE 'poza-' || txid_current()::text END $$;

CREATE FUNCTION mapa_note() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN mapa_in_app() THEN coalesce(current_setting('mapa.note', true), '')
    ELSE 'zmiana poza aplikacją' END $$;

-- Any client may set mapa.copying; it is honoured only while the map has no history yet
-- (a copy fills an empty map, records before history), so it cannot hide an edit.
CREATE FUNCTION mapa_copying() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN coalesce(current_setting('mapa.copying', true), '') = 'on'
    THEN NOT EXISTS (SELECT 1 FROM history) ELSE false END $$;

CREATE FUNCTION mapa_stamp() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  ts timestamptz;
  last_version integer;
  system_fields text[] := ARRAY['fid', 'id', 'version', 'created_at', 'updated_at', 'author'];
BEGIN
  IF mapa_copying() THEN RETURN NEW; END IF;
  ts := mapa_now();
  IF TG_OP = 'INSERT' THEN
    IF coalesce(NEW.id, '') = '' THEN
      NEW.id := substr(replace(gen_random_uuid()::text, '-', ''), 1, 12);
    ELSE  -- an id seen before (a deleted record brought back) continues its versions
      SELECT max(version) INTO last_version FROM history
       WHERE layer = TG_TABLE_NAME AND record_id = NEW.id;
    END IF;
    NEW.version := coalesce(last_version, 0) + 1;
    NEW.created_at := CASE WHEN last_version IS NULL THEN ts ELSE coalesce(NEW.created_at, ts) END;
    NEW.updated_at := ts;
    NEW.author := mapa_author();
    RETURN NEW;
  END IF;
  -- A client that sets the version to the one it edited plus one states what it edited:
  -- a stale one is refused (the app instead puts WHERE version = … in its UPDATE).
  IF NEW.version IS DISTINCT FROM OLD.version AND NEW.version IS DISTINCT FROM OLD.version + 1 THEN
    RAISE EXCEPTION 'wpis % zmieniono w międzyczasie (wersja %, edytowano wersję %)',
      OLD.id, OLD.version, NEW.version - 1 USING ERRCODE = 'serialization_failure';
  END IF;
  IF (to_jsonb(NEW) - system_fields) = (to_jsonb(OLD) - system_fields) THEN
    RETURN OLD;  -- nothing changed: no new version
  END IF;
  NEW.fid := OLD.fid;
  NEW.id := OLD.id;
  NEW.created_at := OLD.created_at;
  NEW.version := OLD.version + 1;
  NEW.updated_at := ts;
  NEW.author := mapa_author();
  RETURN NEW;
END $$;

CREATE FUNCTION mapa_count() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE mapa_changes SET changes = changes + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER history_counted AFTER INSERT ON history
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION mapa_count();
"""

#: What an UPDATE changed, ``{field: [old, new]}`` (``mapping.store.deltas``).
_DELTA = """
CREATE OR REPLACE FUNCTION mapa_delta(o jsonb, n jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(b.key, jsonb_build_array(b.value, a.value)), '{}'::jsonb)
  FROM jsonb_each(o) AS b JOIN jsonb_each(n) AS a ON a.key = b.key
  WHERE b.value IS DISTINCT FROM a.value
    AND b.key NOT IN ('id', 'version', 'created_at', 'updated_at', 'author') $$;
"""

_LOG = """
CREATE OR REPLACE FUNCTION {snapshot}(r {table}) RETURNS jsonb LANGUAGE sql STABLE AS
$$ SELECT {pairs} $$;

CREATE OR REPLACE FUNCTION {log}()
RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  act text := CASE WHEN mapa_in_app() THEN nullif(current_setting('mapa.action', true), '') END;
  ts timestamptz;
BEGIN
  IF mapa_copying() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO history (layer, record_id, version, action, author, at, batch_id, note,
                         before, after)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.version, coalesce(act, 'create'), NEW.author,
            NEW.updated_at, mapa_batch(), mapa_note(), NULL, '{{}}'::jsonb);
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.version = OLD.version THEN RETURN NULL; END IF;
    act := coalesce(act, CASE
      WHEN OLD.archived_at IS NULL AND NEW.archived_at IS NOT NULL THEN 'archive'
      WHEN OLD.archived_at IS NOT NULL AND NEW.archived_at IS NULL THEN 'unarchive'
      ELSE 'update' END);
    INSERT INTO history (layer, record_id, version, action, author, at, batch_id, note,
                         before, after)
    VALUES (TG_TABLE_NAME, NEW.id, NEW.version, act, NEW.author, NEW.updated_at,
            mapa_batch(), mapa_note(), mapa_delta({snapshot}(OLD), {snapshot}(NEW)),
            '{{}}'::jsonb);
  ELSE
    -- Deleted: the last state stays in history as an archived version, to restore from.
    ts := mapa_now();
    INSERT INTO history (layer, record_id, version, action, author, at, batch_id, note,
                         before, after)
    VALUES (TG_TABLE_NAME, OLD.id, OLD.version + 1, 'delete', mapa_author(), ts,
            mapa_batch(), mapa_note(), {snapshot}(OLD),
            {snapshot}(OLD) || jsonb_build_object(
              'version', OLD.version + 1, 'author', mapa_author(), 'updated_at', mapa_iso(ts),
              'archived_at', mapa_iso(coalesce(OLD.archived_at, ts))));
  END IF;
  RETURN NULL;
END $$;
"""


def _snapshot_pairs(layer: Layer) -> str:
    """``jsonb_build_object`` of a whole record, in the GeoPackage snapshot form."""
    pairs = []
    for f in (*SYSTEM_FIELDS, *layer.fields):
        if f.type in (FieldType.MULTICHOICE, FieldType.REFS):
            value = f"mapa_list(r.{quote(f.name)})"
        else:
            value = _read_expression(f, "r.")
        pairs.append(f"'{f.name}', {value}")
    geometry = f"ST_AsText(r.{GEOM}, 7)" if layer.geometry else "NULL"
    pairs.append(f"'geometry', {geometry}")
    # jsonb_build_object takes at most 100 arguments: build in chunks and merge.
    chunks = [pairs[i : i + 40] for i in range(0, len(pairs), 40)]
    return " || ".join(f"jsonb_build_object({', '.join(chunk)})" for chunk in chunks)


def _log_statements(layer: Layer) -> list[str]:
    """The layer's snapshot function and history trigger function (created or replaced)."""
    script = _LOG.format(
        snapshot=quote(f"mapa_snapshot_{layer.name}"),
        table=quote(layer.name),
        log=quote(f"mapa_log_{layer.name}"),
        pairs=_snapshot_pairs(layer),
    )
    return _split(script)


def _layer_statements(layer: Layer) -> list[str]:
    table = quote(layer.name)
    columns = ["fid bigserial PRIMARY KEY"]
    for f in (*SYSTEM_FIELDS, *layer.fields):
        extra = ""
        if f.name == "id":
            extra = (
                " NOT NULL UNIQUE DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)"
            )
        elif f.name == "version":
            extra = " NOT NULL DEFAULT 1"
        columns.append(f"{quote(f.name)} {_sql_type(f)}{extra}")
    if layer.geometry:
        columns.append(f"{GEOM} geometry({_GEOMETRY_TYPES[layer.geometry]}, {SRID})")
    statements = [
        f"CREATE TABLE {table} ({', '.join(columns)})",
        f"COMMENT ON TABLE {table} IS '{layer.label.replace(chr(39), chr(39) * 2)}'",
        f"CREATE TRIGGER mapa_stamp BEFORE INSERT OR UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION mapa_stamp()",
    ]
    if layer.geometry:
        statements.append(
            f"CREATE INDEX {quote(layer.name + '_geom')} ON {table} USING gist ({GEOM})"
        )
    if "city" in layer.field_names:
        statements.append(f"CREATE INDEX {quote(layer.name + '_city')} ON {table} (city)")
    log = quote(f"mapa_log_{layer.name}")
    statements.extend(_log_statements(layer))
    statements.append(
        f"CREATE TRIGGER mapa_log AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {log}()"
    )
    return statements


def create_statements() -> list[str]:
    """Every statement that creates an empty map in the current schema, in order."""
    statements = _split(_COMMON) + _split(_DELTA)
    for layer in LAYERS.values():
        statements.extend(_layer_statements(layer))
    return statements


def upgrade_statements() -> list[str]:
    """What brings a map made before deltas up to date: the history functions of today.

    Rows written before keep their whole snapshots; ``mapping.store.deltas``
    reads both.
    """
    statements = _split(_DELTA)
    for layer in LAYERS.values():
        statements.extend(_log_statements(layer))
    return statements


def _split(script: str) -> list[str]:
    """Statements of a script: ``;`` ends one, except inside ``$$`` bodies."""
    statements, current, in_body = [], [], False
    for line in script.splitlines():
        current.append(line)
        in_body ^= line.count("$$") % 2 == 1
        if not in_body and line.rstrip().endswith(";"):
            statement = "\n".join(current).strip().rstrip(";")
            if statement and not all(
                part.strip().startswith("--") for part in statement.splitlines()
            ):
                statements.append(statement)
            current = []
    return statements
