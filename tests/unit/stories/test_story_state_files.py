"""The open stories beside the output: a failed run leaves them as they were, old state is
not resumed, and a damaged file is named rather than read as no stories."""

import gzip
import os

import pytest

from newsbeam.schemas.layout import story_state_path
from newsbeam.transforms.stories.story_batches import StoryState, assign_batch
from newsbeam.transforms.stories.story_state_files import (
    commit_story_state,
    load_story_state,
    stage_story_state,
)
from tests.unit.stories.test_story_batches import SNOWDEN, _cards

DAY = 86_400.0


def _state_with(titles, prefix) -> StoryState:
    state = StoryState()
    assign_batch(state, _cards(titles, prefix=prefix))
    return state


def test_a_run_s_stories_become_current_only_when_committed(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    assert load_story_state(out, 7 * DAY).index.story_ids() == set()  # staged, not current
    assert commit_story_state(out, "run1")
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"a0"}
    # A second run fails after staging: the next one resumes from the first.
    stage_story_state(out, "run2", _state_with(SNOWDEN[1:2], "b"))
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"a0"}
    assert not commit_story_state(out, "run3")  # staged nothing: the current stays


def test_stories_saved_longer_ago_than_the_expiry_are_not_resumed(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    commit_story_state(out, "run1")
    later = os.path.getmtime(story_state_path(out)) + 8 * DAY
    assert load_story_state(out, 7 * DAY, now=later).index.story_ids() == set()


def test_a_damaged_state_file_fails_loudly(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    commit_story_state(out, "run1")
    with open(story_state_path(out), "r+b") as handle:
        handle.truncate(30)
    with pytest.raises((EOFError, OSError, gzip.BadGzipFile)):
        load_story_state(out, 7 * DAY)
