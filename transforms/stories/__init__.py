"""Stories: the articles, from any outlet and in their own words, that report one event.

`story_terms` (what an article is about, as weighted terms) and `story_index` (online
assignment of articles to stories, and the merges of stories that turn out to be one) are
the rules; `story_batches` feeds a run or window through them in one order;
`story_state_files` keeps the open stories beside the output between runs; and
`assign_stories` is the Beam glue that gives every article and duplicate its `story_id`
and makes the `stories` and `story_merges` rows.
"""
