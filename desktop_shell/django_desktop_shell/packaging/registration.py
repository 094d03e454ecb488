"""What each installer registers with the OS for the identity's file-types and url-schemes, so
that double-click, Open with and app-scheme:// links start the app with the file or link:

- Linux: the desktop entry's MimeType= (x-scheme-handler/SCHEME for a scheme) and its Exec=
  field code (%U: files arrive as paths or file:// URLs, links as they are);
- Windows: Inno Setup [Registry] lines (per user, under HKA\\Software\\Classes), written by
  build.ps1 into an include file: each extension's OpenWithProgids, the ProgID, the scheme;
- macOS: the Info.plist's CFBundleDocumentTypes and CFBundleURLTypes (desktop_app.spec).

    python -m django_desktop_shell.packaging.identity PROJECT_DIR --format inno-registry   (the include)
"""

from django_desktop_shell.identity import Identity


def desktop_mime_types(identity: Identity) -> str:
    types = [file_type.mime_type for file_type in identity.file_types]
    types += [f"x-scheme-handler/{scheme}" for scheme in identity.url_schemes]
    return "".join(f"{mime_type};" for mime_type in dict.fromkeys(types))


def desktop_exec_code(identity: Identity) -> str:
    """The desktop entry's field code after the program: %U takes files and links alike."""
    return " %U" if identity.file_types or identity.url_schemes else ""


def inno_registry(identity: Identity) -> str:
    """Inno Setup [Registry] lines; {app} and {#AppSlug} are Inno's own constants."""
    command = '""{app}\\{#AppSlug}.exe"" ""%1""'  # "" is a literal quote in an Inno Setup string
    lines = ["[Registry]"]
    for file_type in identity.file_types:
        for extension in file_type.extensions:
            progid = f"{identity.app_id}.{extension}"
            description = inno_text(file_type.description or f"{extension.upper()} file")
            lines += [
                f'Root: HKA; Subkey: "Software\\Classes\\.{extension}\\OpenWithProgids"; ValueType: string; '
                f'ValueName: "{progid}"; ValueData: ""; Flags: uninsdeletevalue',
                f'Root: HKA; Subkey: "Software\\Classes\\{progid}"; ValueType: string; ValueName: ""; '
                f'ValueData: "{description}"; Flags: uninsdeletekey',
                f'Root: HKA; Subkey: "Software\\Classes\\{progid}\\DefaultIcon"; ValueType: string; ValueName: ""; '
                f'ValueData: "{{app}}\\{{#AppSlug}}.exe,0"',
                f'Root: HKA; Subkey: "Software\\Classes\\{progid}\\shell\\open\\command"; ValueType: string; '
                f'ValueName: ""; ValueData: "{command}"',
                f'Root: HKA; Subkey: "Software\\Classes\\Applications\\{{#AppSlug}}.exe\\SupportedTypes"; '
                f'ValueType: string; ValueName: ".{extension}"; ValueData: ""; Flags: uninsdeletekey',
            ]
    for scheme in identity.url_schemes:
        lines += [
            f'Root: HKA; Subkey: "Software\\Classes\\{scheme}"; ValueType: string; ValueName: ""; '
            f'ValueData: "URL:{inno_text(identity.name)} link"; Flags: uninsdeletekey',
            f'Root: HKA; Subkey: "Software\\Classes\\{scheme}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""',
            f'Root: HKA; Subkey: "Software\\Classes\\{scheme}\\shell\\open\\command"; ValueType: string; '
            f'ValueName: ""; ValueData: "{command}"',
        ]
    return "\n".join(lines) + "\n" if len(lines) > 1 else ""


def inno_text(text: str) -> str:
    return text.replace('"', "'").replace("{", "{{")


def info_plist_entries(identity: Identity) -> dict:
    entries = {}
    if identity.file_types:
        entries["CFBundleDocumentTypes"] = [{
            "CFBundleTypeName": file_type.description or file_type.mime_type,
            "CFBundleTypeRole": "Editor",
            "LSHandlerRank": "Alternate",  # offered in Open with, not taken over from the person's own choice
            "CFBundleTypeExtensions": list(file_type.extensions),
            "CFBundleTypeMIMETypes": [file_type.mime_type],
        } for file_type in identity.file_types]
    if identity.url_schemes:
        entries["CFBundleURLTypes"] = [{"CFBundleURLName": identity.app_id, "CFBundleURLSchemes": list(identity.url_schemes)}]
    return entries
