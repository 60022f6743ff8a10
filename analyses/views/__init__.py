"""Presentation: charts and their renderer, menus and sliders, wording and formatting, per-chapter views."""
