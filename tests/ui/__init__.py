"""Qt tests of the screens and models, driven on a real qasync loop with a real SQLite store."""
