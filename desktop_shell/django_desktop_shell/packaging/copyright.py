"""The .deb's /usr/share/doc/SLUG/copyright (Debian Policy 12.5): the app's licence, then the Python
and each Python distribution that the bundle carries, with its licence and where the installed
bundle keeps that licence's texts (the metadata files contents.py keeps). Printed for linux.sh by
`python -m django_desktop_shell.packaging.identity PROJECT --format deb-copyright --bundle DIR --installed-at /opt/SLUG`.
"""

import platform
import re
from email.parser import BytesHeaderParser
from pathlib import Path

from django_desktop_shell.identity import Identity
from django_desktop_shell.packaging.contents import LICENCE_TEXT, METADATA_FILES

LICENCE_CLASSIFIER = "License :: "
# Debian's copies of the common licences' texts (base-files: on every Debian and Ubuntu system).
COMMON_LICENCES = Path("/usr/share/common-licenses")


def distribution_licence(headers) -> str:
    """The licence a distribution's metadata states: its SPDX expression, its one-line License
    field (some put the whole text there), or its licence classifiers."""
    for field in ("License-Expression", "License"):
        value = (headers.get(field) or "").strip()
        if value and "\n" not in value:
            return value
    classifiers = [value.rsplit(" :: ", 1)[-1] for value in headers.get_all("Classifier") or []
                   if value.startswith(LICENCE_CLASSIFIER)]
    return ", ".join(classifiers) or "not stated in its metadata"


def common_licence_texts(licence: str) -> list[Path]:
    """Debian's copies of the texts of the SPDX licences LICENCE names (LGPL-2.1-only: LGPL-2.1,
    GPL-3.0-or-later: GPL-3); a version is needed ("BSD License" is not the text of common-licenses/BSD)."""
    names = {re.sub(r"(-only|-or-later|\+)$", "", word) for word in re.findall(r"[\w.+-]+-\d[\w.+-]*", licence)}
    texts = [next((COMMON_LICENCES / candidate for candidate in (name, name.removesuffix(".0"))
                   if (COMMON_LICENCES / candidate).is_file()), None) for name in sorted(names)]
    return [text for text in texts if text]


def copyright_text(identity: Identity, bundle: Path, installed: Path) -> str:
    lines = [f"{identity.name} {identity.version}"]
    if identity.homepage:
        lines.append(identity.homepage)
    lines += ["", f"{identity.name}: {identity.licence or 'no licence stated (the license of [project] in its pyproject.toml)'}"]
    lines += [f"  {path}" for path in common_licence_texts(identity.licence)]
    lines += ["", f"{identity.name} brings the Python and the Python packages it runs on, in {installed}, each under",
              "its own licence; the files listed under one hold its licence's texts, and",
              f"{COMMON_LICENCES} those of the GPL, the LGPL, Apache-2.0, the MPL and others.", "",
              f"Python {platform.python_version()}: PSF-2.0"]
    for metadata in sorted(bundle.glob("_internal/*.dist-info"), key=lambda folder: folder.name.lower()):
        with next(metadata / name for name in METADATA_FILES if (metadata / name).exists()).open("rb") as file:
            headers = BytesHeaderParser().parse(file)
        licence = distribution_licence(headers)
        lines.append(f"{headers['Name']} {headers['Version']}: {licence}")
        lines += [f"  {installed / path.relative_to(bundle)}" for path in sorted(metadata.rglob("*"))
                  if path.is_file() and LICENCE_TEXT.match(path.relative_to(metadata).as_posix())]
        lines += [f"  {path}" for path in common_licence_texts(licence)]
    return "\n".join(lines) + "\n"

