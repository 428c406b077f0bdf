"""A base for Buurtkaart's management commands: help a coordinator can read."""

import argparse

from django.core.management.base import BaseCommand, DjangoHelpFormatter


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option order, with the paragraphs and examples kept as written."""


class HelpfulCommand(BaseCommand):
    """Keeps `help` paragraphs as written and prints `examples` below the options.

    `help` and `examples` may be lazy translations: argparse needs plain strings."""

    examples = ""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        self.help = str(self.help)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = str(self.examples) or None
        return parser
