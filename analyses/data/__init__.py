"""The bottom layer: the tidy dataset's schema and vocabulary, indicators, geography, disclosure and loading."""
