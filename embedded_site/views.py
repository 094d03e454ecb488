from django.shortcuts import render
from django.views.decorators.http import require_GET

from embedded_site.notes.forms import NoteForm, NoteQueryForm
from embedded_site.notes.search_folding import FOLDS
from embedded_site.notes.views import first_page


@require_GET
def home(request):
    # The page's fields stop where the API's forms would refuse the text.
    limits = {"title_max_length": NoteForm.base_fields["title"].max_length, "query_max_length": NoteQueryForm.base_fields["q"].max_length}
    # Find in the note folds its text as the search of the notes does (find.js).
    search_folds = {chr(point): folded for point, folded in FOLDS.items()}
    return render(request, "notes/app.html", {"first_page": first_page(request.user), "search_folds": search_folds, **limits})
