from integrations import AGENCIES
from mash.enums import CHECK_AGENCIES


def test_the_contract_offers_checks_of_exactly_the_agencies_the_partner_clients_know() -> None:
    assert CHECK_AGENCIES == AGENCIES
