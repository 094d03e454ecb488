"""A site middleware that fails on every request, as a misconfigured one does: its error never
reaches a view, nor the shell's error middleware, which sees Django's 500 answer instead."""


class FailsEveryRequest:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise RuntimeError("the site's middleware failed")
