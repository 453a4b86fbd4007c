"""Tests of the signalling protocol models and their published schema."""
