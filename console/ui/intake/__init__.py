"""视频接访: the petition intake screen."""
