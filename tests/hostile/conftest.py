from tests.web.conftest import app, world_cfg  # noqa: F401  (the console over the review world)
