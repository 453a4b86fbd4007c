"""视频监控: the surveillance wall screen."""
