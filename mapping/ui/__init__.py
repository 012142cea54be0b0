"""The Streamlit layer, split by concern — the only package of ``mapping`` that imports streamlit.

Pages use ``from mapping import ui`` and call what is re-exported here.
"""

from mapping.ui.analysis import (
    coverage_for,
    data_rows_for,
    indicators_as_of,
    indicators_for,
    matching_for,
)
from mapping.ui.downloads import backup_panel, table_downloads
from mapping.ui.editor import NEW, RecordEditor
from mapping.ui.forms import record_form
from mapping.ui.i18n import (
    choice_of,
    count_of,
    label_of,
    labelled_columns,
    language,
    tr,
    translated_columns,
)
from mapping.ui.maps import MapView, city_map_for, map_sidebar, show_map
from mapping.ui.meeting import (
    Room,
    capture_popover,
    district_area,
    meeting_map_for,
    meeting_room,
    projector_mode,
    room_menu,
    show_clickable_map,
    slide_buttons,
    slide_heading,
    slide_number,
    start_screen,
)
from mapping.ui.paging import paged_dataframe
from mapping.ui.records import forget_location, location_picker, picked_location
from mapping.ui.shell import (
    Context,
    allowed_pages,
    cached_store,
    context,
    discard_upload,
    get_store,
    leave_pages_folder_mode,
    load_layer,
    opened_record,
    run_action,
    run_page,
    saved_upload,
    sidebar,
)
from mapping.ui.text import CHOOSE, escape, md

__all__ = [
    "CHOOSE",
    "NEW",
    "Context",
    "MapView",
    "RecordEditor",
    "Room",
    "allowed_pages",
    "backup_panel",
    "cached_store",
    "capture_popover",
    "choice_of",
    "city_map_for",
    "context",
    "count_of",
    "coverage_for",
    "data_rows_for",
    "discard_upload",
    "district_area",
    "escape",
    "forget_location",
    "get_store",
    "indicators_as_of",
    "indicators_for",
    "label_of",
    "labelled_columns",
    "language",
    "leave_pages_folder_mode",
    "load_layer",
    "location_picker",
    "map_sidebar",
    "matching_for",
    "md",
    "meeting_map_for",
    "meeting_room",
    "opened_record",
    "paged_dataframe",
    "picked_location",
    "projector_mode",
    "record_form",
    "room_menu",
    "run_action",
    "run_page",
    "saved_upload",
    "show_clickable_map",
    "show_map",
    "sidebar",
    "slide_buttons",
    "slide_heading",
    "slide_number",
    "start_screen",
    "table_downloads",
    "tr",
    "translated_columns",
]
