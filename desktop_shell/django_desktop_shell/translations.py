"""The project's own translation catalogues, as the launch's check and the build both look at them."""

from pathlib import Path


def uncompiled_catalogues(folders: list[Path]) -> list[Path]:
    """The `.po` catalogues (`<folder>/<language>/LC_MESSAGES/*.po`) with no `.mo` compiled beside them:
    Django reads only the `.mo`, so that language's pages show the source strings (`*.mo` in
    .gitignore, and no compilemessages since the clone)."""
    sources = [path for folder in folders for path in folder.glob("*/LC_MESSAGES/*.po")]
    return sorted(path for path in sources if not path.with_suffix(".mo").is_file())
