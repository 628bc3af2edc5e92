from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "keqiao.matching"
    verbose_name = _("Matching and alerts")

    def ready(self) -> None:
        from . import marks
        from .views import recommendation_marks

        marks.register(recommendation_marks)

        from keqiao.search.signals import search_index_rebuilt

        search_index_rebuilt.connect(rebuild_matcher, dispatch_uid="keqiao.matching.rebuild_matcher")


def rebuild_matcher(sender, *, force: bool = False, stdout=None, **kwargs) -> None:
    """With `rebuild_search_index`: bring the matcher up to date (``force``: rebuild it), save its snapshot."""
    import time

    from .matcher import get_match_index

    started = time.perf_counter()
    matcher = get_match_index()
    if force:
        matcher.rebuild()
    else:
        matcher.refresh()  # loads a valid snapshot and catches up, or builds
    matcher.save_snapshot()
    size = len(matcher.matcher) if matcher.matcher is not None and not matcher.empty else 0
    if stdout is not None:
        stdout.write(f"Matcher ready with {size} listings in {time.perf_counter() - started:.2f}s.")
