from django.shortcuts import render

from recipes.models import Recipe


def index(request):
    return render(request, "recipes/index.html", {"recipes": Recipe.objects.all()})
