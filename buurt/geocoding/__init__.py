"""Address search that works offline: `geocode(text, limit=...) -> list[Candidate]`.

normalise.py  pure text rules (abbreviations, accents, boxes, postcodes, numbers)
gazetteer.py  the local matcher over the imported address register
postcodes.py  postcode and place centres, the fallback
remote.py     optional remote services (Nominatim, Photon, Basisregisters, PDOK)
chain.py      the configured chain and the input rules
address_files.py  reading BeST and BAG address files, row by row
importer.py   streaming import of those files into Street, Address and postcodes
"""

from .candidates import Candidate, GeocodeInputError, GeocoderUnavailable
from .chain import autocomplete, geocode, suggestions

__all__ = [
    "Candidate",
    "GeocodeInputError",
    "GeocoderUnavailable",
    "autocomplete",
    "geocode",
    "suggestions",
]
