"""Signing in and out, and the admin's account pages: accounts, their lockouts and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from lms import policy
from lms.accounts import oidc
from lms.accounts import service as accounts
from lms.accounts.auth import SignInError
from lms.accounts.forms import (
    ROLE_LABELS,
    PasswordForm,
    SignInForm,
    UserCreateForm,
    UserEditForm,
    role_items,
    set_placement_choices,
)
from lms.accounts.oidc import SsoRefused
from lms.accounts.service import UserError
from lms.core.clock import local_time
from lms.core.forms import ConfirmForm, attach_error, form_status
from lms.core.transaction import committing

if TYPE_CHECKING:
    from lms.models import User

bp = Blueprint("accounts", __name__)

admin_only = policy.role_required(policy.ADMIN)


@bp.context_processor
def _helpers() -> dict:
    return {"local_time": local_time, "role_labels": ROLE_LABELS, "is_locked": accounts.is_locked,
            "sign_in_method": accounts.sign_in_method}


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("reports.dashboard")


def _me() -> User:
    return current_user._get_current_object()


# --- signing in and out --------------------------------------------------------------------------------------


def _sign_in_page(form: SignInForm, error: str | None = None, *, error_href: str = "#email", status: int = 200):
    """The sign-in page: a button per configured single sign-on provider (none: the password form alone)."""
    signed_out_of = oidc.provider(session.pop("sso_signed_out", None) or "")
    end_session = None
    if signed_out_of is not None:
        end_session = oidc.end_session_url(signed_out_of.name,
                                           current_app.config["BASE_URL"] + url_for("accounts.sign_in"))
    return render_template("accounts/sign_in.html", form=form, error=error, error_href=error_href,
                           providers=oidc.providers(), next_url=request.args.get("next"),
                           signed_out_of=signed_out_of, end_session=end_session), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Email and password sign-in with a GOV.UK error summary, beside any single sign-on providers."""
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        try:
            with committing(keep_on=(SignInError,)):
                user = accounts.sign_in(form.email.data, form.password.data)
        except SignInError as exc:
            error = str(exc)
        else:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # renew the session: no fixation across sign-in
            login_user(user)
            return redirect(next_url)
    return _sign_in_page(form, error, status=200 if not (error or form.errors) else 400)


def _provider_or_404(name: str) -> oidc.Provider:
    found = oidc.provider(name)
    if found is None:
        abort(404)
    return found


@bp.get("/sign-in/oidc/<name>")
def sso_start(name: str):
    """Single sign-on, first leg: send the browser to the provider (state, nonce and PKCE kept in the session)."""
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    provider = _provider_or_404(name)
    session["sso_next"] = _safe_next(request.args.get("next"))
    callback = current_app.config["BASE_URL"] + url_for("accounts.sso_callback", name=provider.name)
    try:
        return redirect(oidc.authorization_url(provider.name, callback))
    except SsoRefused as exc:
        return _sign_in_page(SignInForm(formdata=None), str(exc), error_href=f"#sso-{provider.name}", status=503)


