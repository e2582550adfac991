"""The one table of what each role may do."""

from __future__ import annotations

import pytest

from mash.enums import ROLES
from mash.models import Organisation, User
from mash.problems import Forbidden
from mash.services.callers import PERMISSIONS, Caller, Permission


def caller(role: str) -> Caller:
    return Caller("user-1", "A user", role, "MASH", None, request_id="req-1")


def test_every_permission_names_only_known_roles() -> None:
    assert set(PERMISSIONS) == set(Permission)
    for grant in PERMISSIONS.values():
        assert grant.roles and grant.roles <= set(ROLES)


def test_a_caller_without_the_permission_is_refused_with_its_reason() -> None:
    with pytest.raises(Forbidden) as refused:
        caller("therapist").require(Permission.DECIDE)
    assert refused.value.detail == "Only screeners and managers decide."
    caller("screener").require(Permission.DECIDE)


def test_only_managers_act_on_a_contact_another_user_holds() -> None:
    assert [role for role in ROLES if caller(role).may(Permission.ACT_ON_ANY_CLAIM)] == ["manager"]


def test_partners_may_submit_read_list_and_add_to_contacts_but_not_see_flags() -> None:
    partner = caller("partner")
    assert partner.may(Permission.SUBMIT_CONTACT) and partner.may(Permission.READ_CONTACT)
    assert partner.may(Permission.LIST_CONTACTS) and partner.may(Permission.ADD_INFORMATION)
    assert not partner.may(Permission.READ_FLAGS)


def test_a_stored_user_is_the_caller_of_a_request_with_every_detail() -> None:
    police = Organisation(id="org-3", name="Metropolitan Police", agency_type="police")
    user = User(id="user-7", name="Priya Partner", role="partner", organisation_id="org-3", organisation_record=police)

    assert Caller.of(user, request_id="req-9") == Caller(
        "user-7", "Priya Partner", "partner", "Metropolitan Police", "police", "req-9", "org-3"
    )


def test_the_general_refusal_names_the_callers_role() -> None:
    with pytest.raises(Forbidden) as refused:
        caller("partner").require(Permission.READ_QUEUE)
    assert refused.value.detail == "The partner role may not do this."
