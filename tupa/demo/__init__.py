"""The fictional demo organisation and its data (in the manner of Zulip's ``zilencer``).

Nothing in the domain apps imports this package: it builds on their services and models. One
module per domain (:mod:`.organisations`, :mod:`.clients`, :mod:`.residential`,
:mod:`.scheduling`, :mod:`.programmes`, :mod:`.dropin`, :mod:`.visitation`), the order of the
whole build in :mod:`.build`, the long tables of names and texts in ``data/`` and the command
``manage.py build_demo``. Every person in the data is fictional.
"""
