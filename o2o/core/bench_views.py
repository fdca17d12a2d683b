"""Reference views for the HTTP benchmarks (mounted only when O2O_BENCH_VIEWS is set):
the fastest Django can answer, to compare our real endpoints against in the same run."""

from django.http import JsonResponse
from django.shortcuts import render


def bare_json(request):
    return JsonResponse({"results": [{"outlet": f"o-{i}", "available": i} for i in range(10)]})


def bare_page(request):
    """A template of about the catalogue page's size, with no database work."""
    cards = [{"name": f"Model {i}", "category": "Phones", "price": 9999 + i} for i in range(24)]
    return render(request, "bench/bare_page.html", {"cards": cards})
