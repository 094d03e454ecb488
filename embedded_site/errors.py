"""Form problems as the JSON API and the patterns page report them."""

from django.forms.utils import pretty_name


def form_errors(form) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}


def form_error_message(form) -> str:
    """The form's problems as one sentence or a few, each after its field's label: "Tags: A note
    has at most 20 tags." A problem on several fields ("A note needs a title or a body.", on
    both) is said once, after all their labels."""
    labels_by_message: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label or pretty_name(name)) if field else None
        for message in messages:
            labels = labels_by_message.setdefault(str(message), [])
            if label and label not in labels:
                labels.append(label)
    return " ".join(
        f"{', '.join(labels)}: {message}" if labels else message for message, labels in labels_by_message.items()
    ) or "The request is not valid."
