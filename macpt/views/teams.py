"""MACPT teams: a manager sees every multi-agency team and adds or removes members of each agency. The pages list
practitioners, never a child."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import User

from ..forms import MemberAddForm
from ..selectors import strategy as sel
from ..services.teams import macpt_member_add, macpt_member_remove


@login_required
@require_GET
def teams(request: HttpRequest) -> HttpResponse:
    if not sel.may_manage_teams(request.user):
        raise Http404
    return render(request, "macpt/teams.html", {"teams": list(sel.macpt_teams())})


def _team_page(request: HttpRequest, team, form: MemberAddForm) -> HttpResponse:
    members = sel.macpt_team_members(team=team)
    agencies: dict[str, list[User]] = {}
    for member in members:
        agencies.setdefault(str(member.agency), []).append(member)
    return render(request, "macpt/team.html", {"team": team, "agencies": agencies, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, pk: int) -> HttpResponse:
    team = sel.macpt_team_get(user=request.user, team_id=pk)
    candidates = sel.macpt_member_candidates(team=team)
    form = MemberAddForm(request.POST if request.method == "POST" else None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=form.cleaned_data["user"]).first()
        try:
            macpt_member_add(team=team, user=user, actor=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{user.full_name} ({user.agency}) is now a member of {team.name}")
            return redirect("macpt:team", team.pk)
    return _team_page(request, team, form)


@login_required
@require_POST
def team_member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = sel.macpt_team_get(user=request.user, team_id=pk)
    user = team.members.filter(pk=user_pk).first()
    if user is None:
        raise Http404
    macpt_member_remove(team=team, user=user, actor=request.user)
    messages.success(request, f"{user.full_name} is no longer a member of {team.name}")
    return redirect("macpt:team", team.pk)


urlpatterns = [
    path("teams/", teams, name="teams"),
    path("teams/<int:pk>/", team, name="team"),
    path("teams/<int:pk>/members/<int:user_pk>/remove/", team_member_remove, name="team_member_remove"),
]
