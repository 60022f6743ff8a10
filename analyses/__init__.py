"""Evidence for Prevention: data, models, charts and runners behind the guide."""
