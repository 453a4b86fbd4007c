"""视频研判: the case assessment screen."""
