"""Tests of the four-in-one video command console."""
