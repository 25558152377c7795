from django.urls import path

from . import views

app_name = "participation"
PROCESS = "participation/<slug:code>"

urlpatterns = [
    path("participation/", views.process_list, name="index"),
    path("participation/signup/", views.signup, name="signup"),
    path("participation/conflicts/", views.conflict_list, name="conflicts"),
    path("participation/verify-in-person/", views.verify_in_person, name="verify_in_person"),
    path("participation/conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path(f"{PROCESS}/", views.process_detail, name="process"),
    path(f"{PROCESS}/proposals/", views.proposal_list, name="proposals"),
    path(f"{PROCESS}/proposals/map/", views.proposal_map, name="proposals_map"),
    path(f"{PROCESS}/proposals/new/", views.proposal_new, name="proposal_new"),
    path(f"{PROCESS}/proposals/<int:number>/", views.proposal_detail, name="proposal"),
    path(f"{PROCESS}/proposals/<int:number>/edit/", views.proposal_edit, name="proposal_edit"),
    path(f"{PROCESS}/proposals/<int:number>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path(f"{PROCESS}/proposals/<int:number>/progress/", views.progress_report, name="progress_report"),
    path(f"{PROCESS}/proposals/<int:number>/files/<int:pk>/", views.attachment, name="attachment"),
    path(f"{PROCESS}/vote/", views.vote, name="vote"),
    path(f"{PROCESS}/verify/", views.verify, name="verify"),
    path(f"{PROCESS}/results/", views.results, name="results"),
    path(f"{PROCESS}/results.hwpx", views.results_hwpx, name="results_hwpx"),
    path(f"{PROCESS}/statistics/", views.statistics, name="statistics"),
    path(f"{PROCESS}/export.pb", views.export_pb, name="export_pb"),
    path(f"{PROCESS}/review/", views.review_queue, name="review"),
    path(f"{PROCESS}/review/<int:number>/", views.review_submit, name="review_submit"),
    path(f"{PROCESS}/scoring/", views.scoring, name="scoring"),
    path(f"{PROCESS}/scoring/<int:number>/", views.scoring_submit, name="scoring_submit"),
    path(f"{PROCESS}/paper/", views.paper_entry, name="paper"),
    path(f"{PROCESS}/grading/", views.grading, name="grading"),
    path(f"{PROCESS}/tally.xlsx", views.tally_xlsx, name="tally_xlsx"),
]
