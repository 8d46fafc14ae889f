"""The website: the registry as static pages (``build``), with SVG charts (``chart``)."""
