import re
from collections.abc import Callable
from datetime import timezone

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from embedded_site.notes.models import TAG_MAX_LENGTH, TITLE_MAX_LENGTH, Note
from embedded_site.notes.tagging import TAG_SEPARATORS, normalise_foreign_tags, normalise_tag, normalise_tags

BODY_MAX_LENGTH = 1_000_000
# Shown in the save state beside the text, which stays in the editor and in its draft.
BODY_TOO_LONG = (f"A note holds at most {BODY_MAX_LENGTH:,} characters, and this one has %(show_value)s: "
                 "move part of it to a new note to save it. Nothing is lost meanwhile.")
MAX_TAGS_PER_NOTE = 20
QUERY_MAX_LENGTH = 500
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_OFFSET = 10**9  # far beyond any real list, and well inside SQLite's 64-bit integers

FLAG_VALUES = {"1": True, "true": True, "0": False, "false": False}
# JSON's "\udc80" decodes to a lone surrogate, a str that has no UTF-8 form: SQLite (and any file
# the text is written to) cannot take it.
SURROGATE = re.compile("[\ud800-\udfff]")


def prohibit_surrogates(value: str) -> None:
    if found := SURROGATE.search(value):
        raise ValidationError(
            "This text holds U+%(code)04X, half of a surrogate pair, which is not a character.",
            code="surrogate", params={"code": ord(found[0])},
        )


NOT_GIVEN = object()


class JsonValue(forms.Widget):
    """A key of a JSON object, read as it is: a missing key is NOT_GIVEN, and null is a value."""

    def value_from_datadict(self, data, files, name):
        return data.get(name, NOT_GIVEN)

    def value_omitted_from_data(self, data, files, name):
        return name not in data


class JsonTyped:
    """For a form field of a JSON object: a value of another JSON type (null included) is an error
    naming the field, never converted ("5" for 5, true for "yes", "{'a': 1}" for an object). A
    missing key is the field's empty value."""

    widget = JsonValue
    json_type: type = str

    def to_python(self, value):
        if value is NOT_GIVEN:
            value = None
        # In Python true is an int too; in JSON it is not.
        elif not isinstance(value, self.json_type) or (isinstance(value, bool) and self.json_type is not bool):
            raise ValidationError(self.error_messages["wrong_type"], code="wrong_type")
        return super().to_python(value)


class NoteTextField(JsonTyped, forms.CharField):
    """Text of a note: what SQLite can store (no NUL, which CharField refuses, and no lone surrogate)."""

    default_error_messages = {"wrong_type": "Enter text (a JSON string)."}
    default_validators = [prohibit_surrogates]


class JsonBooleanField(JsonTyped, forms.BooleanField):
    default_error_messages = {"wrong_type": "Enter true or false."}
    json_type = bool


class JsonIntegerField(JsonTyped, forms.IntegerField):
    default_error_messages = {"wrong_type": "Enter a whole number."}
    json_type = int


class JsonUUIDField(JsonTyped, forms.UUIDField):
    default_error_messages = {"wrong_type": "Enter a valid UUID."}


class JsonChoiceField(JsonTyped, forms.ChoiceField):
    default_error_messages = {"wrong_type": "Enter one of the choices (a JSON string)."}


def flag_field() -> forms.TypedChoiceField:
    """An optional yes/no query parameter: 1/true or 0/false; anything else is an error."""
    return forms.TypedChoiceField(
        choices=[(value, value) for value in FLAG_VALUES],
        coerce=FLAG_VALUES.get,
        required=False,
        empty_value=None,
    )


TAG_NAME_ERROR_MESSAGES = {
    "too_long": f"A tag has at most {TAG_MAX_LENGTH} characters.",
    "comma": "A tag's name cannot contain a comma (, or ،): the Tags field separates tags with commas.",
}


def check_tag(name: str, error_messages: dict[str, str]) -> None:
    """A normalised tag name the database can store (no NUL, no lone surrogate, TAG_MAX_LENGTH)
    and the Tags field can show (no comma)."""
    ProhibitNullCharactersValidator()(name)
    prohibit_surrogates(name)
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError(error_messages["too_long"], code="too_long")
    if TAG_SEPARATORS.search(name):
        raise ValidationError(error_messages["comma"], code="comma")


class TagListField(JsonTyped, forms.Field):
    """A JSON list of tag names, normalised by `normalise` (normalise_tags, or normalise_foreign_tags
    for tags from elsewhere)."""

    default_error_messages = {
        "wrong_type": "Enter the tags as a list of strings.",
        "too_many": f"A note has at most {MAX_TAGS_PER_NOTE} tags.",
        **TAG_NAME_ERROR_MESSAGES,
    }
    json_type = list

    def __init__(self, *, normalise: Callable[[list[str]], list[str]] = normalise_tags, **kwargs):
        super().__init__(**kwargs)
        self.normalise = normalise

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return []
        if not all(isinstance(name, str) for name in value):
            raise ValidationError(self.error_messages["wrong_type"], code="wrong_type")
        names = self.normalise(value)
        for name in names:
            check_tag(name, self.error_messages)
        if len(names) > MAX_TAGS_PER_NOTE:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        return names


