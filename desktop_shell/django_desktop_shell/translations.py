"""The project's own translation catalogues, as the launch's check and the build both look at them."""

from pathlib import Path


def uncompiled_catalogues(folders: list[Path]) -> list[Path]:
    """The `.po` catalogues (`<folder>/<language>/LC_MESSAGES/*.po`) with no `.mo` compiled beside them:
    Django reads only the `.mo`, so that language's pages show the source strings (`*.mo` in
    .gitignore, and no compilemessages since the clone)."""
    sources = [path for folder in folders for path in folder.glob("*/LC_MESSAGES/*.po")]
    return sorted(path for path in sources if not path.with_suffix(".mo").is_file())


def project_apps_catalogue_folders(project_dir: Path, app_names: list[str]) -> list[Path]:
    """The `locale/` folder of each app (by module path) that lives in the project, as the build
    ships and checks them: an installed library's come compiled, even from a virtualenv inside the
    project, and are not the developer's to compile."""
    folders = [project_dir.joinpath(*name.split("."), "locale") for name in app_names]
    return [folder for folder in folders if folder.is_dir()]
