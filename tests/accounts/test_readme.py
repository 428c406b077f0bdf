"""The README tells how roles work and how the first moderator is made, with real commands."""

from pathlib import Path

from django.core.management import get_commands

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_describes_every_role():
    section = README.split("## Accounts and roles", 1)[1].split("\n## ", 1)[0]
    for role in ("resident", "organisation member", "worker", "moderator", "coordinator"):
        assert f"| {role} |" in section


def test_the_documented_commands_exist():
    assert "manage.py createsuperuser" in README
    assert "manage.py accounts_make_moderator EMAIL" in README
    commands = get_commands()
    assert commands["accounts_make_moderator"] == "accounts"
    assert "createsuperuser" in commands
