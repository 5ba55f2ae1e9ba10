"""Stories: online clustering of articles about the same event.

``StoryAssigner(conn, run_id).assign(article)`` gives each article its story id (a copy
joins its original's story); ``.similarities(article_id)`` its nearest articles;
``.finalize()`` (after each batch) merges, persists state and recomputes the ``stories``
rows; ``.refresh_stale()`` (at the end of a run) the rows of large stories that lag.
"""

from newsdesk.stories.assign import StoryAssigner, story_id_for

__all__ = ["StoryAssigner", "story_id_for"]
