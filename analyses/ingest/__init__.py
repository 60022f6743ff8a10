"""Reading published and councils' files into the tidy layout: raw files, layouts, privacy checks, the importer."""
