from tests.api.staff.fixtures import make_staff, staff_client  # noqa: F401
