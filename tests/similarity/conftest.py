from tests.importing.conftest import make_xlsx  # noqa: F401  (workbooks for the import tests here)
from tests.workflow.conftest import actors, as_user, users  # noqa: F401  (users and a logged-in client)
