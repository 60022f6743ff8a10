"""Workshop mode: the Voila server, the live widgets, what they show, and their static stand-ins for the site."""
