"""All Qt: the main window, Qt models, shared widgets and one package per screen."""
