"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from lms.auth import SignInError, authenticate
from lms.extensions import db
from lms.forms import ConfirmForm, SignInForm
from lms.services import audit

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: never redirect a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Email and password sign-in with a GOV.UK error summary."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except SignInError as exc:
            error = str(exc)
            audit.record("sign_in.failed", None, actor=form.email.data.strip().lower()[:254])
            db.session.commit()
        else:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # renew the session: no fixation across sign-in
            login_user(user)
            audit.record("sign_in.succeeded", user)
            db.session.commit()
            return redirect(next_url)
    status = 200 if not (error or form.errors) else 400
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    """GET asks for confirmation; POST signs out (a state change needs CSRF)."""
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            user = current_user._get_current_object()
            # Sessions are signed cookies: a copy of one stays valid until the user's session_version changes.
            # Bumping it ends this user's sessions everywhere, so a copied cookie cannot be replayed after sign-out.
            user.session_version = (user.session_version or 0) + 1
            audit.record("sign_out", user)
            db.session.commit()
        logout_user()
        session.clear()
        flash("You have been signed out", "success")
        return redirect(url_for("auth.sign_in"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/sign_out.html", form=form)
