"""The map's own folium elements: the JavaScript runtime and record layers.

``MapRuntime`` loads our browser code, ``static/mapa/runtime.js`` (with the
packed-data decoder ``packed.js``, the label layout ``layout.js`` and the
clustering helpers ``clusters.js``) and ``runtime.css``, the way a folium
plugin loads its ``default_js``/``default_css``: linked from Streamlit's
static route in the app, inlined in an exported file (see
``mapping.webmap.assets``).  It hands the runtime the map's ``MapSettings``.

``RecordLayer`` draws a whole layer (all resources, all needs, all districts)
as one Leaflet GeoJSON layer: points become canvas-drawn shape markers, so
50,000 records cost one layer, not 50,000 DOM nodes.  A clustered layer
(``cluster``) loads supercluster too and draws only what is in view: count
bubbles and the points standing alone.  Popups and tooltips are
bound once to the layer and built in the browser from the feature's properties
with ``textContent`` — user text is never parsed as HTML.  The properties
themselves are prepared by ``mapping.webmap.packing`` and hold only what the audience
may see.

Everything user-supplied enters the page through ``script_json`` (JSON with
``<``, ``>``, ``&``, ``'`` and Jinja delimiters escaped; settings through
``mapping.webmap.settings.settings_json``) and elements render through
``mapping.webmap.assets.render_once`` (no second Jinja pass).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import folium
from branca.element import CssLink, Figure, JavascriptLink, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.template import Template

from mapping.webmap.assets import DATA_LINK, data_url, own_links, render_once
from mapping.webmap.settings import (
    LayerSettings,
    MapSettings,
    escape_json_text,
    script_json,
    settings_json,
)

__all__ = [
    "DeferredLayerControl",
    "MapRuntime",
    "RecordLayer",
    "escape_json_text",
    "link_assets",
    "script_json",
]

#: Our files the runtime needs, in load order (after Leaflet).
RUNTIME_JS = ("mapa_packed", "mapa_layout", "mapa_clusters", "mapa_runtime")
#: What a clustered layer needs besides: supercluster (vendored).
CLUSTER_JS = ("supercluster",)
RUNTIME_CSS = ("mapa_runtime_css",)


def link_assets(element: JSCSSMixin) -> None:
    """Link ``element``'s ``default_js``/``default_css`` in its page header, as folium does.

    (streamlit-folium reads the same lists and loads them in its iframe.)
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise ValueError("Element musi należeć do folium.Figure")
    for name, url in element.default_js:
        figure.header.add_child(JavascriptLink(url), name=name)
    for name, url in element.default_css:
        figure.header.add_child(CssLink(url), name=name)


class MapRuntime(JSCSSMixin, MacroElement):
    """Our maps' JavaScript and CSS, and the map's settings; add it to the map first.

    Parameters
    ----------
    settings : what the whole map shares (title, attribution, sizes, texts)
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MAPA.init({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, settings: MapSettings):
        super().__init__()
        self._name = "MapRuntime"
        self.settings = settings
        self.config = settings_json(settings)
        # Instance lists (never the class's): mapping.webmap.assets rewrites them.
        self.default_js = own_links(RUNTIME_JS)
        self.default_css = own_links(RUNTIME_CSS)

    # branca annotates Element.render as returning str; MacroElement.render returns None.
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Link the runtime's files, then render once (see ``render_once``)."""
        link_assets(self)
        render_once(self, **kwargs)


