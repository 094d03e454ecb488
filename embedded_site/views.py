from django.shortcuts import render
from django.utils.html import json_script
from django.views.decorators.http import require_GET

from embedded_site.notes.forms import NoteForm, NoteQueryForm
from embedded_site.notes.search_folding import FOLDS
from embedded_site.notes.views import first_page

# Find in the note folds its text as the search of the notes does (find.js). The table never
# changes while the app runs, and writing it out is a fifth of the page's rendering.
SEARCH_FOLDS_SCRIPT = json_script({chr(point): folded for point, folded in FOLDS.items()}, "searchFolds")


@require_GET
def home(request):
    # The page's fields stop where the API's forms would refuse the text.
    limits = {"title_max_length": NoteForm.base_fields["title"].max_length, "query_max_length": NoteQueryForm.base_fields["q"].max_length}
    return render(request, "notes/app.html", {"first_page": first_page(request.user), "search_folds_script": SEARCH_FOLDS_SCRIPT, **limits})
