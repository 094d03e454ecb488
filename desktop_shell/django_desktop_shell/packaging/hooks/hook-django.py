"""Replaces PyInstaller's own Django hook, which bundles every contrib app and every translation.

This one takes Django's core (Django imports much of it by dotted path at run time) with its
data files, minus what app.spec passes in hooksconfig "django": "leave_out", the modules the
site does not use; of its formats and translations, only those of "languages", the languages the
site speaks (app.spec).
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, get_hook_config

from django_desktop_shell.packaging.contents import TRANSLATION_SOURCES, in_languages

PROJECT_TEMPLATES = ["conf/app_template/**", "conf/project_template/**"]  # for startapp/startproject


def hook(hook_api):
    leave_out = tuple(get_hook_config(hook_api, "django", "leave_out"))
    languages = get_hook_config(hook_api, "django", "languages")

    def wanted_module(name: str) -> bool:
        if name.startswith("django.conf.locale."):
            return name.split(".")[3] in languages
        return not any(name == left or name.startswith(left + ".") for left in leave_out)

    hook_api.add_imports(*collect_submodules("django", filter=wanted_module, on_error="ignore"))
    left_out_dirs = [module.removeprefix("django.").replace(".", "/") + "/**" for module in leave_out]
    datas = collect_data_files("django", excludes=PROJECT_TEMPLATES + TRANSLATION_SOURCES + left_out_dirs)
    hook_api.add_datas([(source, destination) for source, destination in datas if in_languages(destination, languages)])
