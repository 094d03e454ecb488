"""The AppStream metainfo of the .deb (/usr/share/metainfo/APP_ID.metainfo.xml): what GNOME
Software, KDE Discover and Ubuntu's App Center show of an app, and how they find it (without it
they list the package, not the app). Printed for linux.sh by
`python -m django_desktop_shell.packaging.identity PROJECT --format metainfo`.
"""

import datetime
import os
import xml.etree.ElementTree as ET

from django_desktop_shell.identity import Identity


def release_date() -> str:
    """The build's day, SOURCE_DATE_EPOCH's when a reproducible build sets it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch else datetime.datetime.now(datetime.UTC)
    return moment.date().isoformat()


def metainfo(identity: Identity) -> str:
    component = ET.Element("component", type="desktop-application")
    summary = (identity.description or identity.name).rstrip(".")
    for tag, text in (("id", identity.app_id), ("metadata_license", "CC0-1.0"),
                      ("project_license", identity.licence), ("name", identity.name), ("summary", summary)):
        if text:
            ET.SubElement(component, tag).text = text
    description = ET.SubElement(component, "description")
    ET.SubElement(description, "p").text = (f"{identity.name} keeps each person's data in their own data folder and "
                                            "shows it in a native window.")
    ET.SubElement(component, "launchable", type="desktop-id").text = f"{identity.slug}.desktop"
    if identity.homepage:
        ET.SubElement(component, "url", type="homepage").text = identity.homepage
    provides = ET.SubElement(component, "provides")
    ET.SubElement(provides, "binary").text = identity.slug
    for file_type in identity.file_types:
        ET.SubElement(provides, "mediatype").text = file_type.mime_type
    if identity.categories:
        categories = ET.SubElement(component, "categories")
        for category in identity.categories:
            ET.SubElement(categories, "category").text = category
    if identity.keywords:
        keywords = ET.SubElement(component, "keywords")
        for keyword in identity.keywords:
            ET.SubElement(keywords, "keyword").text = keyword
    ET.SubElement(ET.SubElement(component, "releases"), "release", version=identity.version, date=release_date())
    ET.SubElement(component, "content_rating", type="oars-1.1")
    ET.indent(component)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(component, encoding="unicode") + "\n"
