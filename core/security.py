"""Helpers for the security settings; imported by config/settings.py, so no Django imports."""

from urllib.parse import urlsplit


def tile_sources(tile_url: str) -> list[str]:
    """The CSP source for a Leaflet tile URL template: its scheme and host, with Leaflet's
    {s} subdomain placeholder as a wildcard. A URL on our own host needs none ('self').

    >>> tile_sources("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png")
    ['https://*.tile.example.org:8443']
    """
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return []
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:
        raise ValueError(f"MAP_TILE_URL: CSP cannot express this placeholder in the host: {host}")
    return [f"{parts.scheme}://{host}"]
