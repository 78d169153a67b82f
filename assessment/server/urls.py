"""Every address of the service (``tests/test_server_security.py`` checks each one for every role)."""

from __future__ import annotations

from django.urls import path

from . import backoffice, views_answers, views_auth, views_city, views_publish, views_reset, views_round

urlpatterns = [
    path("", views_auth.home, name="home"),
    path("app.css", views_auth.stylesheet, name="stylesheet"),
    path("signin/", views_auth.signin, name="signin"),
    path("signout/", views_auth.signout, name="signout"),
    path("language/", views_auth.set_language, name="language"),
    path("invite/<str:token>/", views_auth.accept_invitation, name="invitation"),
    path("reset/", views_reset.reset_request, name="reset"),
    path("reset/<str:uid>/<str:token>/", views_reset.reset_confirm, name="reset_confirm"),
    path("rounds/", views_round.rounds, name="rounds"),
    path("rounds/new/", views_round.round_new, name="round_new"),
    path("rounds/<slug:slug>/", views_round.dashboard, name="dashboard"),
    path("rounds/<slug:slug>/cities/", views_round.cities_add, name="cities_add"),
    path("rounds/<slug:slug>/invite/", views_round.invite_cities, name="invite_cities"),
    path("rounds/<slug:slug>/publish/", views_publish.publish, name="publish"),
    path("rounds/<slug:slug>/review/", views_round.review, name="review"),
    path("rounds/<slug:slug>/p/<int:number>/", views_publish.published_file, name="publication"),
    path("rounds/<slug:slug>/p/<int:number>/site.zip", views_publish.published_zip, name="publication_zip"),
    path("rounds/<slug:slug>/p/<int:number>/<path:path>", views_publish.published_file, name="publication_file"),
    path("cities/<int:city_id>/", views_city.city_page, name="city"),
    path("cities/<int:city_id>/template.xlsx", views_city.template_download, name="template"),
    path("cities/<int:city_id>/upload/", views_city.upload, name="upload"),
    path("cities/<int:city_id>/answers/", views_answers.answers_upload, name="answers_upload"),
    path("cities/<int:city_id>/submit/", views_city.submit, name="submit"),
    path("cities/<int:city_id>/compare/", views_city.compare, name="compare"),
    path("cities/<int:city_id>/versions/<int:number>/", views_city.version_file, name="version_file"),
    path("cities/<int:city_id>/accept/", views_round.accept, name="accept"),
    path("cities/<int:city_id>/send-back/", views_round.send_back, name="send_back"),
    path("queries/<int:query_id>/answer/", views_answers.answer, name="answer"),
    path("reviewers/invite/", views_round.invite_reviewer, name="invite_reviewer"),
    path("roles/", views_round.roles, name="roles"),
    path("audit/", views_round.audit, name="audit"),
    path("audit.csv", views_round.audit_export, name="audit_csv"),
    path("admin/", backoffice.site.urls),
    path("static/<path:path>", backoffice.static_file, name="static"),
]
