import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds a fresh virtual environment (minutes)")


@pytest.fixture
def warnings_are_errors():
    """Any warning (numpy overflow, matplotlib, TensorFlow) fails the test, except one that a
    learner never sees: Colab's matplotlib 3.10.0 calls names its pyparsing deprecates, and
    Python hides DeprecationWarnings raised inside libraries (`make test-colab`)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="pyparsing")
        warnings.filterwarnings("ignore", message=r"'\w+' (argument is )?deprecated")
        yield
