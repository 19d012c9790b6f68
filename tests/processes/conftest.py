import pytest


@pytest.fixture(params=[False, True], ids=["straight", "roundtrip"])
def settings_overrides(request):
    """Every process test runs twice: straight through, and with a save/restore after every BPMN step."""
    return {"verify_persistence": request.param}
