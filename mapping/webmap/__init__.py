"""The web map: build, legend, packing, assets, tiles and the city/picker/meeting maps."""