class TagNameField(JsonTyped, forms.CharField):
    """One tag's new name (a rename), normalised as a note's tags are."""

    default_error_messages = {
        "wrong_type": "Enter the tag's name (a JSON string).",
        "required": "Enter a tag name.",
        **TAG_NAME_ERROR_MESSAGES,
    }

    def to_python(self, value):
        return normalise_tag(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        check_tag(value, self.error_messages)


class IsoDateTimeField(JsonTyped, forms.DateTimeField):
    """An ISO 8601 string from JSON, of a moment the database can store: it keeps times in UTC, and
    9999-12-31T23:59:59-01:00 is in the year 10000 there."""

    default_error_messages = {
        "wrong_type": forms.DateTimeField.default_error_messages["invalid"],
        "out_of_range": "Enter a date and time between the years 1 and 9999 in UTC.",
    }

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            moment and moment.astimezone(timezone.utc)
        except OverflowError:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None
        return moment


class NoteForm(forms.ModelForm):
    title = NoteTextField(required=False, max_length=TITLE_MAX_LENGTH)
    body = NoteTextField(required=False, strip=False, max_length=BODY_MAX_LENGTH, error_messages={"max_length": BODY_TOO_LONG})
    tags = TagListField(required=False)
    pinned = JsonBooleanField(required=False)

    class Meta:
        model = Note
        fields = ["title", "body", "pinned"]

    def clean(self):
        cleaned = super().clean()
        title, body = cleaned.get("title"), cleaned.get("body")
        if title == "" and body is not None and not body.strip():
            message = "A note needs a title or a body."
            self.add_error("title", message)
            self.add_error("body", message)
        return cleaned


class NoteCreateForm(NoteForm):
    """A POST. The client may name the note's uid, so that a create retried after a lost answer
    finds the note it already made instead of making a second one."""

    uid = JsonUUIDField(required=False)


class NoteChangeForm(NoteForm):
    """A PATCH: the note's fields (the client's changes over the current values) and the
    version the client last read."""

    version = JsonIntegerField(min_value=1, max_value=2**62)
    # "Keep mine" in a conflict: what it overwrites is always kept as a revision.
    resolves_conflict = JsonBooleanField(required=False)


class ImportedNoteForm(NoteForm):
    """A note from a file or a sync: its tags are another app's or an older Notedesk's, whose
    commas separate tags rather than being refused."""

    tags = TagListField(required=False, normalise=normalise_foreign_tags)
    uid = JsonUUIDField()
    created = IsoDateTimeField()
    updated = IsoDateTimeField()


class ExportedNoteForm(ImportedNoteForm):
    """A note of a Notedesk export, which holds the trash, each note there with when it went there."""

    trashed_at = IsoDateTimeField(required=False)


class NoteQueryForm(forms.Form):
    q = forms.CharField(required=False, max_length=QUERY_MAX_LENGTH, label="Search")
    tag = forms.CharField(required=False, max_length=TAG_MAX_LENGTH)
    pinned = flag_field()
    trashed = flag_field()
    limit = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)
    offset = forms.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)

    def clean_tag(self):
        return normalise_tag(self.cleaned_data["tag"])

    def clean_trashed(self):
        return bool(self.cleaned_data["trashed"])

    def clean_limit(self):
        return self.cleaned_data["limit"] or DEFAULT_PAGE_SIZE

    def clean_offset(self):
        return self.cleaned_data["offset"] or 0


class TemplateQueryForm(forms.Form):
    title = forms.CharField(required=False, max_length=TITLE_MAX_LENGTH, label="Title")


class NoteDeleteForm(forms.Form):
    purge = flag_field()


class AttachmentForm(forms.Form):
    file = forms.FileField(allow_empty_file=True)


class SeveralFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class SeveralFilesField(forms.FileField):
    """One file or more under one name, as Django's documentation does it: a list of them."""

    widget = SeveralFilesInput

    def clean(self, data, initial=None):
        clean_one = super().clean
        return [clean_one(file, initial) for file in (data if isinstance(data, (list, tuple)) and data else [data])]


class ImportForm(forms.Form):
    file = forms.FileField()


class ImportJobForm(forms.Form):
    file = SeveralFilesField()  # one export, or the parts of one (Google Takeout's, Notion's) chosen together


def is_positive(number) -> bool:
    """A whole number from JSON (true is not 1) that a database's integer holds."""
    return isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= 2**62


MOST_NOTES_CHOSEN = 100_000


class NoteIdsField(JsonTyped, forms.Field):
    """`[3, 5, 8]`: notes by their ids (the notes a list shows), at most MOST_NOTES_CHOSEN."""

    default_error_messages = {
        "wrong_type": "Enter the notes as a list of their ids.",
        "too_many": f"Choose at most {MOST_NOTES_CHOSEN:,} notes.",
    }
    json_type = list

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        if not all(map(is_positive, value)):
            raise ValidationError(self.error_messages["wrong_type"], code="wrong_type")
        if len(value) > MOST_NOTES_CHOSEN:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        return value


class ExportJobForm(forms.Form):
    format = JsonChoiceField(choices=[("json", "JSON"), ("markdown", "Markdown")])
    destination = JsonChoiceField(choices=[("download", "a download"), ("dialog", "a file chosen in a dialog")])
    notes = NoteIdsField(required=False)  # without: every note outside the trash


class PreviewForm(forms.Form):
    body = NoteTextField(required=False, strip=False, max_length=BODY_MAX_LENGTH, error_messages={"max_length": BODY_TOO_LONG})
    note = JsonIntegerField(required=False, min_value=1, max_value=2**62)  # whose attachments the text may show


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("json", "JSON"), ("markdown", "Markdown")], required=False)

    def clean_format(self):
        return self.cleaned_data["format"] or "json"
