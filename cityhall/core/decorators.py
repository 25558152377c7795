from functools import wraps

from django.contrib.auth.decorators import login_required

from .permissions import require_role


def role_required(view):
    """Staff pages: logged in and holding a role (a login alone shows nothing of the plan)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_role(request.user, "역할이 없는 사용자는 볼 수 없습니다.")
        return view(request, *args, **kwargs)

    return wrapped
