"""The referral form (/referrals/new): GOV.UK question pages, one thing a page, drafts kept on the server.

A child in immediate danger stops the form before anything is stored. The answers build the contact body a
partner system would post, checked by the same schema and submitted through the same use case, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from mash.db import get_session
from mash.models import ReferralDraft
from mash.problems import Conflict, DuplicateContact, Problem
from mash.services import referrals
from mash.services.callers import Permission
from mash.web import referral_answers as answers
from mash.web import referral_words as words
from mash.web.auth import current_caller, page
from mash.web.blueprint import bp

SECTIONS = ("about-you", "children", "adults", "concerns", "facts", "worries", "consent", "check")


def _draft(draft_id: str) -> ReferralDraft:
    try:
        return referrals.get(get_session(), current_caller(), draft_id)
    except referrals.DraftNotFound:
        abort(404)


def _errors(found: dict[str, str]) -> list[dict[str, str]]:
    return [{"text": message, "href": f"#{field.replace('_', '-')}"} for field, message in found.items()]


def _show(template: str, draft: ReferralDraft, found: dict[str, str] | None = None, **context: Any) -> str:
    found = found or {}
    return render_template(
        f"referral/{template}.html",
        draft=draft,
        errors=_errors(found),
        err={field.replace("_", "-"): {"text": message} for field, message in found.items()},
        words=words,
        caller=current_caller(),
        change=request.args.get("change") == "1",
        show_name=answers.child_name,
        **context,
    )


def _next(draft: ReferralDraft, endpoint: str, **values: Any) -> Response:
    if request.args.get("change") == "1":
        return redirect(url_for("web.referral_check", draft_id=draft.id))
    return redirect(url_for(endpoint, draft_id=draft.id, **values))


def _save(draft: ReferralDraft, **changes: Any) -> None:
    referrals.save(get_session(), current_caller(), draft.id, {**draft.answers, **changes})


def _one_of(
    draft: ReferralDraft,
    kind: str,
    n: int,
    template: str,
    fields: tuple[str, ...],
    errors: Callable[[dict[str, str]], dict[str, str]],
    then: Callable[[], Response],
) -> Any:
    """Show or save item `n` of a list in the draft (a child, an adult); `n` one past the end adds one."""
    items = list(draft.answers.get(kind, []))
    if n > len(items):
        abort(404)
    if request.method == "GET":
        return _show(template, draft, n=n, typed=items[n] if n < len(items) else {})
    typed = answers.read(request.form, fields)
    found = errors(typed)
    if found:
        return _show(template, draft, found, n=n, typed=typed)
    items[n : n + 1] = [typed]
    _save(draft, **{kind: items})
    return then()


def _open(view: Callable[..., Any]) -> Callable[..., Any]:
    """Open a draft's page for its writer only; a submitted draft shows its confirmation."""

    def wrapped(draft_id: str, **kwargs: Any) -> Any:
        draft = _draft(draft_id)
        if draft.contact_id is not None:
            return redirect(url_for("web.referral_sent", draft_id=draft.id))
        return view(draft, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return page(Permission.SUBMIT_CONTACT)(wrapped)


@bp.route("/referrals/new", methods=["GET", "POST"], endpoint="referral_new")
@page(Permission.SUBMIT_CONTACT)
def start() -> Any:
    """Ask first whether a child is in immediate danger; yes stops the form and stores nothing."""
    settings = current_app.config["MASH_SETTINGS"]
    session, caller = get_session(), current_caller()
    choice = request.form.get("immediate_danger", "")
    if request.method == "POST" and choice == "yes":
        return render_template("referral/danger.html", phone=settings.mash_phone)
    if request.method == "POST" and choice == "no":
        draft = referrals.start(session, caller)
        return redirect(url_for("web.referral_about", draft_id=draft.id))
    found = {"immediate-danger": "Select yes if a child is in immediate danger"} if request.method == "POST" else {}
    return render_template(
        "referral/start.html",
        errors=_errors(found),
        err={k: {"text": v} for k, v in found.items()},
        drafts=referrals.unfinished(session, caller),
        phone=settings.mash_phone,
    )


@bp.route("/referrals/new/<draft_id>/about-you", methods=["GET", "POST"], endpoint="referral_about")
@_open
def about_you(draft: ReferralDraft) -> Any:
    """About the person referring: filled in from a partner's account; typed in by staff taking a call."""
    caller = current_caller()
    if request.method == "GET":
        typed = draft.answers.get("about") or {"name": caller.name}
        return _show("about", draft, typed=typed)
    typed = answers.read(request.form, answers.ABOUT_FIELDS)
    found = answers.about_errors(typed, caller)
    _save(draft, about=typed)
    if found:
        return _show("about", draft, found, typed=typed)
    return _next(draft, "web.referral_children")


@bp.route("/referrals/new/<draft_id>/children/<int:n>", methods=["GET", "POST"], endpoint="referral_child")
@_open
def child(draft: ReferralDraft, n: int) -> Any:
    """One child: names, born or expected, and the details that help find them in records."""
    return _one_of(
        draft,
        "children",
        n,
        "child",
        answers.CHILD_FIELDS,
        answers.child_errors,
        lambda: _next(draft, "web.referral_children"),
    )


@bp.route("/referrals/new/<draft_id>/children", methods=["GET", "POST"], endpoint="referral_children")
@_open
def children(draft: ReferralDraft) -> Any:
    """The children so far, and whether to add another."""
    listed = draft.answers.get("children", [])
    if not listed:
        return redirect(url_for("web.referral_child", draft_id=draft.id, n=0))
    if request.method == "GET":
        return _show("children", draft, listed=listed)
    choice = request.form.get("add_another", "")
    if choice == "yes":
        return redirect(url_for("web.referral_child", draft_id=draft.id, n=len(listed)))
    if choice == "no":
        return _next(draft, "web.referral_adults")
    return _show("children", draft, {"add_another": "Select yes if you need to add another child"}, listed=listed)


@bp.route("/referrals/new/<draft_id>/<kind>/<int:n>/remove", methods=["POST"], endpoint="referral_remove")
@_open
def remove(draft: ReferralDraft, kind: str, n: int) -> Response:
    """Remove a child or an adult from the draft."""
    if kind not in ("children", "adults"):
        abort(404)
    listed = list(draft.answers.get(kind, []))
    if n < len(listed):
        del listed[n]
        _save(draft, **{kind: listed})
    endpoint = "web.referral_children" if kind == "children" else "web.referral_adults"
    return redirect(url_for(endpoint, draft_id=draft.id))


@bp.route("/referrals/new/<draft_id>/adults/<int:n>", methods=["GET", "POST"], endpoint="referral_adult")
@_open
def adult(draft: ReferralDraft, n: int) -> Any:
    """One adult in the child's life: who they are to the child, and whether they live together."""
    return _one_of(
        draft,
        "adults",
        n,
        "adult",
        answers.ADULT_FIELDS,
        answers.adult_errors,
        lambda: redirect(url_for("web.referral_adults", draft_id=draft.id, change=request.args.get("change"))),
    )


@bp.route("/referrals/new/<draft_id>/adults", methods=["GET", "POST"], endpoint="referral_adults")
@_open
def adults(draft: ReferralDraft) -> Any:
    """The adults and household so far, and whether to add one."""
    listed = draft.answers.get("adults", [])
    if request.method == "GET":
        return _show("adults", draft, listed=listed)
    choice = request.form.get("add_adult", "")
    if choice == "yes":
        change = request.args.get("change")
        return redirect(url_for("web.referral_adult", draft_id=draft.id, n=len(listed), change=change))
    if choice == "no":
        return _next(draft, "web.referral_concerns")
    return _show("adults", draft, {"add_adult": "Select yes if you need to add an adult"}, listed=listed)


@bp.route("/referrals/new/<draft_id>/concerns", methods=["GET", "POST"], endpoint="referral_concerns")
@_open
def concerns(draft: ReferralDraft) -> Any:
    """What kind of worry: concern categories as checkboxes with hints."""
    if request.method == "GET":
        return _show("concerns", draft, chosen=draft.answers.get("categories", []))
    chosen = [name for name in request.form.getlist("categories") if name in words.CATEGORIES]
    _save(draft, categories=chosen)
    if not chosen:
        return _show("concerns", draft, {"categories": "Select at least one thing you are worried about"}, chosen=[])
    return _next(draft, "web.referral_facts")


@bp.route("/referrals/new/<draft_id>/facts", methods=["GET", "POST"], endpoint="referral_facts")
@_open
def facts(draft: ReferralDraft) -> Any:
    """The facts that matter most to how quickly the MASH acts, as questions."""
    if request.method == "GET":
        return _show("facts", draft, given=draft.answers.get("facts", {}))
    given = {name: request.form.get(name, "") for name in words.FACTS}
    given = {name: value for name, value in given.items() if value in words.FACT_ANSWERS}
    _save(draft, facts=given)
    return _next(draft, "web.referral_worries")


@bp.route("/referrals/new/<draft_id>/worries", methods=["GET", "POST"], endpoint="referral_worries")
@_open
def worries(draft: ReferralDraft) -> Any:
    """What happened, then the three questions: worries, what is working well, what needs to happen."""
    if request.method == "GET":
        return _show("worries", draft, typed=draft.answers.get("words", {}))
    typed = answers.read(request.form, answers.WORDS_FIELDS)
    _save(draft, words=typed)
    if not typed["summary"]:
        return _show("worries", draft, {"summary": "Tell us what has happened"}, typed=typed)
    return _next(draft, "web.referral_consent")


@bp.route("/referrals/new/<draft_id>/consent", methods=["GET", "POST"], endpoint="referral_consent")
@_open
def consent(draft: ReferralDraft) -> Any:
    """Whether the family agreed to the referral, and if not, why it is made."""
    if request.method == "GET":
        return _show("consent", draft, typed=draft.answers.get("consent", {}))
    typed = answers.read(request.form, answers.CONSENT_FIELDS)
    found = answers.consent_errors(typed)
    _save(draft, consent=typed)
    if found:
        return _show("consent", draft, found, typed=typed)
    return redirect(url_for("web.referral_check", draft_id=draft.id))


# Which page to change for a problem the whole-contact check finds, by the start of its field path.
PAGE_FOR = {"referrer": "about-you", "children": "children", "adults": "adults", "consent": "consent"}


def _problems(draft: ReferralDraft, payload: dict[str, Any]) -> list[dict[str, str]]:
    found = answers.contact_errors(payload)
    if "children" in found or not payload["children"]:
        return [{"text": "Add at least one child", "href": url_for("web.referral_child", draft_id=draft.id, n=0)}]
    if "concerns.categories" in found:
        return [{"text": "Select at least one thing you are worried about", "href": "concerns"}]
    if "concerns.summary" in found:
        return [{"text": "Tell us what has happened", "href": "worries"}]
    if "consent.status" in found or not draft.answers.get("consent"):
        return [{"text": "Say whether the family agreed to this referral", "href": "consent"}]
    return [
        {"text": f"Check {path.replace('.', ' ')}: {messages[0]}", "href": PAGE_FOR.get(path.split(".")[0], "check")}
        for path, messages in found.items()
    ]


@bp.route("/referrals/new/<draft_id>/check", methods=["GET", "POST"], endpoint="referral_check")
@_open
def check(draft: ReferralDraft) -> Any:
    """Check your answers, each with a change link; then send the referral, once however often it is sent."""
    caller = current_caller()
    payload = answers.body(draft.answers, caller)
    problems = _problems(draft, payload)
    if request.method == "GET" or problems:
        return _checking(draft, problems)
    try:
        referrals.submit(get_session(), caller, draft.id, answers.loaded(payload))
    except DuplicateContact as duplicate:
        return _checking(draft, [{"text": f"You have already sent this referral. {duplicate.detail}", "href": "#"}])
    except Conflict:
        # Another click is sending the same draft at this moment: it becomes one contact, shown on the confirmation.
        return redirect(url_for("web.referral_sent", draft_id=draft.id))
    except Problem as problem:
        return _checking(draft, [{"text": problem.detail or problem.title, "href": "#"}])
    return redirect(url_for("web.referral_sent", draft_id=draft.id))


def _checking(draft: ReferralDraft, problems: list[dict[str, str]]) -> str:
    return render_template(
        "referral/check.html", draft=draft, errors=problems, words=words, caller=current_caller(), show=answers.shown
    )


@bp.get("/referrals/new/<draft_id>/confirmation", endpoint="referral_sent")
@page(Permission.SUBMIT_CONTACT)
def sent(draft_id: str) -> Any:
    """The confirmation: the reference, when a decision is due, and what happens next."""
    draft = _draft(draft_id)
    if draft.contact_id is None:
        return redirect(url_for("web.referral_check", draft_id=draft.id))
    session, caller = get_session(), current_caller()
    contact = referrals.contact_of(session, caller, draft)
    settings = current_app.config["MASH_SETTINGS"]
    due = referrals.decision_due(session, contact, settings.decision_timescales)
    return render_template(
        "referral/sent.html", contact=contact, due=words.deadline(due), phone=settings.mash_phone, caller=caller
    )