class RecordLayer(JSCSSMixin, folium.GeoJson):
    """One dataset as one Leaflet GeoJSON layer, styled and explained by the runtime.

    Parameters
    ----------
    packed : the features, packed and escaped by ``mapping.webmap.packing.pack_layer``,
        embedded verbatim and unpacked in the browser (``static/mapa/packed.js``)
    settings : how the runtime draws and explains the features (colours,
        shapes, field labels, choice labels); see ``mapping.webmap.build``
    bounds : ``[[south, west], [north, east]]`` of the features, or None
    name : name in the layer control
    show : whether the layer is on when the map opens
    cluster : supercluster options, or None to draw every point

    Notes
    -----
    When clustered, the layer control toggles the runtime's cluster layer
    (``M.ClusterLayer`` in ``static/mapa/runtime.js``): one supercluster index
    of the points the filters keep, and after every move the clusters in view
    drawn as count bubbles and the points standing alone as canvas markers.

    ``data`` holds an empty FeatureCollection: the features exist only as the
    packed text, so they are not copied into Python objects a second time.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_cfg = {{ this.config }};
        var {{ this.get_name() }} = MAPA.layer({{ this.map_name }},
            {{ this.packed_source }}, {{ this.get_name() }}_cfg);
        {% endmacro %}
        """
    )

    def __init__(
        self,
        packed: str,
        settings: LayerSettings,
        *,
        bounds: list[list[float]] | None,
        name: str,
        show: bool = True,
        cluster: Mapping[str, Any] | None = None,
    ):
        super().__init__({"type": "FeatureCollection", "features": []}, name=name, show=show)
        self._name = "RecordLayer"
        self.packed = packed
        self.data_key: str | None = None
        self.dropped: tuple[int, ...] | None = None
        self.settings = replace(settings, cluster=dict(cluster) if cluster else None)
        self.config = settings_json(self.settings)
        self.bounds = bounds
        # Instance lists (never the class's): mapping.webmap.assets rewrites them.
        self.default_js = own_links(CLUSTER_JS) if cluster else []
        self.default_css = []

    def serve_data(self, key: str, url: str) -> None:
        """Take the packed data from the file at ``url`` (``mapping.webmap.served_data``),
        which assigns it to ``MAPA_DATA[key]``, instead of the script's own text."""
        self.data_key = key
        self.default_js = [*self.default_js, (f"{DATA_LINK}{key}", url)]

    def patch_data(self, key: str, dropped: tuple[int, ...]) -> None:
        """Take the layer in data file ``key`` without its rows ``dropped`` and with this
        layer's own packed rows added (``MAPA_PACKED.patch``, ``mapping.webmap.bases``)."""
        self.serve_data(key, data_url(key))
        self.dropped = dropped

    @property
    def packed_source(self) -> str:
        """The packed data in the script: the text itself, where the data file put it,
        or that patched with the text."""
        key = self.data_key
        if not key:
            return self.packed
        served = f'window.MAPA_DATA["{key}"]'
        if self.dropped is None:
            return served
        dropped = json.dumps(list(self.dropped), separators=(",", ":"))
        return f"window.MAPA_PACKED.patch({served}, {dropped}, {self.packed})"

    @property
    def map_name(self) -> str:
        """JS name of the map this layer is on."""
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = parent._parent
        if parent is None:
            raise ValueError("Warstwa nie jest dodana do mapy")
        return parent.get_name()

    def _get_self_bounds(self) -> list[list[float | None]]:
        if self.bounds is None:
            return [[None, None], [None, None]]
        return [list(corner) for corner in self.bounds]

    # branca annotates Element.render as returning str; MacroElement.render returns None.
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Link the scripts it needs, add itself to its parent, render once."""
        link_assets(self)
        if self._parent is None:
            raise ValueError("Warstwa nie jest dodana do mapy")
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        render_once(self, **kwargs)


class DeferredLayerControl(folium.LayerControl):
    """folium's layer control, created once the page's map script has run.

    folium writes the control where it sits among the map's children, so a
    layer added to the map after ``build_map`` (e.g. partnership links on a
    meeting slide) would be referenced before its variable is assigned and
    break the script.  Deferring by one task lets later layers join the
    control wherever they were added.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = null;
        setTimeout(function () {
            {{ this.get_name() }} = L.control.layers(
                {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }}: {{ val }},
                    {%- endfor %}
                },
                {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }}: {{ val }},
                    {%- endfor %}
                },
                {{ this.options|tojavascript }}
            ).addTo({{ this._parent.get_name() }});
        }, 0);
        {% endmacro %}
        """
    )

    # branca annotates Element.render as returning str; MacroElement.render returns None.
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Collect the layers (as folium does), then render once."""
        self.reset()
        if self._parent is None:
            raise ValueError("Wybór warstw nie jest dodany do mapy")
        for item in self._parent._children.values():
            if not isinstance(item, folium.map.Layer) or not item.control:
                continue
            target = self.overlays if item.overlay else self.base_layers
            target[item.layer_name] = item.get_name()
        render_once(self, **kwargs)
