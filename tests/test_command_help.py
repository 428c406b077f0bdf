"""Every Buurtkaart management command explains itself in --help, in each language."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

from tests.project import project_apps

OUR_APPS = {app.name for app in project_apps()}
COMMANDS = sorted((name, app) for name, app in get_commands().items() if app in OUR_APPS)


def test_the_project_has_its_commands():
    assert {"seed_demo", "buurt_import_neighbourhoods", "buurt_import_addresses"} <= {
        name for name, _ in COMMANDS
    }


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize(("name", "app"), COMMANDS)
def test_help_renders_with_a_description_and_every_option(name, app, language):
    with translation.override(language):
        command = load_command_class(app, name)
        parser = command.create_parser("manage.py", name)
        text = parser.format_help()
    assert len(str(command.help)) > 40
    for action in parser._actions:
        if action.option_strings and action.dest not in {"help", "version"}:
            assert action.help, f"{name} {action.option_strings} has no help"
    assert text.startswith("usage: manage.py " + name)
