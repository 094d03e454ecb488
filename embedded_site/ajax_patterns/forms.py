from django import forms


class GreetingForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True)
