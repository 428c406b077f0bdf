"""Peak memory of clean_image() on one file, in a process of its own:

    python -m tests.security.image_memory FILE   ->  prints "<result> <megabytes>"

resource.getrusage's ru_maxrss is the process's peak RSS; the figure is the peak while
cleaning minus the peak before it (Django set up, Pillow imported), in MB. Linux keeps the
parent's RSS at fork as the starting peak, so peak_mb() starts this module from a small shell
rather than from pytest (whose RSS would hide anything below it)."""

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def peak_mb(path: Path) -> tuple[str, int]:
    """("ok" or the refusal's code, MB above the resting peak) for cleaning the file at path."""
    # "; true": the shell forks the interpreter instead of becoming it.
    command = f'"{sys.executable}" -m tests.security.image_memory "{path}"; true'
    output = subprocess.run(
        ["/bin/sh", "-c", command], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(output) == 2, output
    return output[0], int(output[1])


def _main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core import images

    upload = SimpleUploadedFile("upload", Path(path).read_bytes())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    try:
        images.clean_image(upload)
        result = "ok"
    except ValidationError as error:
        result = error.code
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(result, (after - before) // 1024)


if __name__ == "__main__":
    _main(sys.argv[1])
