"""Episode screens, one module per sub-domain (``tupa/episodes/urls.py`` maps them).

- :mod:`.lists` — my caseload, a service form's client list;
- :mod:`.intake` — opening an episode;
- :mod:`.episode` — the episode page and its edits (status, facts, contact permission, basic
  information);
- :mod:`.participants`, :mod:`.coworkers`, :mod:`.consents`, :mod:`.plan` (goals, network);
- :mod:`.referrals` — referrals between service forms;
- :mod:`.emergency` — break-the-glass and the lead's review queue.

The journal has its own package (:mod:`tupa.episodes.journal`).

Thin views (ARCHITECTURE.md §4): the object and the access decision come from
:mod:`tupa.access.fetch` / :mod:`tupa.access.episodes` (404 when it does not exist *or* is not
the user's), then bind a form, call one service, render. Every response that shows persons
writes the access log (one event per person shown, with the basis of the decision) before
rendering — fail closed: if the log write fails the request fails.
"""

from django.urls import reverse

from ..models import Episode


def episode_url(episode: Episode | int) -> str:
    """The address of the episode page (by episode or its id)."""
    pk = episode if isinstance(episode, int) else episode.pk
    return reverse("episodes:detail", args=[pk])
