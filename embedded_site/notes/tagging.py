import re
from collections.abc import Iterable
from itertools import chain

from embedded_site.notes.models import Note, Tag

NoteTags = Note.tags.through
# What separates tags in the editor's Tags field (editor.js, parseTags): a comma, or the Arabic
# comma (،) that an Arabic, Persian or Urdu keyboard types in its place. No tag may hold one.
TAG_SEPARATORS = re.compile("[,،]")


def normalise_tag(name: str) -> str:
    """Tags are case-insensitive words: `  #Work  Ideas `, `# #work ideas` and `work ideas` are
    one tag. A tag normalised again stays as it is, so a tag saved a second time is the same tag."""
    return " ".join(name.split()).lstrip("# ").lower()


def normalise_tags(names: Iterable[str]) -> list[str]:
    """The names normalised (see normalise_tag), in their order, without empty ones and repeats."""
    return list(dict.fromkeys(filter(None, map(normalise_tag, names))))


def normalise_foreign_tags(names: Iterable[str]) -> list[str]:
    """Tags from elsewhere (an import, a sync) normalised, a name holding commas being the tags
    between them: the editor's Tags field separates tags with commas (TAG_SEPARATORS), so no tag
    may hold one, and Evernote, Obsidian and Joplin allow none either, so such a name is a list
    typed as one tag."""
    return normalise_tags(part for name in names for part in TAG_SEPARATORS.split(name))


def tags_named(owner, names: set[str]) -> dict[str, int]:
    """The id of each of the owner's tags named, creating the ones that do not exist yet."""
    Tag.objects.bulk_create([Tag(owner=owner, name=name) for name in names], ignore_conflicts=True)
    return dict(Tag.objects.owned_by(owner).filter(name__in=names).values_list("name", "id"))


def set_tags(owner, tag_names_by_note_id: dict[int, list[str]]) -> None:
    """Replace the tags of many of the owner's notes at once (one note is the common case). A tag they lose that
    no other note has is deleted: tags are saved as they are typed, and "wor" on the way to "work"
    should not stay behind."""
    note_ids = list(tag_names_by_note_id)
    former_tag_ids = set(NoteTags.objects.filter(note_id__in=note_ids).values_list("tag_id", flat=True))
    tag_ids = tags_named(owner, set(chain.from_iterable(tag_names_by_note_id.values())))
    NoteTags.objects.filter(note_id__in=note_ids).delete()
    NoteTags.objects.bulk_create(
        NoteTags(note_id=note_id, tag_id=tag_ids[name])
        for note_id, names in tag_names_by_note_id.items()
        for name in names
    )
    if dropped := former_tag_ids - set(tag_ids.values()):
        Tag.objects.filter(pk__in=dropped, notes__isnull=True).delete()
