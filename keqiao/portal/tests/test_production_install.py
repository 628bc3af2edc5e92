"""A production install has no development dependencies (factory-boy, pytest): every management
command of the project must still import and load. Run in a fresh interpreter where importing
factory-boy fails, as it does on a server installed from requirements.lock."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import importlib.abc, sys

class NoDevDependencies(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"factory", "faker", "pytest", "pytest_django"}:
            raise ImportError(f"{name} is a development dependency")
        return None

sys.meta_path.insert(0, NoDevDependencies())
import django
django.setup()
from django.core.management import get_commands, load_command_class

ours = sorted((name, app) for name, app in get_commands().items() if app.startswith("keqiao"))
assert len(ours) >= 10, ours
for name, app in ours:
    load_command_class(app, name)
assert "keqiao.testing.factories" not in sys.modules
print(len(ours), "commands")
"""


def test_every_command_loads_without_development_dependencies():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "commands" in result.stdout
