from django import forms

from embedded_site.notes.forms import NoteTextField


class GreetingForm(forms.Form):
    # Text as the notes API takes it: from JSON a string only (5 or {"a": 1} is not made text),
    # and no lone surrogate, which is no character.
    username = NoteTextField(max_length=150)
