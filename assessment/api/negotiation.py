"""Content negotiation that says what is wrong with a format asked for in the query string.

DRF answers an unknown `?format=` with a bare 404 "Not found.", as if the resource were missing;
an Accept header it cannot satisfy is a 406. Both are the same mistake, so both answer 406, and
this one names the format and the ones offered.
"""

import re

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

SHOWN_FORMAT = re.compile(r"[A-Za-z0-9._+-]{1,20}")


class NamedFormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            offered = ", ".join(f'"{name}"' for name in dict.fromkeys(renderer.format for renderer in renderers))
            asked = f'"{format}"' if SHOWN_FORMAT.fullmatch(format) else "asked for"
            raise NotAcceptable(f"The format {asked} is not offered here: format= takes {offered}.")
        return matching
