from django.urls import path

from . import views, views_io, views_mergers

app_name = "households"

urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_edit, name="household_create"),
    path("households/village-choices/", views.village_choices, name="village_choices"),
    path("households/next-code/", views.household_code_suggest, name="household_code_suggest"),
    path("households/suggest/", views.household_suggest, name="household_suggest"),
    # Data in and out (helper "io"): before households/<code>/ so "import" and "export" are not read as codes.
    path("households/import/", views_io.import_start, name="import_start"),
    path("households/import/template.xlsx", views_io.import_template, name="import_template"),
    path("households/import/reviews/", views_io.review_import_start, name="review_import_start"),
    path("households/import/reviews/template.xlsx", views_io.review_import_template, name="review_import_template"),
    path("households/import/<int:pk>/", views_io.import_job, name="import_job"),
    path("households/import/<int:pk>/confirm/", views_io.import_confirm, name="import_confirm"),
    path("households/import/<int:pk>/errors.xlsx", views_io.import_errors, name="import_errors"),
    path("households/export/", views_io.export_page, name="export_page"),
    path("households/export/households.xlsx", views_io.export_households, name="export_households"),
    path("households/export/members.xlsx", views_io.export_members, name="export_members"),
    path("households/export/reviews.xlsx", views_io.export_reviews, name="export_reviews"),
    path("households/<str:code>/", views.household_detail, name="household_detail"),
    path("households/<str:code>/edit/", views.household_edit, name="household_edit"),
    path("households/<str:code>/events/new/", views.household_event_new, name="household_event_new"),
    # The annual review (helper "rev")
    path("households/<str:code>/reviews/<int:year>/", views.review_form, name="review_form"),
    path("households/<str:code>/reviews/<int:year>/preview/", views.review_preview, name="review_preview"),
    path("reviews/", views.review_board, name="review_board"),
    path("reviews/meeting/", views.review_meeting, name="review_meeting"),
    path("reviews/meeting/<int:pk>/correct/", views.review_meeting_correct, name="review_meeting_correct"),
    path("reviews/village-step/", views.review_village_bulk, name="review_village_bulk"),
    path("reviews/posting/", views.review_posting, name="review_posting"),
    path("reviews/recognise/", views.review_recognise, name="review_recognise"),
    path("reviews/confirm/", views.review_confirm, name="review_confirm"),
    path("reviews/reclassify/", views.review_reclassify, name="review_reclassify"),
    path("reviews/print/<str:kind>/", views.review_print, name="review_print"),
    path("reviews/applications/", views.review_applications, name="review_applications"),
    path("reviews/applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("reviews/jobs/<int:pk>/", views.review_job, name="review_job"),
    path("reviews/<int:pk>/transition/", views.review_transition, name="review_transition"),
    path("reviews/<int:pk>/complaints/", views.review_complaint, name="review_complaint"),
    path("reviews/complaints/<int:pk>/resolve/", views.complaint_resolve, name="complaint_resolve"),
    path("checks/", views.checks, name="checks"),
    path("checks/run/", views.checks_run, name="checks_run"),
    path("checks/<int:pk>/resolve/", views.check_resolve, name="check_resolve"),
    path("units/mergers/", views_mergers.merger_list, name="merger_list"),
    path("units/mergers/new/", views_mergers.merger_new, name="merger_new"),
    path("units/mergers/<int:pk>/", views_mergers.merger_detail, name="merger_detail"),
]
