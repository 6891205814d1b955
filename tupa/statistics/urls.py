from django.urls import path

from .views import annual, catalogue, federation, jobs, overview, plan, returns, submissions

app_name = "statistics"

_RETURN = "<str:template_id>/<int:year>/<str:key>/"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("tyomuoto/<slug:slug>/", catalogue.form_returns, name="form_returns"),
    path(
        "tyomuoto/<slug:slug>/vapaaehtoistoiminta/",
        catalogue.volunteer_report,
        name="volunteers",
    ),
    path("yleiskuva/", overview.overview, name="overview"),
    path("toimintakertomus/<int:year>/", annual.annual_report, name="annual_report"),
    path("suunnitelma/<int:year>/", plan.plan_actual, name="plan_actual"),
    path(
        "luku/<str:indicator_id>/<slug:slug>/<int:year>/",
        overview.indicator_drill,
        name="indicator",
    ),
    path("liitto/", federation.federation_index, name="federation"),
    path(
        "liitto/<str:template_id>/<int:year>/",
        federation.federation_return,
        name="federation_return",
    ),
    path(
        "liitto/<str:template_id>/<int:year>/vienti.<str:fmt>",
        federation.federation_export,
        name="federation_export",
    ),
    path("lahetetyt/<int:pk>/", submissions.submission_detail, name="submission"),
    path(
        "lahetetyt/<int:pk>/vienti.<str:fmt>",
        submissions.submission_export,
        name="submission_export",
    ),
    path("ilmoitus/" + _RETURN, returns.return_page, name="return"),
    path("ilmoitus/" + _RETURN + "luku/<int:line>/", returns.drill, name="drill"),
    path("ilmoitus/" + _RETURN + "vienti.<str:fmt>", returns.export, name="export"),
    path("ilmoitus/" + _RETURN + "laheta/", returns.send, name="send"),
    # Exports prepared in the background (PDF, XLSX): POST makes a job, its page shows progress.
    path("ilmoitus/" + _RETURN + "valmistele.<str:fmt>", jobs.prepare_return, name="prepare"),
    path(
        "lahetetyt/<int:pk>/valmistele.<str:fmt>",
        jobs.prepare_submission,
        name="prepare_submission",
    ),
    path(
        "toimintakertomus/<int:year>/valmistele.<str:fmt>",
        jobs.prepare_annual,
        name="prepare_annual",
    ),
    path("viennit/<uuid:pk>/", jobs.job_detail, name="job"),
    path("viennit/<uuid:pk>/lataa/", jobs.job_download, name="job_download"),
    path("viennit/<uuid:pk>/uudelleen/", jobs.job_restart, name="job_restart"),
]