@bp.get("/sign-in/oidc/<name>/callback")
def sso_callback(name: str):
    """Single sign-on, second leg: the provider's answer is verified and the verified email's account signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    provider = _provider_or_404(name)
    try:
        with committing(keep_on=(SsoRefused,)):
            user = accounts.sign_in_with_provider(provider.name, request.args.to_dict())
    except SsoRefused as exc:
        return _sign_in_page(SignInForm(formdata=None), str(exc), error_href=f"#sso-{provider.name}", status=400)
    next_url = _safe_next(session.get("sso_next"))
    session.clear()  # renew the session: no fixation across sign-in
    login_user(user)
    session["sso_provider"] = provider.name  # sign-out offers the provider's own sign-out
    return redirect(next_url)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    """GET asks for confirmation; POST signs out (a state change needs CSRF)."""
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            with committing():
                accounts.sign_out(_me())
        provider = session.get("sso_provider")
        logout_user()
        session.clear()
        if provider:
            session["sso_signed_out"] = provider  # the sign-in page offers the provider's end-session page
        flash("You have been signed out", "success")
        return redirect(url_for("accounts.sign_in"))
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/sign_out.html", form=form, provider=oidc.provider(session.get("sso_provider", "")))


# --- the admin's pages ---------------------------------------------------------------------------------------


@bp.route("/admin")
@admin_only
def admin_home():
    """Links to every admin page, with the counts that need attention."""
    return render_template("accounts/admin_home.html", counts=accounts.overview())


def _user_or_404(user_id: int) -> User:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _placement_choices(form) -> None:
    forces, regions = accounts.placements()
    set_placement_choices(form, [(f.code, f.name) for f in forces], [r.name for r in regions])


@bp.route("/admin/users")
@admin_only
def users_list():
    """Every account with its role, force or region, status and last sign-in."""
    return render_template("accounts/users.html", users=accounts.all_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    """Create an account with an initial password."""
    form = UserCreateForm()
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            with committing():
                user = accounts.create_account(
                    email=form.email.data, name=form.name.data, role=form.role.data,
                    force_code=form.force.data or None, region_name=form.region.data or None,
                    password=form.password.data, actor=_me())
        except UserError as exc:
            attach_error(form, exc)
        else:
            flash(f"Account created for {user.email}. Give them their password by a secure route.", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=None, role_items=role_items()), \
        form_status(form)


@bp.route("/admin/users/<int:user_id>")
@admin_only
def user_detail(user_id: int):
    """One account: its details, what can be done to it, and its API tokens."""
    user = _user_or_404(user_id)
    return render_template("accounts/user.html", user=user, tokens=accounts.tokens_of(user), form=ConfirmForm(),
                           is_me=user.id == current_user.id)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    """Change an account's role, its force or region, and whether it signs in with single sign-on only."""
    user = _user_or_404(user_id)
    form = UserEditForm(data={"role": user.role, "force": user.force.code if user.force else "",
                              "region": user.region.name if user.region else "",
                              "sso_only": "on" if user.sso_only else "off"})
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            with committing():
                changes = accounts.update_account(user, role=form.role.data, force_code=form.force.data or None,
                                                  region_name=form.region.data or None, actor=_me(),
                                                  sso_only=form.sso_only.data == "on")
        except UserError as exc:
            attach_error(form, exc)
        else:
            flash(f"{user.email}: changes saved." if changes else f"{user.email}: nothing changed.", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, user=user, role_items=role_items()), \
        form_status(form)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_only
def user_deactivate(user_id: int):
    """Confirm, then deactivate: they cannot sign in, their sessions end and their API tokens stop working."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with committing():
                accounts.set_active(user, False, actor=_me())
        except UserError as exc:
            flash(str(exc), "error")
        else:
            flash(f"{user.email} has been deactivated: they can no longer sign in.", "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/deactivate.html", user=user, form=form, is_me=user.id == current_user.id)


@bp.post("/admin/users/<int:user_id>/reactivate")
@admin_only
def user_reactivate(user_id: int):
    """Let a deactivated account sign in again (its old API tokens stay revoked)."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with committing():
        accounts.set_active(user, True, actor=_me())
    flash(f"{user.email} has been reactivated and can sign in again.", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_only
def user_password(user_id: int):
    """Set a new password for someone: their sessions end and any lockout is lifted."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with committing():
                accounts.reset_password(user, form.password.data, actor=_me())
        except UserError as exc:
            attach_error(form, exc)
        else:
            flash(f"Password reset for {user.email}. They have been signed out everywhere.", "success")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/password.html", form=form, user=user, is_me=user.id == current_user.id), \
        form_status(form)


@bp.post("/admin/users/<int:user_id>/unlock")
@admin_only
def user_unlock(user_id: int):
    """Lift the lockout after too many failed sign-ins."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with committing():
        accounts.unlock(user, actor=_me())
    flash(f"{user.email} is unlocked and can sign in again.", "success")
    return redirect(url_for("accounts.user_detail", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/tokens/new", methods=["GET", "POST"])
@admin_only
def token_new(user_id: int):
    """Confirm, then create an API token and show it once: only its hash is kept."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with committing():
                token = accounts.create_token(user, actor=_me())
        except UserError as exc:
            flash(str(exc), "error")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        # Rendered, not redirected: the token must not travel through the session or a URL.
        return render_template("accounts/token.html", user=user, token=token)
    return render_template("accounts/token_new.html", user=user, form=form)


@bp.route("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@admin_only
def token_revoke(user_id: int, token_id: int):
    """Confirm, then stop an API token working."""
    user = _user_or_404(user_id)
    token = next((t for t in accounts.tokens_of(user) if t.id == token_id), None)
    if token is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        with committing():
            accounts.revoke_token(user, token_id, actor=_me())
        flash(f"The API token {token.prefix}… of {user.email} no longer works.", "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/token_revoke.html", user=user, token=token, form=form)
