from django.db import models

import kitchen_tools  # noqa: F401


class Recipe(models.Model):
    title = models.CharField(max_length=200)
    photo = models.ImageField(upload_to="photos", blank=True)

    def __str__(self):
        return self.title
