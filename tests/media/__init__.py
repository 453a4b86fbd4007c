"""Tests of the camera media pipeline: real clips, real decoders, real sockets."""
