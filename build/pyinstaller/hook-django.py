"""Replaces PyInstaller's own Django hook, which bundles every contrib app and every translation.

This one takes Django's core (Django imports much of it by dotted path at run time), the data
files Django reads at run time, and the formats of the site's language; app.spec passes the
modules the site does not use through hooksconfig "django" / "leave_out".
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, get_hook_config

DATA_NOT_NEEDED = ["**/locale/**", "conf/app_template/**", "conf/project_template/**"]


def hook(hook_api):
    leave_out = tuple(get_hook_config(hook_api, "django", "leave_out"))
    language = get_hook_config(hook_api, "django", "language")

    def wanted(name: str) -> bool:
        if name.startswith("django.conf.locale."):
            return name.split(".")[3] == language
        return not any(name == left or name.startswith(left + ".") for left in leave_out)

    hook_api.add_imports(*collect_submodules("django", filter=wanted, on_error="ignore"))
    left_out_dirs = [module.removeprefix("django.").replace(".", "/") + "/**" for module in leave_out]
    hook_api.add_datas(collect_data_files("django", excludes=DATA_NOT_NEEDED + left_out_dirs))
