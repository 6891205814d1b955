"""The ``participant_name`` template tag (``tupa/episodes/templatetags/participants.py``)."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from tupa.episodes.models import Participant
from tupa.people.models import Alias, Person


def _render(participant: Participant) -> str:
    template = Template("{% load participants %}{% participant_name p %}")
    with translation.override("fi"):
        return template.render(Context({"p": participant}))


def test_a_person_is_named_by_her_names_escaped() -> None:
    person = Person(first_names="Maija <b>", last_name="Meikäläinen & co")
    assert _render(Participant(person=person)) == "Maija &lt;b&gt; Meikäläinen &amp; co"


def test_an_alias_is_marked_as_one_and_its_label_escaped() -> None:
    alias = Alias(label="Yö <i>1</i>")
    assert (
        _render(Participant(alias=alias))
        == 'Yö &lt;i&gt;1&lt;/i&gt; <span class="tag">peitenimi</span>'
    )


def test_the_mark_speaks_the_users_language() -> None:
    template = Template("{% load participants %}{% participant_name p %}")
    with translation.override("sv"):
        swedish = template.render(Context({"p": Participant(alias=Alias(label="X"))}))
    assert "peitenimi" not in swedish and swedish.startswith('X <span class="tag">')
