from tests.workflow.conftest import actors, as_user, users  # noqa: F401  (the handling fixtures)
