"""Forms of the episode screens, one module per part of the work (``base`` holds what they
share). Every message is Finnish (gettext source language).

Forms only bind and check the shape of the input; the rules live in :mod:`tupa.episodes.services`, whose
``ValidationError`` messages the views attach back to these forms
(:func:`tupa.core.forms.apply_errors`).
"""
