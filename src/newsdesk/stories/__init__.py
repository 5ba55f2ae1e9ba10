"""Stories: online clustering of articles about the same event.

``StoryAssigner(conn, run_id).assign(article)`` gives each article its story id (a copy
joins its original's story); ``.similarities(article_id)`` its nearest articles;
``.finalize()`` merges, persists state and recomputes the ``stories`` rows.
"""

from newsdesk.stories.assign import StoryAssigner, story_id_for

__all__ = ["StoryAssigner", "story_id_for"]
