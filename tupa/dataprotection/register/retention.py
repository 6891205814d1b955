"""Retention by service task (*palvelutehtävä*) and the retention section of a description."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tupa.episodes.models import ServiceTask

from .document import Section, Text
from .facts import Facts

#: Retention by service task (*palvelutehtävä*) from finnish-requirements.md §5 (Act 703/2023 and
#: the National Archives' definition). **[verify]**: the numbers are not in the code yet — no
#: retention is computed and nothing expires; this table only describes the rule.
RETENTION: dict[str, Text] = {
    "child_family": _("30 vuotta asiakkuuden päättymisestä"),
    "child_welfare": _("2 vuotta asiakkaan kuolemasta"),
    "working_age": _("10 vuotta asiakkuuden päättymisestä"),
    "family_law": _("lasta koskevat 120 vuotta lapsen syntymästä, muut 10 vuotta"),
    "own_activity": _("ei säädetty laissa; yhdistys päättää itse"),
}


def task_label(task: str) -> Text:
    try:
        return ServiceTask(task).label
    except ValueError:
        return task


def retention(task: str) -> Text:
    return RETENTION.get(task, _("ei määritelty"))


def retention_section(f: Facts, *, internal: bool) -> Section:
    """Retention by the default service tasks (and, inside, the tasks the episodes carry)."""
    s = Section("retention", _("Säilytysaika"))
    s.add(
        _("Aikuisen asiakkaan asiakirjat (oletuspalvelutehtävä %(task)s): %(period)s")
        % {"task": task_label(f.adult_task), "period": retention(f.adult_task)},
        verify=True,
    )
    if f.children:
        s.add(
            _("Lapsen asiakirjat (oletuspalvelutehtävä %(task)s): %(period)s")
            % {"task": task_label(f.child_task), "period": retention(f.child_task)},
            verify=True,
        )
    if internal:
        for task in f.tasks_in_use:
            s.add(
                _("Asiakkuudet, joille on valittu palvelutehtävä %(task)s: %(period)s")
                % {"task": task_label(task), "period": retention(task)},
                verify=True,
            )
    if f.social_welfare:
        s.add(
            _("Asiakassuhdeasiakirja ja asiakkaan perustiedot: 2 vuotta asiakkaan kuolemasta"),
            verify=True,
        )
    s.add(
        _("Käyttöloki: vähintään 12 vuotta, eikä koskaan lyhyemmin kuin tieto, jota se koskee"),
        verify=True,
    )
    s.add(
        _(
            "Järjestelmä ei vielä laske säilytysaikoja eikä anonymisoi vanhentuneita tietoja "
            "automaattisesti."
        ),
        verify=True,
    )
    return s
