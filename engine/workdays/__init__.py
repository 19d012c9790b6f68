"""The working-day calendar as data: the override table an administrator keeps."""
