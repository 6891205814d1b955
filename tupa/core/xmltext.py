"""Text that an XML document can hold: what every XML output of Tupa (XLSX cells, Finvoice
messages) writes typed text through.

XML 1.0 has no place for the C0 control characters other than tab, newline and carriage
return, nor for the surrogates and U+FFFE / U+FFFF. A character like that pasted into a form
field (an ESC from a terminal, a form feed from a PDF) would make the whole file unreadable; it
carries no meaning, so it is dropped.
"""

from __future__ import annotations

import re
from typing import Final

#: The characters XML 1.0 cannot hold.
NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return NOT_XML.sub("", text)
