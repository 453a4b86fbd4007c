"""视频调解: the mediation rooms screen."""
