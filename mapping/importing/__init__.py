"""Importing partner lists and boundaries from the files animators have.

The page and the CLI call, in this order::

    plan = plan_import(path, "resources", "Częstochowa", store)   # reads, writes nothing
    plan.mapping_table(); plan.preview()                          # show
    plan = plan_import(path, …, mapping={…})                      # after a mapping change
    plan.decide(7, "merge")                                       # per-row decisions
    result = commit_import(plan, store, author, progress=cb)      # one transaction
    build_report(plan, result)                                    # JSON report
    store.undo_batch(result.batch_id, author=author)              # undo, as one step

Modules: ``readers`` (and ``csv_reader``, ``xlsx_reader``, ``gis_reader``)
read files into a ``SourceTable``; ``columns`` guesses the column mapping,
``memory`` remembers it; ``coordinates`` detects CRS and swapped axes;
``districts`` holds the city's outline and districts; ``geocoding`` places
addresses offline; ``values`` and ``vocabulary`` fill required fields;
``identity`` matches rows to the records whose id they carry (a file from
the app's own export); ``duplicates`` finds possible duplicates among the
rest; ``rows`` and ``boundaries`` plan rows; ``preview`` is the plan;
``commit`` writes it; ``report`` describes it; ``parts`` lists the sheets or
layers of a file to choose from.
"""

from __future__ import annotations

from mapping.importing.columns import guess_mapping, parse_mapping_spec
from mapping.importing.commit import ImportResult, Progress, commit_import
from mapping.importing.geocoding import AddressIndex, Geocoder, geocode_offline
from mapping.importing.memory import load_mapping, mappings_path, save_mapping, source_key
from mapping.importing.plan import plan_import
from mapping.importing.preview import Decision, ImportPlan, Located, PlannedRow, RowStatus
from mapping.importing.readers import SUPPORTED_SUFFIXES, read_source
from mapping.importing.report import build_report
from mapping.importing.source import SourceReadError, SourceTable
from mapping.importing.targets import IMPORT_LAYERS, targets

__all__ = [
    "IMPORT_LAYERS",
    "SUPPORTED_SUFFIXES",
    "AddressIndex",
    "Decision",
    "Geocoder",
    "ImportPlan",
    "ImportResult",
    "Located",
    "PlannedRow",
    "Progress",
    "RowStatus",
    "SourceReadError",
    "SourceTable",
    "build_report",
    "commit_import",
    "geocode_offline",
    "guess_mapping",
    "load_mapping",
    "mappings_path",
    "parse_mapping_spec",
    "plan_import",
    "read_source",
    "save_mapping",
    "source_key",
    "targets",
]
