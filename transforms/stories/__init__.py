"""Stories: the articles, from any outlet and in their own words, that report one event.

Rules only so far: `story_terms` (what an article is about, as weighted terms) and
`story_index` (online assignment of articles to stories, and the merges of stories that
turn out to be one). The Beam glue that gives every article its `story_id` and writes the
`stories` table is not built yet.
"""
