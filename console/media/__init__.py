"""Camera sources, decode threads and frame hand-off for the video wall. No Qt."""
