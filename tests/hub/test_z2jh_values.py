"""The Kubernetes route: hub/z2jh/config.yaml against the Zero to JupyterHub chart's schema.

Helm validates the chart's default values merged with the user's file, so the test does the same:
hub/z2jh/chart-values.yaml (the defaults) with config.yaml deep-merged over it, checked against
hub/z2jh/chart-values.schema.yaml (both vendored from jupyterhub/zero-to-jupyterhub-k8s, commit
in their first lines). The schema forbids unknown keys, so a misspelt setting fails here.
"""

from __future__ import annotations

import re

import jsonschema
import yaml

from conftest import ROOT

Z2JH = ROOT / "hub" / "z2jh"


def merged(defaults: dict, values: dict) -> dict:
    """Helm's merge of values over defaults: maps merge key by key, anything else replaces."""
    out = dict(defaults)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def load(name: str) -> dict:
    return yaml.safe_load((Z2JH / name).read_text())


def problems(values: dict) -> list[str]:
    schema = load("chart-values.schema.yaml")
    full = merged(load("chart-values.yaml"), values)
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(full)]


def test_the_course_values_fit_the_charts_schema():
    assert problems(load("config.yaml")) == []


def test_a_misspelt_setting_is_caught():
    values = load("config.yaml")
    values["singleuser"]["memroy"] = values["singleuser"].pop("memory")
    assert any("memroy" in p for p in problems(values))


def gigabytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([GM])i?", quantity).groups()
    return float(number) / (1024 if unit == "M" else 1)


def test_memory_limit_leaves_room_for_two_notebooks_and_the_vendored_files_say_where_from():
    memory = load("config.yaml")["singleuser"]["memory"]
    assert gigabytes(memory["limit"]) >= 2 * gigabytes(memory["guarantee"]) >= 1
    for name in ("chart-values.yaml", "chart-values.schema.yaml"):
        first = (Z2JH / name).read_text().splitlines()[1]
        assert re.search(r"commit [0-9a-f]{40}", first), name


def test_no_password_is_committed():
    """Passwords go on helm's command line (--set), never into the repository."""
    assert "SharedPasswordAuthenticator" not in load("config.yaml")["hub"]["config"]
