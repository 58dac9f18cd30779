"""#12.9: codes are normalised in the model (admin, pages, commands) and by the migration."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enterprises.models import Enterprise
from tests.factories import EnterpriseFactory, PartnerFactory

pytestmark = pytest.mark.django_db
CODE = "91440300MA5GLXJQRJ"


def test_it_finds_and_refuses_a_code_whatever_its_case() -> None:
    EnterpriseFactory(credit_code=CODE)
    copy = Enterprise(name="乙", credit_code=CODE.lower())

    with pytest.raises(ValidationError) as error:
        copy.full_clean()

    assert Enterprise.objects.filter(credit_code=CODE.lower()).count() == 1
    assert list(error.value.message_dict) == ["credit_code"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_upper_cases_stored_codes_and_clears_a_duplicate() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("enterprises", "0003_credit_code_unique_per_partner")])
    old = executor.loader.project_state(("enterprises", "0003_credit_code_unique_per_partner"))
    Old = old.apps.get_model("enterprises", "Enterprise")
    partner = old.apps.get_model("enterprises", "Partner").objects.create(name="甲方")
    upper = Old.objects.create(name="a", credit_code=CODE, partner_id=partner.pk)
    lower = Old.objects.create(name="b", credit_code=CODE.lower(), partner_id=partner.pk)
    alone = Old.objects.create(name="c", credit_code=CODE.lower())  # no partner

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    codes = dict(Enterprise.objects.values_list("pk", "credit_code"))
    assert codes == {upper.pk: CODE, lower.pk: None, alone.pk: CODE}
    assert PartnerFactory() is not None  # the schema is back at the newest state
