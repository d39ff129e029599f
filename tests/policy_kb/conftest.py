from __future__ import annotations

import pytest

from policy_kb import RuleBase, default_rule_base


@pytest.fixture(scope="session")
def rules() -> RuleBase:
    return default_rule_base()
