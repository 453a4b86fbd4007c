"""四频合一 video command console: intake, mediation, surveillance wall and case assessment."""

__version__ = "0.1.0"
