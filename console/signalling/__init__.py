"""Signalling: the message protocol, the embedded server and client adapters (own server, Janus)."""
